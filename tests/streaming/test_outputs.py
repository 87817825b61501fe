"""Output targets, URL redaction and the backoff: the pure parts of the outputs."""

from __future__ import annotations

import os
import random
import subprocess
import time

import pytest

from tests.streaming import rtmp_server
from videohelp.core.backoff import Backoff
from videohelp.streaming.outputs import OutputError, parse_target
from videohelp.streaming.urls import is_network_url, redact_url

nginx_rtmp = rtmp_server.nginx_rtmp  # the fixture


@pytest.mark.parametrize(("url", "shown"), [
    ("rtmp://push.example.com/live/abc123?auth_key=zz", "rtmp://push.example.com/live/***"),
    ("rtmps://live.example.com:443/app/KEY", "rtmps://live.example.com:443/app/***"),
    ("srt://user:pw@10.0.0.5:9000", "srt://10.0.0.5:9000/***"),
    ("rtmp://127.0.0.1:1935/live", "rtmp://127.0.0.1:1935/live"),
    ("/srv/show.mp4", "/srv/show.mp4"),
])
def test_redacted_urls_keep_the_server_and_drop_the_secrets(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_network_urls_are_told_from_paths() -> None:
    assert is_network_url("rtmp://h/a/k") and is_network_url("RTSP://cam/stream")
    assert not is_network_url("/tmp/a.mp4") and not is_network_url("file:/tmp/a.mp4")


def test_targets_choose_their_container(tmp_path) -> None:
    push = parse_target("rtmp://push.example.com/live/key")
    assert (push.format, push.network, push.name) == ("flv", True,
                                                       "rtmp://push.example.com/live/***")
    assert push.options == {"flvflags": "no_duration_filesize"}
    assert parse_target("udp://127.0.0.1:9000").format == "mpegts"
    record = parse_target(str(tmp_path / "show.MP4"))
    assert (record.format, record.network) == ("mp4", False)
    assert "frag_keyframe" in record.options["movflags"]
    assert parse_target(str(tmp_path / "show.mkv")).format == "matroska"


def test_srt_is_taken_only_where_ffmpeg_can_send_it() -> None:
    from videohelp.streaming.output_targets import output_protocols

    protocols = output_protocols()
    assert protocols is not None and {"rtmp", "rtmps", "file"} <= protocols
    if "srt" in protocols:
        assert parse_target("srt://10.0.0.5:9000").format == "mpegts"
    else:  # PyAV's wheel: no libsrt; told at once, not on air
        with pytest.raises(OutputError, match="cannot send srt://") as caught:
            parse_target("srt://10.0.0.5:9000?streamid=SECRET")
        assert "SECRET" not in str(caught.value)


def test_recording_names_take_strftime_fields(tmp_path) -> None:
    at = time.mktime((2026, 11, 28, 19, 30, 0, 0, 0, -1))
    target = parse_target(str(tmp_path / "show-%Y%m%d-%H%M.mp4"), now=at)
    assert target.url == str(tmp_path / "show-20261128-1930.mp4")


@pytest.mark.parametrize(("text", "reason"), [
    ("ftp://example.org/live", "unsupported output"),
    ("rtmp://", "no host"),
    ("show.avi", "unsupported output"),
    ("/nonexistent-dir/show.mp4", "no directory"),
])
def test_unusable_targets_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(OutputError, match=reason):
        parse_target(text)


def test_a_recording_never_overwrites(tmp_path) -> None:
    existing = tmp_path / "yesterday.mp4"
    existing.write_bytes(b"precious")
    with pytest.raises(OutputError, match="never overwrites"):
        parse_target(str(existing))
    assert existing.read_bytes() == b"precious"


def test_the_stream_key_is_not_in_the_error_for_a_bad_scheme() -> None:
    with pytest.raises(OutputError) as caught:
        parse_target("rtmpx://push.example.com/live/SECRET")
    assert "SECRET" not in str(caught.value)


def test_backoff_doubles_up_to_its_cap_and_resets() -> None:
    backoff = Backoff(initial=0.5, factor=2, maximum=3, jitter=0)
    assert [backoff.next() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    backoff.reset()
    assert backoff.next() == 0.5


def test_backoff_jitter_stays_within_its_fraction() -> None:
    backoff = Backoff(initial=1, factor=1, maximum=1, jitter=0.1, rng=random.Random(4))
    delays = [backoff.next() for _ in range(200)]
    assert all(0.9 <= d <= 1.1 for d in delays) and len(set(delays)) > 100


@pytest.mark.parametrize("kwargs", [{"initial": 0}, {"factor": 0.5}, {"maximum": 0.1},
                                    {"jitter": 1.0}])
def test_backoff_refuses_nonsense(kwargs) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)


def _flv(path, seconds: float = 1.0) -> None:
    """A short FLV (H.264 + AAC) as a network output's encoder writes it."""
    import av

    from videohelp.streaming.encoder import AVEncoder, EncoderSettings
    from videohelp.streaming.sources import TestPatternSource

    source = TestPatternSource(320, 180)
    with av.open(str(path), "w", format="flv") as container:
        encoder = AVEncoder(container, EncoderSettings(320, 180, 25, preset="ultrafast"))
        for index in range(round(seconds * 25)):
            encoder.encode(source.read(), index / 25)
        encoder.flush()


def _push(videohelp_cmd, url: str, flv) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIDEOHELP_PUSH_URL": url}
    with flv.open("rb") as stdin:
        return subprocess.run([*videohelp_cmd, "push", "flv"], stdin=stdin, capture_output=True,
                              text=True, timeout=60, env=env)


def test_the_pusher_relays_stdin_to_the_server_and_says_so(videohelp_cmd, nginx_rtmp,
                                                           tmp_path) -> None:
    flv = tmp_path / "program.flv"
    _flv(flv)
    done = _push(videohelp_cmd, nginx_rtmp.url("relay"), flv)
    assert (done.returncode, done.stdout) == (0, "live\n"), done.stderr
    assert "publish: name='relay'" in nginx_rtmp.log()


def test_the_pusher_reports_a_refused_server_without_the_key(videohelp_cmd, tmp_path) -> None:
    from tests.streaming.rtmp_server import free_port

    flv = tmp_path / "program.flv"
    _flv(flv, seconds=0.2)
    done = _push(videohelp_cmd, f"rtmp://127.0.0.1:{free_port()}/live/SECRET", flv)
    assert done.returncode == 1
    assert done.stdout.startswith("error transient ") and "refused" in done.stdout.lower()
    assert "SECRET" not in done.stdout + done.stderr
