"""The shared FLV serialisation: tags cut from what the muxer writes, timestamps per push."""

from __future__ import annotations

import os
import random
import subprocess
import time

from videohelp.streaming import flv_relay
from videohelp.streaming.audio import SilentAudio
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.flv_fanout import (
    AUDIO,
    VIDEO,
    FlvFanout,
    FlvTag,
    end_of_sequence,
    fanout_of,
    write_all,
    write_tags,
)
from videohelp.streaming.packet_queue import PacketQueue
from videohelp.streaming.shared_encoder import SharedEncoder
from videohelp.streaming.sources import TestPatternSource


def tag(kind: int, ms: int, body: bytes) -> bytes:
    return (bytes((kind,)) + len(body).to_bytes(3, "big") + (ms & 0xFFFFFF).to_bytes(3, "big")
            + bytes(((ms >> 24) & 0xFF,)) + b"\0\0\0" + body + (11 + len(body)).to_bytes(4, "big"))


def read_back(tags: list[FlvTag], offset: int) -> list[tuple[int, int, bytes]]:
    """(type, ms, body) of each tag ``write_tags`` wrote."""
    read, write = os.pipe()
    try:
        written, _last = write_tags(write, tags, offset)
        data = os.read(read, written + 1)
    finally:
        os.close(read)
        os.close(write)
    assert len(data) == written
    out, position = [], 0
    while position < len(data):
        size = int.from_bytes(data[position + 1:position + 4], "big")
        ms = int.from_bytes(data[position + 4:position + 7], "big") | data[position + 7] << 24
        out.append((data[position], ms, data[position + 11:position + 11 + size]))
        assert int.from_bytes(data[position + 11 + size:position + 15 + size], "big") == 11 + size
        position += 15 + size
    return out


def test_the_muxers_bytes_are_cut_into_whole_tags_however_they_arrive() -> None:
    stream = [tag(VIDEO, 1000, b"\x17\x01\0\0\0key"), tag(AUDIO, 1010, b"\xaf\x01aac"),
              tag(VIDEO, 1033, b"\x27\x01\0\0\0p"), tag(AUDIO, 2**24 + 5, b"\xaf\x01late")]
    whole = b"".join(stream)
    rng = random.Random(7)
    for _ in range(20):
        fanout = FlvFanout(None)  # type: ignore[arg-type]  # no encoder needed to cut
        cuts = sorted(rng.sample(range(1, len(whole)), 5))
        got: list[FlvTag] = []
        for start, end in zip([0, *cuts], [*cuts, len(whole)], strict=True):
            fanout._out.write(whole[start:end])
            got.extend(fanout._cut())
        assert [t.data for t in got] == stream
        assert [(t.video, t.keyframe, t.ms) for t in got] == [
            (True, True, 1000), (False, True, 1010), (True, False, 1033), (False, True, 2**24 + 5)]


def test_a_push_gets_its_own_timestamps_from_zero_and_nothing_before_its_start() -> None:
    tags = [FlvTag(False, True, 990, tag(AUDIO, 990, b"\xaf\x01early"), 0.99),
            FlvTag(True, True, 1000, tag(VIDEO, 1000, b"\x17\x01key"), 1.0),
            FlvTag(False, True, 2**24 + 1010, tag(AUDIO, 2**24 + 1010, b"\xaf\x01far"), 0.0)]
    assert read_back(tags, 1000) == [(VIDEO, 0, b"\x17\x01key"), (AUDIO, 2**24 + 10, b"\xaf\x01far")]
    # The end of the stream, as FFmpeg's muxer ends one.
    (kind, ms, body), = read_back([FlvTag(True, False, 40, end_of_sequence(40), 0.04)], 0)
    assert (kind, ms, body) == (VIDEO, 40, b"\x17\x02\0\0\0")


def test_many_parts_go_out_whole() -> None:
    read, write = os.pipe()
    try:
        parts = [bytes([n % 251]) * 3 for n in range(1500)]  # more than one writev's worth
        assert write_all(write, parts) == 4500
        assert os.read(read, 5000) == b"".join(parts)
    finally:
        os.close(read)
        os.close(write)


def test_two_pushes_share_one_mux_and_each_starts_at_a_keyframe(qapp, tmp_path) -> None:
    """A real encoder: a push that joins later starts on a keyframe of its own, and what each
    push would send plays (ffprobe) from 0 with picture and sound."""
    settings = EncoderSettings(160, 90, 25, preset="ultrafast", keyint_s=10.0)
    encoder = SharedEncoder(settings, SilentAudio())
    encoder.start()
    source = TestPatternSource(160, 90)
    assert encoder.ready.wait(10) and encoder.params is not None
    def ask(_joining: bool) -> None:
        encoder.request_keyframe()

    first, second = PacketQueue(on_wait=ask), PacketQueue(on_wait=ask)
    fanout = fanout_of(encoder)
    assert fanout_of(encoder) is fanout
    first.restart()
    header = fanout.attach(first)
    got: dict[str, list[FlvTag]] = {"first": [], "second": []}

    def feed(frames: int) -> None:
        for _ in range(frames):
            encoder.submit(source.read())
            time.sleep(1 / 25)
            for name, queue in (("first", first), ("second", second)):
                got[name].extend(queue.get_many(timeout=0))

    try:
        feed(20)
        second.restart()
        assert fanout.attach(second) == header
        feed(25)
    finally:
        fanout.detach(first)
        fanout.detach(second)
        encoder.stop()
    assert fanout.sinks() == 0 and encoder.sinks() == 0
    # The second asked for a keyframe of its own (a 10 s GOP would have kept it waiting).
    assert encoder.keyframes_forced >= 1
    for name in ("first", "second"):
        tags = got[name]
        assert tags[0].video and tags[0].keyframe
        path = tmp_path / f"{name}.flv"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            write_all(fd, [header])
            write_tags(fd, tags, tags[0].ms)
        finally:
            os.close(fd)
        probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                                "packet=codec_type,pts_time,flags", "-of", "csv=p=0", str(path)],
                               capture_output=True, text=True, timeout=30, check=True)
        packets = [line.split(",") for line in probe.stdout.split()]
        video = [p for p in packets if p[0] == "video"]
        assert video[0][1] == "0.000000" and "K" in video[0][2]
        assert any(p[0] == "audio" for p in packets)
        assert len(video) >= 10


def test_the_byte_relay_is_what_pushes_rtmp_here() -> None:
    """PyAV's libavformat is found and the AVIOContext's fields are where declared, so the
    pusher copies bytes (the PyAV remux is the fallback only)."""
    assert flv_relay.available()
