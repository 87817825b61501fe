"""Application core: configuration, storage, catalog, knowledge base, sessions, CLI."""
