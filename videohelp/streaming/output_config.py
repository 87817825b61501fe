"""Named destinations and encoder profiles from the settings: which outputs share an encode.

Settings (``videohelp.core.settings``)::

    "outputs.profiles": {"vertical": "720x1280 crop 2000k", "weak": "2500k"}
    "outputs.destinations": {
        "app":    "rtmp://push.example.com/live/KEY",
        "zlb":    "env:VIDEOHELP_ZLB_URL",
        "douyin": "file:/home/studio/.douyin-url profile=vertical"
    }

A destination is a target (``rtmp://``, ``rtmps://``, ``srt://``, a recording
file) or where to read one: ``env:NAME`` (an environment variable) or
``file:PATH`` (a file only its owner can read: mode 0600). An optional
``profile=NAME`` picks an encoder profile; destinations without one use the
program's encoder settings. Outputs whose settings come out equal share one
encoder: the profile is what says which outputs share.

A profile is space-separated words: ``WIDTHxHEIGHT``, ``crop`` (cut the
program to that shape from its middle instead of squeezing it), a video
bitrate (``2500k``, ``4M``), an x264 preset (``veryfast``), ``FPSfps``.
Anything else is an ``OutputError`` that names the word.

Stream keys are secrets: the settings file is kept 0600 (``Settings.save``
writes it so; a looser one is tightened with a warning), and nothing here
puts a URL into an error message, only ``redact_url`` forms and names.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from videohelp.streaming.encoder import X264_PRESETS, EncoderSettings
from videohelp.streaming.output_targets import OutputError

log = logging.getLogger(__name__)

_SIZE = re.compile(r"^(\d+)x(\d+)$")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)([kKmM])$")
_FPS = re.compile(r"^(\d+)fps$")


@dataclass(frozen=True)
class Destination:
    name: str
    target: str  # as configured: a URL, a file, env:NAME or file:PATH (not resolved yet)
    profile: str = ""


def parse_profile(text: str, base: EncoderSettings) -> EncoderSettings:
    """``base`` changed by the words of a profile (see the module docstring)."""
    changes: dict[str, object] = {}
    for word in text.split():
        if size := _SIZE.match(word):
            changes["width"], changes["height"] = int(size[1]), int(size[2])
        elif word == "crop":
            changes["crop"] = True
        elif rate := _RATE.match(word):
            scale = 1000 if rate[2] in "kK" else 1_000_000
            changes["video_bitrate"] = round(float(rate[1]) * scale)
        elif fps := _FPS.match(word):
            changes["fps"] = int(fps[1])
        elif word in X264_PRESETS:
            changes["preset"] = word
        else:
            raise OutputError(f"profile {text!r}: cannot read {word!r}; use WIDTHxHEIGHT, crop, "
                              f"a bitrate such as 2500k, an x264 preset or 30fps")
    try:
        return dataclasses.replace(base, **changes)  # type: ignore[arg-type]
    except ValueError as exc:
        raise OutputError(f"profile {text!r}: {exc}") from None


def parse_destinations(raw: Mapping[str, str]) -> dict[str, Destination]:
    """The ``outputs.destinations`` setting as ``Destination``s (targets not yet resolved)."""
    found: dict[str, Destination] = {}
    for name, spec in raw.items():
        words = spec.split()
        if not words:
            raise OutputError(f"destination {name!r} has no target")
        profile = ""
        for word in words[1:]:
            key, sep, value = word.partition("=")
            if key != "profile" or not sep or not value:
                # The word is not echoed: a key typed after a space would be shown.
                raise OutputError(f"destination {name!r}: expected only profile=NAME after "
                                  f"the target")
            profile = value
        found[name] = Destination(name, words[0], profile)
    return found


def resolve_target(target: str, environ: Mapping[str, str] | None = None) -> str:
    """The URL or file a configured target stands for: ``env:NAME`` and ``file:PATH`` read."""
    environ = os.environ if environ is None else environ
    if target.startswith("env:"):
        variable = target[len("env:"):]
        value = environ.get(variable, "").strip()
        if not value:
            raise OutputError(f"environment variable {variable} is not set")
        return value
    if target.startswith("file:"):
        path = Path(target[len("file:"):]).expanduser()
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            raise OutputError(f"cannot read the stream URL from {path}: {exc.strerror}") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise OutputError(f"{path} holds a stream key and other users can read it; "
                              f"chmod 600 {path}")
        value = path.read_text(encoding="utf-8").strip()
        if not value:
            raise OutputError(f"{path} is empty; it should hold the stream URL")
        return value
    return target


def keep_private(path: Path | None) -> None:
    """A settings file that may hold stream keys is readable by its owner only."""
    if path is None or not path.exists():
        return
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s was readable by other users (it may hold stream keys); now 0600", path)
        path.chmod(0o600)
