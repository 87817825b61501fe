"""Bridges: programs that carry a platform's comments to /ingest."""
