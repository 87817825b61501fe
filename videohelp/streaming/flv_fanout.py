"""One FLV serialisation of an encoder's packets, shared by every push it feeds.

Every push writes FLV into its pusher's pipe (``pusher``). Each used to mux the
shared encoder's packets itself: per packet and per push an ``av.Packet``,
libavformat's FLV muxer and interleaver, a Python write callback and a pipe
write, about 77 times a second at 30 fps. The FLV tags are the same bytes for
every push except their timestamps, which start at zero where a push joined.
So ``FlvFanout`` muxes each packet to FLV once, on the encoder's thread (a
``PacketSink`` of the ``SharedEncoder``), cuts what the muxer wrote into tags
(``FlvTag``: immutable bytes, whether it is a keyframe, its time) and hands a
frame's tags to every push's ``PacketQueue``. A push writes the stream's
header once per connection and then each batch of tags with one ``writev``,
the 4 timestamp bytes of each tag's 11-byte header rewritten
(``write_tags``): its stream starts at its first keyframe, at time 0.

FLV tag: type (8 audio, 9 video, 18 script), body size (3 bytes), timestamp in
ms (3 bytes, then the high byte), stream id (3 bytes, 0), the body, and the
size of the tag (4 bytes). A video body starts with the frame type in its
high nibble (1: keyframe) and, for H.264, the packet type (0: the sequence
header, SPS/PPS; 1: pictures); an AAC body's second byte is 0 for its
sequence header. The file header (9 bytes and a 4-byte zero), the script tag
(``onMetaData``) and the two sequence headers are what the muxer writes
before the first packet: ``header``, the same for every connection.

The muxer interleaves by time, so tags come out in time order, sound and
picture together: a push that starts at a keyframe gets only tags from its
time on (the sound of the same moment comes right after it).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import av

from videohelp.streaming.shared_encoder import EncodedPacket, SharedEncoder, add_streams

log = logging.getLogger(__name__)

_TAG_HEADER = 11
_PREVIOUS_SIZE = 4
_FILE_HEADER = 13  # "FLV", version, flags, header size (9), then PreviousTagSize0
AUDIO, VIDEO, SCRIPT = 8, 9, 18
# At most this many buffers per writev (Linux's IOV_MAX is 1024).
_MAX_PARTS = 512


@dataclass(frozen=True, slots=True)
class FlvTag:
    """One FLV tag as the shared muxer wrote it (with its PreviousTagSize)."""

    video: bool
    keyframe: bool
    ms: int
    data: bytes
    seconds: float  # ms / 1000, for the packet queue


class TagSink(Protocol):
    def put_many(self, tags: list[FlvTag]) -> None:
        """Take a frame's tags (the encoder thread; must never block or change the list)."""


def end_of_sequence(ms: int) -> bytes:
    """The tag FFmpeg's FLV muxer ends an H.264 stream with (AVC end of sequence)."""
    body = b"\x17\x02\x00\x00\x00"
    return (bytes((VIDEO,)) + len(body).to_bytes(3, "big") + _timestamp(ms) + b"\x00\x00\x00"
            + body + (_TAG_HEADER + len(body)).to_bytes(4, "big"))


def _timestamp(ms: int) -> bytes:
    return (ms & 0xFFFFFF).to_bytes(3, "big") + bytes(((ms >> 24) & 0xFF,))


def write_tags(fd: int, tags: Sequence[FlvTag], offset_ms: int) -> tuple[int, int]:
    """Write ``tags`` to ``fd`` with ``offset_ms`` taken off their times, in one ``writev``
    (a tag that would fall before 0 is left out). Returns (bytes written, last time)."""
    parts: list[bytes | memoryview] = []
    last = -1
    for tag in tags:
        ms = tag.ms - offset_ms
        if ms < 0:
            continue
        data = tag.data
        parts.append(data[:4] + _timestamp(ms) + data[8:_TAG_HEADER])
        parts.append(memoryview(data)[_TAG_HEADER:])
        last = ms
    return write_all(fd, parts), last


def write_all(fd: int, parts: Sequence[bytes | memoryview]) -> int:
    """All of ``parts`` to ``fd``, with as few system calls as it takes (a full pipe blocks,
    the GIL released, until the pusher reads)."""
    total = 0
    for start in range(0, len(parts), _MAX_PARTS):
        chunk = parts[start:start + _MAX_PARTS]
        size = sum(len(part) for part in chunk)
        written = os.writev(fd, chunk) if chunk else 0
        if written < size:  # interrupted part-way: the rest in plain writes
            view = memoryview(b"".join(chunk))[written:]
            while view:
                view = view[os.write(fd, view):]
        total += size
    return total


