"""Output targets: what the operator typed, checked, as a URL or file and its container.

Stream keys are secrets: ``OutputTarget.name`` is the ``redact_url`` form that
logs, messages and signals show.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from videohelp.streaming.urls import redact_url


class OutputError(ValueError):
    """An output target we cannot use; the text says why."""


@dataclass(frozen=True)
class OutputTarget:
    url: str  # may hold a stream key: show ``name`` instead
    format: str
    network: bool
    options: dict[str, str] = field(default_factory=dict)
    label: str = ""  # a configured destination's name ("douyin"); else the redacted URL

    @property
    def name(self) -> str:
        return self.label or redact_url(self.url)


@functools.cache
def libavformat() -> ctypes.CDLL | None:
    """PyAV's bundled libavformat, for what PyAV does not wrap; None where it cannot be
    found (a frozen build)."""
    import av

    found = glob.glob(os.path.join(os.path.dirname(av.__file__), "..", "av.libs",
                                   "libavformat*"))
    if not found:
        return None
    try:
        return ctypes.CDLL(found[0])
    except OSError:
        return None


@functools.cache
def output_protocols() -> frozenset[str] | None:
    """The output protocols of PyAV's bundled FFmpeg (``avio_enum_protocols``), or None
    where its library cannot be found (a frozen build): then nothing is refused early."""
    library = libavformat()
    if library is None:
        return None
    enum = library.avio_enum_protocols
    enum.restype, enum.argtypes = ctypes.c_char_p, [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int]
    opaque = ctypes.c_void_p()
    names = set()
    while name := enum(ctypes.byref(opaque), 1):
        names.add(name.decode())
    return frozenset(names)


# Fragmented MP4: a recording cut short by a crash or power loss stays playable
# up to its last fragment (one GOP), where a plain MP4 without its index is lost.
_MP4_OPTIONS = {"movflags": "frag_keyframe+empty_moov+default_base_moof"}
_FILE_FORMATS = {".mp4": ("mp4", _MP4_OPTIONS), ".mov": ("mov", _MP4_OPTIONS),
                 ".mkv": ("matroska", {}), ".flv": ("flv", {}), ".ts": ("mpegts", {})}
_NETWORK_FORMATS = {"rtmp": "flv", "rtmps": "flv", "srt": "mpegts", "udp": "mpegts"}
TARGET_HELP = "rtmp://, rtmps://, srt://, udp:// or a file ending in .mp4, .mov, .mkv, .flv, .ts"


def parse_target(text: str, now: float | None = None) -> OutputTarget:
    """The output ``text`` names; a file path may hold strftime fields (show-%Y%m%d.mp4)."""
    text = text.strip()
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme not in _NETWORK_FORMATS:
            raise OutputError(f"unsupported output {redact_url(text)}; use {TARGET_HELP}")
        if not text.split("://", 1)[1].strip("/"):
            raise OutputError(f"output URL {redact_url(text)!r} has no host")
        protocols = output_protocols()
        if protocols is not None and scheme not in protocols:
            raise OutputError(f"this build's FFmpeg cannot send {scheme}:// "
                              f"({redact_url(text)}); use rtmp:// or rtmps://")
        # Don't write duration/size back into the FLV header: a stream cannot seek.
        options = {"flvflags": "no_duration_filesize"} if _NETWORK_FORMATS[scheme] == "flv" else {}
        return OutputTarget(text, _NETWORK_FORMATS[scheme], True, options)
    if "%" in text:
        text = time.strftime(text, time.localtime(now))
    path = Path(text).expanduser()
    if path.suffix.lower() not in _FILE_FORMATS:
        raise OutputError(f"unsupported output {text!r}; use {TARGET_HELP}")
    if path.exists():
        raise OutputError(f"{path} already exists; a recording never overwrites a file")
    if not path.parent.is_dir():
        raise OutputError(f"cannot record to {path}: no directory {path.parent}")
    fmt, options = _FILE_FORMATS[path.suffix.lower()]
    return OutputTarget(str(path), fmt, False, dict(options))
