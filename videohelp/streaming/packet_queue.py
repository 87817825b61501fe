"""A destination's bounded packet queue: never blocks the encoder, restarts at keyframes.

The encoder thread ``put``s every packet into every destination's queue; the
destination's thread ``get``s them and muxes. A destination that cannot keep
up (a stalled server, a slow disk) must not hold anyone else up, so the queue
is bounded by media time: when it holds more than ``max_seconds``, everything
queued is dropped (and counted) and the queue waits for the next keyframe,
where a player can decode again. A fresh connection waits the same way:
``restart`` empties the queue and takes nothing before a keyframe.

While waiting, the last few audio packets are kept: the encoder runs its AAC
ahead of the picture (``encoder.AUDIO_LEAD_S``), so the sound that goes with
the keyframe came out just before it. Sound from before the keyframe's time
is not kept: it would have negative timestamps in the destination's stream,
which the MP4 muxer answers by shifting the first picture (measured: the
recording's first frame moved by 21 ms against the others, one AAC frame).

The encoder hands over a frame's packets together (``put_many``: the picture
and the AAC packets encoded after it) and the destination takes everything
queued at once (``get_many``): one wake-up of its thread per frame instead of
one per packet (30 instead of ~77 a second at 30 fps).

The queue holds anything with ``video``, ``keyframe`` and ``seconds``: the
encoder's packets for a recording, FLV tags (``flv_fanout``) for a push.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar


class Queued(Protocol):
    """What a packet queue needs to know of a packet."""

    @property
    def video(self) -> bool: ...

    @property
    def keyframe(self) -> bool: ...

    @property
    def seconds(self) -> float: ...


P = TypeVar("P", bound=Queued)


class PacketQueue(Generic[P]):
    """Packets for one destination (see the module docstring). Thread-safe."""

    def __init__(self, max_seconds: float = 2.0, max_packets: int = 2000,
                 on_wait: Callable[[bool], None] | None = None) -> None:
        self.max_seconds, self.max_packets = max_seconds, max_packets
        # on_wait(joining): a picture was thrown away waiting for a keyframe; joining if this
        # queue has taken nothing since ``restart``. Called on the putting thread, unlocked.
        self._on_wait = on_wait
        self._items: deque[P] = deque()
        self._audio_waiting: deque[P] = deque(maxlen=32)
        self._cond = threading.Condition()
        self._waiting_key = True
        self._open = False
        self._counting = False  # drops count once the destination has had packets
        self.dropped = 0  # packets thrown away: overflow, and the wait for a keyframe after it
        self.overflows = 0

    @property
    def waiting_for_keyframe(self) -> bool:
        return self._waiting_key

    def restart(self) -> None:
        """Empty, and take packets again from the next keyframe (a new connection)."""
        with self._cond:
            self._items.clear()
            self._audio_waiting.clear()
            self._waiting_key, self._open, self._counting = True, True, False

    def close(self) -> None:
        """Take no more packets (between connections); what is queued stays for ``drain``."""
        with self._cond:
            self._open = False
            self._cond.notify_all()

    def put(self, packet: P) -> None:
        """Queue ``packet`` (the encoder thread); never blocks."""
        self.put_many((packet,))

    def put_many(self, packets: Iterable[P]) -> None:
        """Queue ``packets`` in order (the encoder thread, a frame's worth); never blocks.
        The reader is woken once for all of them."""
        waits: list[bool] = []
        with self._cond:
            if not self._open:
                return
            for packet in packets:
                waiting = self._put(packet)
                if waiting is not None:
                    waits.append(waiting)
            if self._items:
                self._cond.notify_all()
        if self._on_wait is not None:
            for joining in waits:
                self._on_wait(joining)

    def _put(self, packet: P) -> bool | None:
        """Queue ``packet`` (locked); if a picture was thrown away waiting for a keyframe,
        whether this queue is joining (else None)."""
        if self._waiting_key:
            if not packet.video:
                self._audio_waiting.append(packet)
                return None
            if not packet.keyframe:
                self.dropped += self._counting
                return not self._counting
            self._waiting_key = False
            self._items.append(packet)
            at = packet.seconds
            self._items.extend(a for a in self._audio_waiting if a.seconds >= at)
            self._audio_waiting.clear()
        else:
            self._items.append(packet)
            if (len(self._items) > self.max_packets
                    or packet.seconds - self._items[0].seconds > self.max_seconds):
                self.dropped += len(self._items)
                self.overflows += 1
                self._items.clear()
                self._waiting_key = True
        self._counting = True
        return None

    def get(self, timeout: float) -> P | None:
        """The oldest packet, waiting up to ``timeout`` s; None if none came."""
        with self._cond:
            if not self._items and not self._cond.wait_for(
                    lambda: bool(self._items) or not self._open, timeout):
                return None
            return self._items.popleft() if self._items else None

    def get_many(self, timeout: float) -> list[P]:
        """Everything queued, oldest first, waiting up to ``timeout`` s for something; [] if
        nothing came (or the queue was closed)."""
        with self._cond:
            if not self._items and not self._cond.wait_for(
                    lambda: bool(self._items) or not self._open, timeout):
                return []
            items = list(self._items)
            self._items.clear()
            return items

    def drain(self) -> list[P]:
        """Everything queued, at once (the end of a recording)."""
        with self._cond:
            items = list(self._items)
            self._items.clear()
            return items

    def __len__(self) -> int:
        return len(self._items)