class _Collect:
    """The shared muxer's file: keeps what it writes."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)


class FlvFanout:
    """A shared encoder's packets as FLV tags, for every push attached (see the module
    docstring). Attach and detach from any thread; the muxing runs on the encoder's."""

    def __init__(self, encoder: SharedEncoder) -> None:
        self.encoder = encoder
        self.header = b""  # the file header, metadata and sequence headers
        self.tags = 0  # tags made (for tests and the bench)
        self._sinks: list[TagSink] = []  # the pushes' queues; copy-on-write
        self._lock = threading.Lock()
        self._out = _Collect()
        self._rest = b""
        self._container: av.container.OutputContainer | None = None
        self._closed = False
        self._failed_at = 0.0

    def attach(self, sink: TagSink) -> bytes:
        """Send ``sink`` every tag from now on; returns the stream's header, to be written
        first. The encoder must be ready (``encoder.params`` set)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the encoder has stopped")
            if self._container is None:
                self._open()
            if not self._sinks:
                self.encoder.attach(self)
            self._sinks = [*self._sinks, sink]
            return self.header

    def detach(self, sink: TagSink) -> None:
        with self._lock:
            if sink not in self._sinks:
                return
            self._sinks = [each for each in self._sinks if each is not sink]
            if not self._sinks:  # no push: no muxing
                self.encoder.detach(self)

    def sinks(self) -> int:
        return len(self._sinks)

    def _open(self) -> None:
        params = self.encoder.params
        if params is None:
            raise RuntimeError("the encoder is not ready")
        # flush_packets: each packet's tag comes out of the muxer at once, not when 32 KB
        # have collected; no_duration_filesize: nothing is written back at the end.
        container = av.open(self._out, "w", format="flv",
                            container_options={"flvflags": "no_duration_filesize",
                                               "flush_packets": "1"})
        self._video, self._audio = add_streams(container, params)
        container.start_encoding()
        header = b"".join(self._out.chunks)
        self._out.chunks.clear()
        if len(header) < _FILE_HEADER or not header.startswith(b"FLV"):
            raise RuntimeError("the FLV muxer wrote no header")
        self.header = header
        self._container = container

    # -- the encoder thread ---------------------------------------------------------------
    def put_many(self, packets: list[EncodedPacket]) -> None:
        container = self._container
        if container is None or self._closed:
            return
        for encoded in packets:
            packet = av.Packet(encoded.data)
            packet.pts, packet.dts = encoded.pts, encoded.dts
            packet.time_base = encoded.time_base
            packet.stream = self._video if encoded.video else self._audio
            packet.is_keyframe = encoded.keyframe
            try:
                container.mux(packet)
            except Exception:  # a packet the muxer refuses is lost, never the encoder
                if time.monotonic() - self._failed_at > 60:
                    self._failed_at = time.monotonic()
                    log.exception("the shared FLV muxer refused a packet")
        tags = self._cut()
        if tags:
            self.tags += len(tags)
            for sink in self._sinks:
                sink.put_many(tags)

    def _cut(self) -> list[FlvTag]:
        """The whole tags the muxer has written since the last call."""
        chunks = self._out.chunks
        if not chunks:
            return []
        buffer = self._rest + b"".join(chunks) if self._rest or len(chunks) > 1 else chunks[0]
        chunks.clear()
        tags: list[FlvTag] = []
        position, end = 0, len(buffer)
        while end - position >= _TAG_HEADER:
            size = int.from_bytes(buffer[position + 1:position + 4], "big")
            stop = position + _TAG_HEADER + size + _PREVIOUS_SIZE
            if stop > end:
                break
            kind = buffer[position]
            ms = int.from_bytes(buffer[position + 4:position + 7], "big") | (
                buffer[position + 7] << 24)
            data = buffer if (position, stop) == (0, end) else buffer[position:stop]
            body = position + _TAG_HEADER
            if kind == VIDEO:
                # Frame type 1 (keyframe) and an H.264 picture (not a sequence header).
                key = size > 1 and buffer[body] >> 4 == 1 and buffer[body + 1] == 1
                tags.append(FlvTag(True, key, ms, data, ms / 1000))
            else:  # sound (or metadata: it goes along like sound)
                tags.append(FlvTag(False, True, ms, data, ms / 1000))
            position = stop
        self._rest = buffer[position:]
        return tags

    def close(self) -> None:
        """The encoder has stopped: free the muxer (its trailer goes nowhere)."""
        with self._lock:
            self._closed = True
            container, self._container = self._container, None
        if container is not None:
            try:
                container.close()
            except Exception:  # nothing depends on the trailer of a stream kept in memory
                log.debug("closing the shared FLV muxer", exc_info=True)


_make_lock = threading.Lock()


def fanout_of(encoder: SharedEncoder) -> FlvFanout:
    """The encoder's FLV fan-out, made on first use (a push connecting)."""
    with _make_lock:
        fanout = encoder.flv
        if not isinstance(fanout, FlvFanout):
            fanout = encoder.flv = FlvFanout(encoder)
        return fanout
