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

from videohelp.core.show_time import zone_problem

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


def _positive(value: int) -> str | None:
    return None if 1 <= value <= 10_000 else "expected 1..10000"


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
        Setting("desk.source", str, "test",
                "The desk's program source, as last chosen at the desk: test, camera:N, "
                "file:PATH, clip:PATH or a stream URL (this file is written 0600)."),
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
                "Most simultaneous WebSocket connections of a kind without its own budget."),
        Setting("server.max_bridge_connections", int, 32,
                "Most simultaneous bridge connections (/ingest).", _positive),
        Setting("server.max_seat_connections", int, 64,
                "Most simultaneous seat connections (/seat).", _positive),
        Setting("server.max_overlay_connections", int, 16,
                "Most simultaneous overlay pages (/overlay/ws).", _positive),
        Setting("overlay.idle_s", float, 120.0,
                "An overlay socket silent this long is closed (the page pings 4 times as often).",
                lambda v: None if v >= 20 else "expected at least 20 seconds"),
        Setting("overlay.token", str, "",
                "If set, the overlay page's URL must carry ?token=THIS (or $VIDEOHELP_OVERLAY_TOKEN)."),
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
        Setting("outputs.profiles", dict, {},
                "Encoder profiles for platforms that differ: name to words such as "
                "'720x1280 crop 2000k' (see docs/output.md)."),
        Setting("outputs.destinations", dict, {},
                "Named outputs: name to a URL, env:VAR or file:PATH (0600), optionally "
                "followed by profile=NAME. Holds stream keys: this file is kept 0600."),
        Setting("cards.default_duration_s", float, 0.0,
                "Automatic out after this many seconds on air (0 = stays until cleared)."),
        Setting("report.unit", str, "",
                "The unit issuing the daily review, printed in its letterhead "
                "(e.g. 杭州市公安局交通警察支队车辆管理所)."),
        Setting("report.show", str, "交警视频帮", "The show's name in the review's title."),
        Setting("report.logo", str, "", "A PNG, JPEG or SVG logo for the review's letterhead."),
        Setting("report.number_pattern", str, "",
                "Report number, e.g. 交视帮复盘〔{year}〕{month}{day}号 ({year}, {month}, {day}: "
                "the period's first day; {to}: its last day as YYYYMMDD)."),
        Setting("report.prepared_by", str, "", "Name printed on the review's 制表 line."),
        Setting("report.reviewed_by", str, "", "Name printed on the review's 审核 line."),
        # 24-hour answers (issue 19, queue/answering): POST /api/v1/ask and the /ask page.
        Setting("answers.enabled", bool, True,
                "Serve POST /api/v1/ask and /ask on the console's server (clients need a token)."),
        Setting("answers.threshold", float, 0.70,
                "Least confidence (0..1) at which a question is answered automatically.",
                lambda v: None if 0.0 <= v <= 1.0 else "expected 0..1"),
        Setting("answers.cors_origins", list, [],
                "Web origins (https://app.example) whose pages may call the API from a browser."),
        Setting("answers.client_per_s", float, 50.0,
                "Requests per second each API client may make (bursts up to twice that)."),
        Setting("answers.viewer_per_min", float, 6.0,
                "Questions per minute one viewer may ask through a client (bursts of 3)."),
        Setting("answers.max_question_chars", int, 300, "Longest question accepted."),
        Setting("pocket.site_url", str, "",
                "Where the web team put the 锦囊 site (videohelp pocket publish), e.g. "
                "https://jj.example.gov.cn/pocket: the 24-hour answers link an item's clips there."),
        Setting("kb.regulations_dir", str, "",
                "Folder of the regulation texts (*.md) that answers cite; empty = "
                "$VIDEOHELP_REGULATIONS_DIR or the texts shipped with the app."),
        Setting("kb.studio_regulations_dir", str, "",
                "The studio's own folder of newer regulation texts (*.md, *.txt, one article per "
                "line starting 第N条), checked and cited beside the shipped ones; empty = none."),
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
        if self._values.get("outputs.destinations") and path.stat().st_mode & 0o077:
            # Stream keys: only the owner may read them (save() writes 0600 already).
            log.warning("settings file %s holds stream keys and was readable by others; "
                        "now 0600", path)
            path.chmod(0o600)

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
