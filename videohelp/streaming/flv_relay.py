"""The pusher's FLV, copied as bytes into FFmpeg's RTMP protocol: no demuxer, no muxer.

The console writes FLV into the pusher's stdin. FFmpeg's ``rtmp://`` and
``rtmps://`` protocol takes an FLV byte stream when it writes (it skips the
file header and sends each tag as an RTMP message: what FFmpeg's own FLV
muxer writes into it). So for an RTMP push the pusher need not demux the FLV
and mux the same packets again, one Python call per packet: it copies what
it reads into an ``AVIOContext`` opened on the URL, a frame's tags at a time
(the console writes them so), through ctypes on PyAV's own libavformat
(``avio_open2``, ``avio_write``, ``avio_flush``, ``avio_closep``).

``avio_write`` returns nothing: a failed write (the server went away) is in
the context's ``error`` field. The start of FFmpeg's public ``AVIOContext``
is declared below; ``available`` checks the declaration against a context
opened on the null device (written to, not read: ``write_flag`` 1, its
buffer where the declaration says) before any push relies on it, and the
pusher falls back to PyAV's demux and mux where it does not hold or the
library cannot be found (a frozen build).
"""

from __future__ import annotations

import ctypes
import functools
import os
from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_void_p

AVIO_FLAG_WRITE = 2


class _AVIOContext(ctypes.Structure):
    """The start of FFmpeg's public ``AVIOContext`` (libavformat/avio.h), up to ``write_flag``."""

    _fields_ = [("av_class", c_void_p), ("buffer", c_void_p), ("buffer_size", c_int),
                ("buf_ptr", c_void_p), ("buf_end", c_void_p), ("opaque", c_void_p),
                ("read_packet", c_void_p), ("write_packet", c_void_p), ("seek", c_void_p),
                ("pos", c_int64), ("eof_reached", c_int), ("error", c_int),
                ("write_flag", c_int)]


_Context = POINTER(_AVIOContext)


@functools.cache
def _library() -> ctypes.CDLL | None:
    from videohelp.streaming.output_targets import libavformat

    library = libavformat()
    if library is None:
        return None
    library.avio_open2.argtypes = [POINTER(_Context), c_char_p, c_int, c_void_p, c_void_p]
    library.avio_open2.restype = c_int
    library.avio_write.argtypes = [_Context, c_char_p, c_int]
    library.avio_write.restype = None
    library.avio_flush.argtypes = [_Context]
    library.avio_flush.restype = None
    library.avio_closep.argtypes = [POINTER(_Context)]
    library.avio_closep.restype = c_int
    return library


@functools.cache
def available() -> bool:
    """Whether the byte relay can be used here (see the module docstring)."""
    library = _library()
    if library is None:
        return False
    context = _Context()
    if library.avio_open2(byref(context), os.devnull.encode(), AVIO_FLAG_WRITE, None, None) < 0:
        return False
    try:
        fields = context.contents
        library.avio_write(context, b"x", 1)  # buffered: buf_ptr moves one byte
        return (fields.write_flag == 1 and fields.error == 0 and fields.buffer_size > 0
                and fields.buffer is not None and fields.buf_ptr == fields.buffer + 1)
    finally:
        library.avio_closep(byref(context))


def _check(result: int) -> None:
    """PyAV's exception for a negative FFmpeg result (the URL is not put in it)."""
    if result < 0:
        import av

        av.error.err_check(result)


class AvioWriter:
    """An output URL opened by FFmpeg's protocol layer (for RTMP: connect, handshake,
    publish), written as a byte stream. ``available()`` must be true."""

    def __init__(self, url: str) -> None:
        library = _library()
        assert library is not None
        self._library = library
        self._context = _Context()
        _check(library.avio_open2(byref(self._context), url.encode(), AVIO_FLAG_WRITE,
                                  None, None))

    def write(self, data: bytes) -> None:
        """Send ``data`` now (written and flushed); raises what the protocol failed with."""
        self._library.avio_write(self._context, data, len(data))
        self._library.avio_flush(self._context)
        _check(self._context.contents.error)

    def close(self) -> None:
        """End the stream (for RTMP: unpublish) and close; raises a failure to close."""
        if self._context:
            _check(self._library.avio_closep(byref(self._context)))
