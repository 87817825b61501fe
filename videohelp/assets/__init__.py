"""Data shipped with the app; ``asset_path`` finds it in a checkout or a bundle."""

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent


def asset_path(*parts: str) -> Path:
    """Return the path of a shipped asset."""
    return ASSETS_DIR.joinpath(*parts)
