"""jieba's prefix dictionary cached in the app's own cache directory (issue 16).

jieba itself caches in ``/tmp/jieba.cache`` (a predictable path another user
can plant) and unmarshals it. Ours lives in the user's cache directory
(platformdirs: ``~/.cache/videohelp/jieba`` on Linux, made 0700), as plain
arrays (``plainfile``: no marshal, written atomically, verified by SHA-256
before use, symlinks refused). The file name holds a hash of jieba's
``dict.txt``, so a new jieba builds a new cache. It is read in chunks of
20,000 entries (~15 ms each), so the GIL changes hands and the desk does
not freeze while a worker loads it.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
import platformdirs

from videohelp.queue.triage import plainfile

log = logging.getLogger(__name__)

FORMAT = 1
_CHUNK = 20_000


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("videohelp")) / "jieba"


def _ready_dir() -> Path:
    """The app's cache directory and its jieba folder, both ours and 0700."""
    plainfile.private_dir(cache_dir().parent)
    return plainfile.private_dir(cache_dir())


def cache_path(dictionary: Path) -> Path:
    key = hashlib.sha256(dictionary.read_bytes()).hexdigest()[:20]
    return cache_dir() / f"prefix-{key}.npz"


def read(dictionary: Path) -> tuple[dict[str, int], int] | None:
    """The cached (freq, total) for ``dictionary``, or None (absent, foreign, damaged)."""
    try:
        _ready_dir()
        arrays = plainfile.load(cache_path(dictionary), FORMAT)
        freq: dict[str, int] = {}
        for chunk in range(int(arrays["chunks"][0])):
            words = plainfile.unstrings(arrays[f"w{chunk}"])
            counts = arrays[f"f{chunk}"].tolist()
            if len(words) != len(counts):
                raise plainfile.PlainFileError("chunk lengths differ")
            freq.update(zip(words, counts, strict=True))
        total = int(arrays["total"][0])
    except (plainfile.PlainFileError, OSError, KeyError, ValueError) as exc:
        log.info("jieba cache not used (%s); building the dictionary", exc)
        return None
    return (freq, total) if freq else None


def write(dictionary: Path, freq: dict[str, int], total: int) -> None:
    items = list(freq.items())
    arrays: dict[str, np.ndarray] = {}
    chunks = 0
    for first in range(0, len(items), _CHUNK):
        part = items[first:first + _CHUNK]
        arrays[f"w{chunks}"] = plainfile.strings([word for word, _ in part])
        arrays[f"f{chunks}"] = np.array([count for _, count in part], dtype=np.int64)
        chunks += 1
    arrays["chunks"] = np.array([chunks], dtype=np.int64)
    arrays["total"] = np.array([total], dtype=np.int64)
    try:
        _ready_dir()
        plainfile.save(cache_path(dictionary), arrays, FORMAT)
    except (plainfile.PlainFileError, OSError) as exc:
        log.info("jieba cache not written (%s)", exc)
