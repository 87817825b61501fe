"""The pure parts of the simulcast: a destination's packet queue, profiles, destinations."""

from __future__ import annotations

import os
from fractions import Fraction

import numpy as np
import pytest

from videohelp.streaming import frames
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.output_config import (
    keep_private,
    parse_destinations,
    parse_profile,
    resolve_target,
)
from videohelp.streaming.output_targets import OutputError
from videohelp.streaming.packet_queue import PacketQueue
from videohelp.streaming.shared_encoder import EncodedPacket

FPS = 30


def video(n: int, key: bool = False) -> EncodedPacket:
    return EncodedPacket(True, b"v%d" % n, n, n, Fraction(1, FPS), key)


def audio(seconds: float) -> EncodedPacket:
    pts = round(seconds * 48000)
    return EncodedPacket(False, b"a", pts, pts, Fraction(1, 48000), True)


def drain(queue: PacketQueue) -> list[EncodedPacket]:
    out = []
    while (packet := queue.get(timeout=0)) is not None:
        out.append(packet)
    return out


def test_a_fresh_queue_starts_at_a_keyframe_with_the_sound_that_came_just_before() -> None:
    waits: list[bool] = []
    queue = PacketQueue(on_wait=waits.append)
    queue.put(video(0, key=True))  # closed: not started yet
    queue.restart()
    queue.put(video(1))
    assert waits == [True]  # joining: the destination asks the encoder for a keyframe
    queue.put(audio(0.05))
    queue.put(audio(0.08))  # the encoder runs its AAC ahead of the picture
    queue.put(video(2, key=True))
    queue.put(video(3))
    got = drain(queue)
    assert got[0] == video(2, key=True)
    # 0.05 is before the keyframe (0.067): it would start the stream at a negative time
    assert [p.seconds for p in got[1:] if not p.video] == [0.08]
    assert got[-1] == video(3)
    assert queue.dropped == 0  # waiting for the first keyframe is not a loss


def test_an_overflowing_queue_drops_everything_up_to_the_next_keyframe_and_counts_it() -> None:
    waits: list[bool] = []
    queue = PacketQueue(max_seconds=0.5, on_wait=waits.append)
    queue.restart()
    queue.put(video(0, key=True))
    for n in range(1, 20):  # nobody reads: frame 16 is 0.53 s after frame 0
        queue.put(video(n))
    assert len(queue) == 0 and queue.overflows == 1 and queue.waiting_for_keyframe
    assert waits == [False] * 3  # 17, 18, 19 thrown away; not joining: it had packets
    queue.put(video(20))  # not decodable without what was dropped
    queue.put(video(21, key=True))
    # 0..16 at the overflow, 17..20 while waiting for a keyframe
    assert queue.dropped == 17 + 4 and drain(queue) == [video(21, key=True)]


def test_a_closed_queue_takes_nothing_and_wakes_its_reader() -> None:
    queue = PacketQueue()
    queue.restart()
    queue.close()
    queue.put(video(0, key=True))
    assert queue.get(timeout=5) is None and len(queue) == 0


def test_profiles_change_only_what_they_name() -> None:
    base = EncoderSettings(1920, 1080, 30, preset="ultrafast", video_bitrate=4_500_000)
    vertical = parse_profile("720x1280 crop 2000k", base)
    assert (vertical.width, vertical.height, vertical.crop, vertical.video_bitrate) == (
        720, 1280, True, 2_000_000)
    assert vertical.preset == "ultrafast" and vertical.fps == 30
    assert parse_profile("2.5M veryfast 25fps", base) == EncoderSettings(
        1920, 1080, 25, preset="veryfast", video_bitrate=2_500_000)
    assert parse_profile("", base) == base  # equal settings: the same encoder


@pytest.mark.parametrize(("text", "reason"), [
    ("720x1280 sharpen", "cannot read 'sharpen'"),
    ("721x1280", "even"),
    ("1000fps", "frame rate"),
])
def test_bad_profiles_are_refused_with_the_word_at_fault(text: str, reason: str) -> None:
    with pytest.raises(OutputError, match=reason):
        parse_profile(text, EncoderSettings())


def test_destinations_name_a_target_and_maybe_a_profile() -> None:
    found = parse_destinations({"app": "rtmp://h/live/k", "douyin": "env:DY profile=vertical"})
    assert found["douyin"].target == "env:DY" and found["douyin"].profile == "vertical"
    assert found["app"].profile == ""
    with pytest.raises(OutputError, match="expected only profile=NAME") as caught:
        parse_destinations({"app": "rtmp://h/live SECRET-KEY"})
    assert "SECRET" not in str(caught.value)


def test_stream_urls_come_from_the_environment_or_a_private_file(tmp_path) -> None:
    assert resolve_target("env:DY_URL", {"DY_URL": "rtmp://h/live/k\n"}) == "rtmp://h/live/k"
    with pytest.raises(OutputError, match="DY_URL is not set"):
        resolve_target("env:DY_URL", {})
    secret = tmp_path / "douyin-url"
    secret.write_text("rtmp://h/live/SECRET\n")
    secret.chmod(0o644)
    with pytest.raises(OutputError, match="chmod 600") as caught:
        resolve_target(f"file:{secret}")
    assert "SECRET" not in str(caught.value)
    secret.chmod(0o600)
    assert resolve_target(f"file:{secret}") == "rtmp://h/live/SECRET"
    with pytest.raises(OutputError, match="cannot read"):
        resolve_target(f"file:{tmp_path / 'missing'}")


def test_a_settings_file_with_keys_is_made_private(tmp_path) -> None:
    from videohelp.core.settings import Settings

    path = tmp_path / "settings.json"
    path.write_text('{"outputs.destinations": {"app": "rtmp://h/live/KEY"}}')
    path.chmod(0o644)
    settings = Settings(path)
    assert settings["outputs.destinations"] == {"app": "rtmp://h/live/KEY"}
    assert os.stat(path).st_mode & 0o777 == 0o600
    settings.set("outputs.profiles", {"vertical": "720x1280 crop 2000k"})
    assert os.stat(path).st_mode & 0o777 == 0o600  # saved files are private too
    keep_private(path)


def test_a_vertical_crop_is_the_middle_of_the_program() -> None:
    program = frames.blank(1920, 1080)
    luma, _u, _v = frames.planes(program)
    luma[:, 656:1264] = 200  # the middle 608 columns: 9:16 of the height
    tall = frames.crop_resize(program, 720, 1280)
    assert frames.frame_size(tall) == (720, 1280)
    tall_luma = frames.planes(tall)[0]
    assert np.all(tall_luma[:, 4:-4] == 200)
    assert np.abs(frames.planes(frames.crop_resize(program, 1280, 720))[0].astype(int)
                  - frames.planes(frames.resize(program, 1280, 720))[0]).max() <= 1
