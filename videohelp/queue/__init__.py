"""The comment pipeline: ingest, validation, dedup, persistence, triage, states."""
