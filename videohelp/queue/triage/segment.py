"""The Chinese word segmenter (jieba), loaded once and off the main thread.

jieba's own start-up unmarshals a 9 MB cache in one C call, which holds the
GIL for up to a second: a desk whose worker thread does that freezes. So the
prefix dictionary is built here instead, either from jieba's dict.txt (a
Python loop, ~1-2 s in the background, the GIL changes hands every few ms)
or from our own cache written in small chunks, each unmarshalled in a few
milliseconds. Construct ``Segmenter`` in a worker (``TriageService`` does,
and the command line does it before reading stdin).

The catalog's and the lexicon's terms are added as words so that 驾驶证,
行驶证, 科目三 or 12123 stay whole.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import tempfile
import threading
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_IMPORT_LOCK = threading.Lock()
_CHUNK = 20_000  # dictionary entries per cache chunk: a few ms to unmarshal


def _import_jieba() -> Any:
    # jieba 0.42 imports pkg_resources, which newer setuptools deprecate with a
    # warning at import time; that warning is jieba's business, not ours.
    with _IMPORT_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _cache_path(dictionary: Path) -> Path:
    stat = dictionary.stat()
    key = f"{dictionary}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    return Path(tempfile.gettempdir()) / f"videohelp-jieba-{hashlib.sha1(key).hexdigest()[:12]}.bin"


def _read_cache(path: Path) -> tuple[dict[str, int], int] | None:
    try:
        with open(path, "rb") as handle:
            total = marshal.load(handle)
            freq: dict[str, int] = {}
            while True:
                try:
                    freq.update(marshal.load(handle))
                except EOFError:
                    break
    except (OSError, ValueError, TypeError, EOFError) as exc:
        log.info("jieba cache %s unusable (%s); rebuilding", path, exc)
        return None
    return (freq, total) if freq and isinstance(total, int) else None


def _write_cache(path: Path, freq: dict[str, int], total: int) -> None:
    items = list(freq.items())
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            marshal.dump(total, handle)
            for first in range(0, len(items), _CHUNK):
                marshal.dump(dict(items[first:first + _CHUNK]), handle)
        os.replace(tmp, path)
    except OSError as exc:
        log.info("jieba cache not written (%s)", exc)
        tmp.unlink(missing_ok=True)


def _prefix_dictionary(jieba: Any) -> tuple[dict[str, int], int]:
    dictionary = Path(jieba.__file__).resolve().parent / "dict.txt"
    cache = _cache_path(dictionary)
    found = _read_cache(cache) if cache.exists() else None
    if found is None:
        with open(dictionary, "rb") as handle:
            found = jieba.Tokenizer().gen_pfdict(handle)
        _write_cache(cache, *found)
    return found


class Segmenter:
    """Cuts folded text into words. Construct in a worker thread: it takes ~1 s."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        jieba = _import_jieba()
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.FREQ, self._tokenizer.total = _prefix_dictionary(jieba)
        self._tokenizer.initialized = True
        for word in sorted(set(extra_words)):
            if len(word) >= 2:
                self._tokenizer.add_word(word, freq=None)
        log.debug("jieba ready in thread %s", threading.current_thread().name)

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` (HMM off: unknown words fall back to characters)."""
        return [word for word in self._tokenizer.cut(text, HMM=False) if word.strip()]
