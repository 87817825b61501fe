"""Large tables go back to the system when freed, so memory stays flat on a long show.

glibc serves an allocation above its mmap threshold (128 KiB at start) with its own
``mmap`` and unmaps it on free. But when such a block is freed, glibc raises the threshold to
that block's size (up to 32 MiB): from then on tables of that size come from the heap, where a
freed one leaves a hole the next one may not fit, and the heap does not shrink from the middle.
Long runs showed exactly that: the ingest's repeat tracker keeps dicts of ~200,000 keys that
CPython reallocates under churn (a 20 MB table each time), and RSS rose in 8–20 MB steps at
irregular points (a tracker alone at 575 comments/s: +19 MB at 350,000 comments, +8 MB at
850,000). Fixing the threshold turns that adjustment off. At glibc's starting 128 KiB the same
run stays at 142.5 MB from 450,000 to 2,500,000 comments, but every larger temporary (numpy's
among them) became an ``mmap``, page faults and an ``munmap``: the answering service spent ~10%
more CPU per request. At 1 MiB the run holds 143.4–144.2 MB from 450,000 on and the service
is not slower (50,000 requests: 2.2 ms CPU each, 2.9 ms without the setting, 3.2 ms at 128
KiB: within this machine's noise). bench/answers_memory.py and bench/desk_memory.py give the
whole-console figures (docs/performance.md).

The cyclic garbage collector is the other long-show cost: each full collection walks every
container alive, and what start-up loads (triage's vocabulary and segmenter, the catalog, the
knowledge base) is most of the walk and never becomes garbage. At 300 comments/s the desk ran
full collections of 80-119 ms with the GIL held: the program thread's frames (33 ms apart)
waited behind them. ``settle_heap`` moves what is alive once start-up is done out of the
collector's sight (``gc.freeze``): the longest then took 12-68 ms (bench/desk_cpu.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
# Tables above this are mmapped and given back when freed; setting it at all stops the raising.
MMAP_THRESHOLD_BYTES = 1024 * 1024


def return_large_blocks() -> bool:
    """Fix glibc's mmap threshold (see the module text); True if it was set.

    A no-op elsewhere (macOS, Windows, musl): their allocators do not raise a threshold.
    Call once, early, before the long-lived tables exist.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl has no mallopt)
        log.debug("no mallopt: the allocator's own thresholds stay")
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    if mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) != 1:
        log.warning("mallopt(M_MMAP_THRESHOLD) refused: memory may step on long shows")
        return False
    return True


def settle_heap() -> int:
    """Collect once, then exempt every object alive now from later collections; return how many.

    Call when start-up has loaded what lives for the whole show (the console does when triage
    is ready, and again when triage is rebuilt). Objects already exempt are put back first, so
    that cycles among them that died since (a replaced triage engine) are collected now: an
    exempt object freed by its reference count is freed as usual, only exempt cycles wait for
    the next settle.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    count = gc.get_freeze_count()
    log.debug("heap settled: %d objects exempt from collection", count)
    return count
