"""Where videohelp keeps its database, settings, logs and crash reports."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from videohelp import APP_NAME
from videohelp.core.private import private_dir


@dataclass(frozen=True)
class DataPaths:
    """The files of one data directory."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "videohelp.sqlite3"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "videohelp.log"

    @property
    def crashes(self) -> Path:
        return self.root / "crashes"

    def ensure(self) -> DataPaths:
        """Create the directories (owner only: 0700, an existing looser root tightened)."""
        for directory in (self.root, self.logs, self.crashes):
            private_dir(directory)
        return self


def default_data_dir() -> Path:
    """The user's data directory, overridable by ``VIDEOHELP_DATA_DIR``."""
    override = os.environ.get("VIDEOHELP_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def data_paths(data_dir: str | os.PathLike[str] | None = None) -> DataPaths:
    """Return the (created) paths for ``data_dir`` or the default location."""
    root = Path(data_dir).expanduser() if data_dir else default_data_dir()
    return DataPaths(root.resolve()).ensure()
