"""One encode, many platforms: against real nginx-rtmp servers on 127.0.0.1, ffprobe, ffmpeg.

Every destination's stream is checked as the server recorded it (nginx
``record all``): codecs, size and rate, and its video timestamps against the
MP4 recording made alongside from the same encoder.
"""

from __future__ import annotations

import itertools
import json
import logging
import subprocess
import time
from fractions import Fraction
from pathlib import Path

import numpy
import pytest

from tests.streaming.rtmp_server import NginxRtmp, ffprobe, flv_has_keyframe
from videohelp.core.backoff import Backoff
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.program_outputs import ProgramOutputs
from videohelp.streaming.sources import TestPatternSource

W, H, FPS = 640, 360, 30
SETTINGS = EncoderSettings(W, H, FPS, preset="ultrafast", video_bitrate=1_000_000, keyint_s=1.0)
KEYS = {"app": "app-s3cret-key", "zlb": "zlb-s3cret-key", "douyin": "dy-s3cret-key"}


@pytest.fixture
def engine(qapp):
    program = ProgramEngine(TestPatternSource(W, H), fps=FPS)
    program.start()
    yield program
    program.stop()


@pytest.fixture
def servers(tmp_path):
    """Two platforms' server (app, zlb) and a third (douyin) that the tests kill."""
    both = NginxRtmp(tmp_path / "a", applications=("app", "zlb"), record=True)
    douyin = NginxRtmp(tmp_path / "b", applications=("douyin",), record=True)
    both.start()
    douyin.start()
    yield both, douyin
    douyin.stop()
    both.stop()


def video_frames(path: Path | str) -> list[tuple[float, bool]]:
    """(time in s, keyframe) of every video packet, in order."""
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "packet=pts_time,flags", "-of", "json", str(path)],
        capture_output=True, text=True, timeout=30, check=True)
    return [(float(p["pts_time"]), "K" in p["flags"]) for p in json.loads(done.stdout)["packets"]]


def first_audio_time(path: Path) -> float:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "packet=pts_time",
         "-read_intervals", "%+#1", "-of", "json", str(path)],
        capture_output=True, text=True, timeout=30, check=True)
    return float(json.loads(done.stdout)["packets"][0]["pts_time"])


def frame_numbers(times: list[tuple[float, bool]]) -> list[int]:
    """Each frame's number from the first, at FPS (timestamps in ms round back exactly)."""
    return [round((t - times[0][0]) * FPS) for t, _key in times]


def assert_same_frames_as_recording(stream: list[tuple[float, bool]],
                                    recording: list[tuple[float, bool]]) -> None:
    """``stream`` holds exactly the recording's frames where both run: none missing, none
    repeated (both come from one encoder; it started later, at one of its keyframes, and
    may end a little later: the recording is stopped first)."""
    ours, theirs = frame_numbers(stream), frame_numbers(recording)
    assert ours == sorted(set(ours)), "repeated or backward timestamps"
    candidates = [start for start, (_t, key) in zip(theirs, recording, strict=True) if key]
    for start in candidates:
        window = [n - start for n in theirs if n >= start]
        overlap = [n for n in ours if n <= window[-1]]
        if window[:len(overlap)] == overlap and len(overlap) > len(ours) - FPS:
            return
    def gaps(numbers: list[int]) -> list[tuple[int, int]]:
        return [(a, b) for a, b in itertools.pairwise(numbers) if b != a + 1]

    raise AssertionError(f"the stream's frames (0..{ours[-1]}, gaps {gaps(ours)}) are not a "
                         f"gapless run of the recording's (0..{theirs[-1]}, gaps {gaps(theirs)}, "
                         f"keyframes at {candidates})")


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def run_frames(encoder, count: int) -> None:
    """Let the program run until ``encoder`` has encoded ``count`` more frames."""
    target = encoder.frames + count
    wait_for(lambda: encoder.frames >= target, 10 + count / FPS, f"{count} frames")


