"""Private by default: the console's files are the operator's alone.

The database holds viewers' unmasked comments and user ids, the logs name
seats and platforms, exports hold what the officer chose to take away, and the
TLS key is a key. On POSIX every directory videohelp creates is 0700 and every
file 0600; an existing data directory, database, log or key with a looser mode
is tightened when videohelp opens it. ``restrict_umask`` (called first thing by
the command line) makes anything else the process creates private as well.

On Windows the data directory is under the user's profile (``%LOCALAPPDATA%``),
whose ACLs already keep other users out; modes are left alone there.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
POSIX = os.name == "posix"


def restrict_umask() -> None:
    """New files and directories of this process: owner only (POSIX)."""
    if POSIX:
        os.umask(0o077)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    tighten(path, DIR_MODE)
    return path


def tighten(path: Path | str, mode: int = FILE_MODE) -> None:
    """Make ``path`` ``mode`` if it exists and is looser (POSIX; best effort, logged)."""
    if not POSIX:
        return
    try:
        current = os.stat(path).st_mode & 0o777
        if current & ~mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        return
    except OSError as exc:  # not ours (a shared export folder): say so, go on
        log.warning("cannot make %s private: %s", path, exc)


def tighten_all(paths: Iterable[Path | str]) -> None:
    for path in paths:
        tighten(path)


def create_private(path: Path | str) -> None:
    """Create ``path`` empty with 0600 if it does not exist; tighten it if it does."""
    if POSIX:
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    tighten(path)


def open_private(path: Path | str, mode: str = "w", **options: Any) -> IO[Any]:
    """``open(path, mode)`` for writing a file only the owner may read (0600)."""

    def opener(name: str, flags: int) -> int:
        fd = os.open(name, flags, FILE_MODE)
        if POSIX:
            try:
                os.fchmod(fd, FILE_MODE)  # an existing file keeps its mode otherwise
            except OSError as exc:  # someone else's file we may write: say so, go on
                log.warning("cannot make %s private: %s", name, exc)
        return fd

    return open(path, mode, opener=opener, **options)
