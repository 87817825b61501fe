"""Private, verified files of plain arrays: the trained model and the jieba cache.

No pickle and no marshal: a file is an ``.npz`` of numeric and byte arrays,
read with ``allow_pickle=False``, so a planted or damaged file can at worst be
rejected, never run. Each file carries a ``digest`` array, the SHA-256 of every
other array (names, dtypes, shapes and bytes), checked before anything is used,
and a ``format`` number: a file of another format or with a wrong digest is
ignored and rebuilt.

Files are written atomically (a private temporary file in the same directory,
fsync, rename) with mode 0600, read through a descriptor opened with
``O_NOFOLLOW`` (a symlink planted in their place is refused), and must belong
to this user. ``private_dir`` makes or checks a 0700 directory of ours.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import stat
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


class PlainFileError(Exception):
    """A cached file cannot be used (missing, foreign, damaged, another format)."""


def private_dir(path: Path) -> Path:
    """Make ``path`` (mode 0700) or check it is ours and private; raise PlainFileError if not."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise PlainFileError(f"{path} is not a directory")
    if info.st_uid != os.getuid():
        raise PlainFileError(f"{path} belongs to another user")
    if info.st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def digest(arrays: Mapping[str, np.ndarray]) -> bytes:
    h = hashlib.sha256()
    for name in sorted(arrays):
        if name == "digest":
            continue
        array = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{array.dtype.str}|{array.shape}|".encode())
        h.update(array.tobytes())
    return h.digest()


def save(path: Path, arrays: Mapping[str, np.ndarray], fmt: int) -> None:
    """Write ``arrays`` (plus format and digest) atomically as a 0600 file."""
    full = dict(arrays)
    full["format"] = np.array([fmt], dtype=np.int64)
    full["digest"] = np.frombuffer(digest(full), dtype=np.uint8)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **full)  # type: ignore[arg-type]
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path, fmt: int) -> dict[str, np.ndarray]:
    """The arrays of a file ``save`` wrote; PlainFileError if it is not usable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise PlainFileError(f"{path}: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            raise PlainFileError(f"{path}: not a regular file of ours")
        if info.st_mode & 0o022:
            raise PlainFileError(f"{path}: writable by others")
        raw = handle.read()
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise PlainFileError(f"{path}: unreadable ({exc})") from exc
    found = arrays.get("format")
    if found is None or found.shape != (1,) or int(found[0]) != fmt:
        raise PlainFileError(f"{path}: not format {fmt}")
    stored = arrays.get("digest")
    if stored is None or stored.tobytes() != digest(arrays):
        raise PlainFileError(f"{path}: digest does not match its content (damaged or altered)")
    return arrays


def strings(values: list[str]) -> np.ndarray:
    """A list of strings as one UTF-8 byte array (newline-separated; none may hold one)."""
    return np.frombuffer("\n".join(values).encode("utf-8"), dtype=np.uint8)


def unstrings(array: np.ndarray) -> list[str]:
    text = array.tobytes().decode("utf-8")
    return text.split("\n") if text else []