def test_one_encode_feeds_every_platform_and_a_dead_one_costs_the_others_nothing(
        engine, servers, qtbot, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    both, douyin = servers
    events: list[tuple[str, dict]] = []
    outputs = ProgramOutputs(engine, SETTINGS, destinations={
        "app": both.url(KEYS["app"], "app"), "zlb": both.url(KEYS["zlb"], "zlb"),
        "douyin": douyin.url(KEYS["douyin"], "douyin")})
    outputs.add_status_listener(lambda name, data: events.append((name, data)))
    recording = tmp_path / "show.mp4"
    try:
        outputs.start(str(recording))
        outputs.start("app")
        outputs.start("zlb")
        outputs.start("douyin", backoff=Backoff(initial=0.25, maximum=1.0, jitter=0))
        (encoder,) = outputs.encoders()  # four outputs, one x264 encode
        wait_for(lambda: all(o.state == "live" for o in outputs.outputs()), 15, "all live")
        run_frames(encoder, FPS)
        douyin.stop()
        wait_for(lambda: outputs.outputs()[-1].state == "reconnecting", 10, "douyin reconnecting")
        run_frames(encoder, FPS)  # douyin stays down for a second while the others go on
        douyin.start()
        back = time.monotonic()
        # Playable again: the server has a keyframe of the new publish (its new recording).
        wait_for(lambda: len(douyin.recordings("douyin", KEYS["douyin"])) == 2
                 and flv_has_keyframe(douyin.recordings("douyin", KEYS["douyin"])[1]),
                 10, "douyin's server getting a keyframe again")
        again = time.monotonic() - back
        wait_for(lambda: outputs.status()[-1]["state"] == "live", 5, "douyin live")
        status = {s["name"]: s for s in outputs.status()}
        run_frames(encoder, FPS // 2)  # a little more stream after the restart
    finally:
        outputs.stop_all()

    # The restarted platform plays again within 2 s of its server coming back.
    print(f"douyin played again {again:.2f} s after its server came back")  # for the docs
    assert again <= 2.0, f"douyin played again {again:.2f} s after its server came back"
    assert status["douyin"]["reconnects"] >= 1 and status["app"]["reconnects"] == 0
    # What each server received: H.264 + AAC at the program's size and rate.
    received = {app: both.recordings(app, KEYS[app]) for app in ("app", "zlb")}
    received["douyin"] = douyin.recordings("douyin", KEYS["douyin"])
    assert [len(received[app]) for app in ("app", "zlb")] == [1, 1]
    assert len(received["douyin"]) == 2  # before the kill and after the restart
    for files in received.values():
        for path in files:
            streams = {s["codec_type"]: s for s in ffprobe(str(path))["streams"]}
            assert streams["video"]["codec_name"] == "h264"
            assert (streams["video"]["width"], streams["video"]["height"]) == (W, H)
            # FLV keeps milliseconds: 30 fps reads back as 1000/33.
            assert round(Fraction(streams["video"]["avg_frame_rate"])) == FPS
            assert streams["audio"]["codec_name"] == "aac"
            assert streams["audio"]["sample_rate"] == "48000"
    # The recording made alongside plays from start to end.
    for path in (recording, received["douyin"][1]):  # and the restarted stream
        decoded = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
                                 capture_output=True, text=True, timeout=60)
        assert decoded.returncode == 0 and decoded.stderr == "", decoded.stderr
    mp4 = video_frames(recording)
    assert mp4[0][1] and mp4[-1][0] > 3.0
    # The others: no missing and no repeated timestamps while douyin was down and back.
    for app in ("app", "zlb"):
        frames = video_frames(received[app][0])
        assert_same_frames_as_recording(frames, mp4)
        # and the encoder never stalled for douyin (down for a second: 30 frames). A busy
        # machine's jitter is allowed: the encoder's queue drops 8 frames when it falls behind.
        assert max(numpy.diff(frame_numbers(frames))) <= FPS // 2
    # The restarted one starts at a keyframe: its first picture comes with its first sound
    # (the server skips to a keyframe itself; a start elsewhere would leave a gap here).
    restarted = video_frames(received["douyin"][1])
    assert restarted[0][1]
    assert restarted[0][0] - first_audio_time(received["douyin"][1]) < 0.05
    assert_same_frames_as_recording(restarted, mp4)
    # Stream keys: never in the log, the status or the seats' events.
    shown = caplog.text + json.dumps(events, ensure_ascii=False) + json.dumps(status)
    assert all(key not in shown for key in KEYS.values())
    states = [(data["name"], data["state"]) for name, data in events if name == "output.state"]
    assert ("douyin", "reconnecting") in states and ("app", "reconnecting") not in states


def test_a_platform_that_joins_starts_at_a_keyframe_it_asked_for_and_a_profile_its_own_encoder(
        engine, servers, tmp_path) -> None:
    """A 10 s GOP: without a requested keyframe a late joiner would wait seconds for one."""
    both, douyin = servers
    long_gop = EncoderSettings(W, H, FPS, preset="ultrafast", video_bitrate=1_000_000,
                               keyint_s=10.0)
    outputs = ProgramOutputs(engine, long_gop, profiles={"vertical": "180x320 crop 300k"},
                             destinations={"app": both.url(KEYS["app"], "app"),
                                           "douyin": douyin.url(KEYS["douyin"], "douyin")
                                           + " profile=vertical"})
    recording = tmp_path / "show.mp4"
    try:
        outputs.start(str(recording))
        (encoder,) = outputs.encoders()
        wait_for(lambda: outputs.outputs()[0].state == "live", 10, "recording")
        run_frames(encoder, FPS // 2)
        joined = time.monotonic()
        app = outputs.start("app")
        wait_for(lambda: app.state == "live", 10, "app live")
        live_after = time.monotonic() - joined
        vertical = outputs.start("douyin")
        assert len(outputs.encoders()) == 2 and vertical.encoder is not encoder
        assert app.encoder is encoder  # the same settings: the same encode
        wait_for(lambda: vertical.state == "live", 10, "douyin live")
        run_frames(encoder, FPS)
        run_frames(vertical.encoder, FPS // 2)
        labels = {s["name"]: s["encoder"] for s in outputs.status()}
    finally:
        outputs.stop_all()
    assert labels["app"] == labels[str(recording)] != labels["douyin"]
    assert "180x320 crop" in labels["douyin"]
    assert live_after < 5.0
    # The recording went on: one file, its own keyframe at 0 and one more where app joined,
    # well inside its 10 s GOP; app's stream starts on that keyframe with its sound.
    mp4 = video_frames(recording)
    keys = [n for n, (_t, key) in zip(frame_numbers(mp4), mp4, strict=True) if key]
    # (A third may come when app's pusher starts so slowly that its queue overflows first.)
    assert keys[0] == 0 and 2 <= len(keys) <= 3 and FPS // 2 <= keys[1] < FPS * 5, keys
    (pushed,) = both.recordings("app", KEYS["app"])
    frames = video_frames(pushed)
    assert frames[0][1] and frames[0][0] - first_audio_time(pushed) < 0.05
    assert_same_frames_as_recording(frames, mp4)
    # The vertical platform: its own size, cut from the middle of the program.
    (tall,) = douyin.recordings("douyin", KEYS["douyin"])
    video = next(s for s in ffprobe(str(tall))["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (180, 320)


def test_bad_destinations_and_profiles_are_refused_with_a_reason(engine, monkeypatch) -> None:
    import argparse

    from videohelp.streaming.outputs import OutputError
    from videohelp.streaming.program_outputs import add_output_arguments, start_from_args

    monkeypatch.delenv("VH_UNSET_URL", raising=False)
    outputs = ProgramOutputs(engine, SETTINGS, profiles={"vertical": "720x1280 crop"},
                             destinations={"douyin": "rtmp://h/live/KEY profile=tall"})
    assert outputs.config_error is not None and "no profile 'tall'" in outputs.config_error
    assert "KEY" not in outputs.config_error and outputs.destinations == {}
    outputs = ProgramOutputs(engine, SETTINGS, destinations={"douyin": "env:VH_UNSET_URL"})
    with pytest.raises(OutputError, match="VH_UNSET_URL is not set"):
        outputs.start("douyin")
    with pytest.raises(OutputError, match="no encoder profile 'tall'"):
        outputs.start("rtmp://h/live/KEY", profile="tall")
    assert outputs.outputs() == [] and outputs.encoders() == []  # nothing half-started
    parser = argparse.ArgumentParser()
    add_output_arguments(parser)
    with pytest.raises(OutputError, match="cannot read 'sharpen'"):
        start_from_args(parser.parse_args(["--output", "app"]), engine, W, H, FPS,
                        profiles={"vertical": "180x320 sharpen"}, destinations={"app": "x.mp4"})
    with pytest.raises(OutputError, match="destination named in the setting"):
        start_from_args(parser.parse_args(["--output", "zlb"]), engine, W, H, FPS)


def test_a_destination_that_stops_reading_loses_only_its_own_packets(engine) -> None:
    """Two sinks on one real encoder: one is never read (a server that stopped reading)."""
    from videohelp.streaming.audio import SilentAudio
    from videohelp.streaming.packet_queue import PacketQueue
    from videohelp.streaming.shared_encoder import SharedEncoder

    encoder = SharedEncoder(SETTINGS, SilentAudio())
    healthy, stuck = PacketQueue(), PacketQueue(max_seconds=0.5)
    for queue in (healthy, stuck):
        queue.restart()
        encoder.attach(queue)
    encoder.start()
    engine.add_sink(encoder.submit)
    got: list = []
    try:
        deadline = time.monotonic() + 15
        while stuck.overflows < 2:
            assert time.monotonic() < deadline, "the unread queue never overflowed"
            if (packet := healthy.get(timeout=0.1)) is not None:
                got.append(packet)
    finally:
        engine.remove_sink(encoder.submit)
        encoder.stop()
    got.extend(healthy.drain())
    pictures = [p.pts for p in got if p.video]
    assert got[0].video and got[0].keyframe
    # The read one got every picture the encoder made (it was attached before the first).
    assert pictures == sorted(set(pictures)) and healthy.dropped == 0
    assert len(pictures) == encoder.frames
    # The unread one stayed bounded (0.5 s: 15 pictures and 24 AAC packets, and the 0.1 s
    # audio lead) and counted what it threw away.
    assert len(stuck) <= 50 and stuck.dropped > FPS
