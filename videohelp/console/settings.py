"""One declarative registry of settings, saved as JSON in the data directory.

Every setting is declared once here with its type, default and description;
nothing else in the code invents setting names. Unknown or ill-typed values in
the file are reported and replaced by the default instead of crashing a show.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videohelp.console.show_time import zone_problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    """The declaration of one setting."""

    name: str
    type: type
    default: Any
    description: str
    check: Callable[[Any], str | None] | None = None  # what is wrong with a value, or None

    def coerce(self, value: Any) -> Any:
        """Return ``value`` as this setting's type or raise ``ValueError``."""
        value = self._typed(value)
        problem = self.check(value) if self.check is not None else None
        if problem:
            raise ValueError(f"{self.name}: {problem}, got {value!r}")
        return value

    def _typed(self, value: Any) -> Any:
        if self.type is bool:
            if isinstance(value, bool):
                return value
            raise ValueError(f"{self.name}: expected true/false, got {value!r}")
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if self.type is dict and isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items()}
        if self.type is list and isinstance(value, list):
            return [str(v) for v in value]
        if isinstance(value, self.type) and not isinstance(value, bool):
            return value
        raise ValueError(f"{self.name}: expected {self.type.__name__}, got {value!r}")


def _frame_side(value: int) -> str | None:
    # I420 program frames (videohelp.streaming.frames) need even sides.
    return None if 16 <= value <= 8192 and value % 2 == 0 else "expected an even number 16..8192"


def _frame_rate(value: int) -> str | None:
    return None if 1 <= value <= 120 else "expected 1..120 frames per second"


REGISTRY: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("ui.language", str, "zh_CN", "Interface language: zh_CN or en."),
        Setting("ui.theme", str, "dark", "Studio theme: dark or light."),
        Setting("output.push_url_file", str, "",
                "A file holding the desk's push URL (its stream key is a secret: not kept here)."),
        Setting("output.record_path", str, "",
                "Where the desk records (strftime fields allowed); default: recordings/ in the data dir."),
        Setting("show.timezone", str, "Asia/Shanghai",
                "The show's time zone: the clock card and the daily review use it.",
                zone_problem),
        Setting("desk.person", str, "",
                "Who sits at this desk (layouts are saved per role and person); default: login name."),
        Setting("monitor.return_url", str, "",
                "The platform's pull URL for the return monitor (what viewers see)."),
        Setting("ui.font_family", str, "Noto Sans CJK SC", "Font for the UI and cards."),
        Setting("demo.auto_take_after_s", float, 4.0,
                "In demo mode, seconds before the demo puts a question on screen by itself."),
        Setting("demo.comments_per_s", float, 4.0, "Rate of the simulated comment feed."),
        Setting("server.host", str, "127.0.0.1", "Address the ingest and seat server binds."),
        Setting("server.port", int, 8765, "Port of the ingest and seat server."),
        Setting("server.max_connections", int, 64,
                "Most simultaneous WebSocket connections (bridges, seats, overlays)."),
        Setting("ingest.tokens", dict, {}, "Bridge tokens: platform name to token."),
        Setting("ingest.max_text_chars", int, 500, "Longest comment text accepted."),
        Setting("ingest.max_frame_bytes", int, 1_048_576,
                "Largest ingest frame read; up to twice this is refused with an error."),
        Setting("ingest.max_batch_items", int, 500, "Most items in one ingest batch frame."),
        Setting("ingest.max_future_s", float, 300.0,
                "How far ahead of the console's clock a comment's timestamp may be."),
        Setting("ingest.max_in_flight", int, 2000,
                "Uncommitted comments per bridge connection before it is read no further."),
        Setting("ingest.repeat_window_s", float, 600.0,
                "The same viewer's same text within this many seconds is a repeat."),
        Setting("ingest.same_text_window_s", float, 120.0,
                "The same text from anyone, any platform, within this many seconds is a repeat."),
        Setting("ingest.spam_burst", int, 5,
                "Comments a viewer may send per spam window before the rest collapse."),
        Setting("ingest.spam_window_s", float, 10.0, "The spam window, in seconds."),
        Setting("ingest.blocklist", list, [], "Words that may never go on air."),
        Setting("program.width", int, 1920, "Program frame width in pixels (even).", _frame_side),
        Setting("program.height", int, 1080, "Program frame height in pixels (even).", _frame_side),
        Setting("program.fps", int, 30, "Program frame rate.", _frame_rate),
        Setting("cards.default_duration_s", float, 0.0,
                "Automatic out after this many seconds on air (0 = stays until cleared)."),
        Setting("kb.regulations_dir", str, "",
                "Folder of the regulation texts (*.md) that answers cite; empty = "
                "$VIDEOHELP_REGULATIONS_DIR or ../shared/reference/regulations beside a checkout."),
    )
}


class Settings:
    """Values of the registry's settings, loaded from and saved to one JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        self.problems: list[str] = []
        if path is not None and path.exists():
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("top level is not an object")
        except (OSError, ValueError) as exc:
            self.problems.append(f"{path}: unreadable ({exc}); using defaults")
            log.warning("settings file %s unreadable: %s", path, exc)
            return
        for name, value in raw.items():
            setting = REGISTRY.get(name)
            if setting is None:
                self.problems.append(f"unknown setting {name!r} ignored")
                continue
            try:
                self._values[name] = setting.coerce(value)
            except ValueError as exc:
                self.problems.append(f"{exc}; using the default")
        for problem in self.problems:
            log.warning("settings: %s", problem)

    def __getitem__(self, name: str) -> Any:
        setting = REGISTRY[name]
        return self._values.get(name, setting.default)

    def set(self, name: str, value: Any) -> None:
        """Set a value (type-checked) and save the file."""
        self._values[name] = REGISTRY[name].coerce(value)
        self.save()

    def save(self) -> None:
        """Write the non-default values atomically."""
        if self.path is None:
            return
        payload = json.dumps(self._values, ensure_ascii=False, indent=2, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp, self.path)
