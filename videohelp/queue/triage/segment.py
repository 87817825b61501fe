"""The Chinese word segmenter (jieba), loaded once and off the main thread.

Building jieba's prefix dictionary takes most of a second, so ``Segmenter()``
must be constructed in a worker (``TriageService`` does, and the command line
does it before reading stdin). The catalog's and the lexicon's terms are added
as words so that 驾驶证, 行驶证, 科目三 or 12123 stay whole.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Iterable

log = logging.getLogger(__name__)

_IMPORT_LOCK = threading.Lock()


def _import_jieba():  # type: ignore[no-untyped-def]
    # jieba 0.42 imports pkg_resources, which newer setuptools deprecate with a
    # warning at import time; that warning is jieba's business, not ours.
    with _IMPORT_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


class Segmenter:
    """Cuts folded text into words. Construct in a worker thread: it takes ~1 s."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        jieba = _import_jieba()
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        for word in sorted(set(extra_words)):
            if len(word) >= 2:
                self._tokenizer.add_word(word, freq=None)
        log.debug("jieba ready in thread %s", threading.current_thread().name)

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` (HMM off: unknown words fall back to characters)."""
        return [word for word in self._tokenizer.cut(text, HMM=False) if word.strip()]
