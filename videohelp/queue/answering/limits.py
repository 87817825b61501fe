"""Rate limits (pure): token buckets per client and per viewer, with Retry-After.

A bucket holds ``burst`` requests and refills at ``rate`` per second; a request
that finds it empty is refused with the seconds until one is available (the
``Retry-After`` of the 429). Buckets of viewers idle long enough to be full
again are dropped, so memory stays bounded however many viewers ask
(``max_buckets`` also caps it: the oldest buckets go first).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    def __init__(self, rate_per_s: float, burst: float, clock: Callable[[], float],
                 max_buckets: int = 100_000) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self.rate = rate_per_s
        self.burst = burst
        self.clock = clock
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()

    def take(self, key: Hashable) -> float:
        """Take one request for ``key``: 0.0 if allowed, else seconds to wait."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.burst, now)
            if len(self._buckets) > self.max_buckets:
                self._expire(now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            self._buckets.move_to_end(key)
        self._drop_oldest_if_full(now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _drop_oldest_if_full(self, now: float) -> None:
        """A bucket untouched long enough to be full again is the same as none: drop the
        oldest one if so (one per call), so buckets do not pile up with passing viewers."""
        if len(self._buckets) > 1:
            key, oldest = next(iter(self._buckets.items()))
            if now - oldest.stamp >= self.burst / self.rate:
                del self._buckets[key]

    def _expire(self, now: float) -> None:
        full_after = self.burst / self.rate
        while self._buckets:
            key, bucket = next(iter(self._buckets.items()))
            if now - bucket.stamp < full_after and len(self._buckets) <= self.max_buckets:
                break
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


def retry_after(seconds: float) -> str:
    """The Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
