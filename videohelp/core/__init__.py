"""The shared bottom of the console: the store and its schema, settings, roles, the
catalog and knowledge base, paths, TLS, the HTTP/WebSocket server, backoff and the one
hand-off to the console's loop. Imports nothing else of videohelp (but assets)."""
