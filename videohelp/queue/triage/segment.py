"""The Chinese word segmenter (jieba), loaded once and off the main thread.

jieba's own start-up unmarshals a 9 MB cache in one C call, which holds the
GIL for up to a second, from a predictable path in /tmp: a desk whose worker
thread does that freezes, and another user could plant the file. So the
prefix dictionary is built here instead, either from jieba's dict.txt (a
Python loop, ~1 s in the background, the GIL changes hands every few ms) or
from our own cache (``jieba_cache``: plain arrays in the app's private cache
directory, verified by hash, read in 25 chunks of ~15 ms). Construct
``Segmenter`` in a worker (``TriageService`` does, and the command line does it
before reading stdin).

The catalog's and the lexicon's terms are added as words so that 驾驶证,
行驶证, 科目三 or 12123 stay whole.
"""

from __future__ import annotations

import logging
import sys
import threading
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from videohelp.queue.triage import jieba_cache

log = logging.getLogger(__name__)

_IMPORT_LOCK = threading.Lock()


def _import_jieba() -> Any:
    # jieba 0.42 imports pkg_resources only to open its own data files, and falls
    # back to plain open() without it; pkg_resources' import alone took 0.3 s of
    # the 1.5 s start budget (1.4 s under load), so it is kept out when nobody
    # imported it yet. (Newer setuptools also warn at that import.)
    with _IMPORT_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hide = "pkg_resources" not in sys.modules and "jieba" not in sys.modules
        if hide:
            sys.modules["pkg_resources"] = None  # type: ignore[assignment]
        try:
            import jieba
        finally:
            if hide and sys.modules.get("pkg_resources", 0) is None:
                del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _prefix_dictionary(jieba: Any) -> tuple[dict[str, int], int]:
    dictionary = Path(jieba.__file__).resolve().parent / "dict.txt"
    found = jieba_cache.read(dictionary)
    if found is None:
        with open(dictionary, "rb") as handle:
            found = jieba.Tokenizer().gen_pfdict(handle)
        jieba_cache.write(dictionary, *found)
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
