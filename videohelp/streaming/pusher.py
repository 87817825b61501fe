"""The network half of a push, in its own process: FLV on stdin, remuxed to the server.

PyAV opens an output's network connection (``avio_open``: TCP, TLS, the RTMP
handshake, connect and publish) and closes it while holding the GIL. In the
console's process that would freeze the program thread, the other outputs and
the desk for as long as the server takes to answer — for ever, if it accepts
TCP and never speaks RTMP (``rtmps://`` to a plain RTMP port). So a network
output encodes in the console's process and writes FLV into a pipe; this
process sends it to the URL: for RTMP and RTMPS the bytes as they are,
FFmpeg's RTMP protocol taking FLV (``flv_relay``); otherwise (MPEG-TS over UDP
or SRT, or where the relay cannot be used) it demuxes the FLV and muxes the
same packets, no re-encoding. A stuck connection only ever stalls this
process, which the console kills.

Protocol with the parent: the URL comes in the environment variable
``VIDEOHELP_PUSH_URL`` (not argv: other local users can read any process's
arguments, and the URL holds the stream key), the output format as the only
argument. One line on stdout: ``live`` once connected, or ``error permanent
MESSAGE`` / ``error transient MESSAGE`` (without the URL; permanent: retrying
cannot help) before exiting with status 1. End of stdin ends the stream
cleanly (status 0).

Run as ``python -m videohelp.streaming.pusher FORMAT`` or, in a frozen build,
``videohelp push FORMAT``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

URL_VARIABLE = "VIDEOHELP_PUSH_URL"
_CHUNK = 1 << 16  # a read returns what the pipe holds, up to this (a frame: ~20 KB)


def command() -> list[str]:
    """How to start a pusher from this process (source checkout or frozen bundle)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "push"]
    return [sys.executable, "-m", "videohelp.streaming.pusher"]


def is_permanent(exc: BaseException) -> bool:
    """Errors that retrying cannot fix: a scheme or option FFmpeg lacks, a malformed URL
    (EINVAL), a bug. Garbage from a server (InvalidDataError) is worth another try."""
    import av

    if isinstance(exc, av.error.InvalidDataError):
        return False
    return isinstance(exc, LookupError | ValueError | TypeError)


class _Stdin:
    """stdin for PyAV: ``read`` returns what has arrived (a buffered reader would wait
    for the whole 32 KB PyAV asks for, delaying every packet); no ``seek``: a pipe."""

    def read(self, size: int) -> bytes:
        return os.read(0, size)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _fail(exc: BaseException, url: str) -> int:
    from videohelp.streaming.urls import redact_url

    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    kind = "permanent" if is_permanent(exc) else "transient"
    _say(f"error {kind} {str(text).replace(url, redact_url(url))}")
    return 1


def relay(url: str) -> int:
    """FLV from stdin copied to ``url`` as bytes (``flv_relay``: RTMP and RTMPS)."""
    from videohelp.streaming.flv_relay import AvioWriter

    # The console starts the next pusher while it waits to reconnect: nothing is sent, and
    # the server not called, until the stream's first bytes arrive.
    data = os.read(0, _CHUNK)
    if not data:
        return 0
    try:
        writer = AvioWriter(url)  # connects: this process may block here, no other
    except Exception as exc:  # tell the parent why, without the key
        return _fail(exc, url)
    _say("live")
    try:
        while data:
            writer.write(data)
            data = os.read(0, _CHUNK)  # what has arrived: a frame's tags, written together
        writer.close()
    except Exception as exc:
        return _fail(exc, url)
    return 0


def run(fmt: str, url: str) -> int:
    if fmt == "flv" and url.split("://", 1)[0].lower() in ("rtmp", "rtmps"):
        from videohelp.streaming.flv_relay import available

        if available():
            return relay(url)
    import av

    options = {"flvflags": "no_duration_filesize"} if fmt == "flv" else {}
    try:
        # Small probe: the parent's FLV header and sequence headers come first.
        source = av.open(_Stdin(), "r", format="flv",
                         options={"probesize": "4096", "analyzeduration": "0"})
        target = av.open(url, "w", format=fmt, container_options=options)
        streams = {stream.index: target.add_stream_from_template(stream)
                   for stream in source.streams if stream.type in ("video", "audio")}
        target.start_encoding()  # connects: this process may block here, no other
    except Exception as exc:  # tell the parent why, without the key
        return _fail(exc, url)
    _say("live")
    try:
        for packet in source.demux():
            if packet.dts is None or packet.stream.index not in streams:
                continue  # the demuxer's end-of-stream marker
            packet.stream = streams[packet.stream.index]
            target.mux(packet)
        target.close()
    except Exception as exc:
        return _fail(exc, url)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    url = os.environ.get(URL_VARIABLE, "")
    if len(args) != 1 or not url:
        sys.stderr.write(f"usage: {URL_VARIABLE}=URL python -m videohelp.streaming.pusher FORMAT\n")
        return 2
    return run(args[0], url)


if __name__ == "__main__":
    sys.exit(main())
