"""The unit's letterhead on the printed review: who issues it, its number, who signs it.

Kept in settings (``report.*``) so each unit sets it once; the report number pattern takes
``{year}``, ``{month}``, ``{day}`` (the period's first day, zero-padded) and ``{to}`` (its
last day as YYYYMMDD), e.g. ``交视帮复盘〔{year}〕{month}{day}号``.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videohelp.console.reports.period import DateRange

log = logging.getLogger(__name__)

LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".svg": "image/svg+xml"}
LOGO_MAX_BYTES = 512 * 1024  # a letterhead logo; anything larger is not one


@dataclass(frozen=True)
class Letterhead:
    unit: str = ""
    show: str = "交警视频帮"
    number_pattern: str = ""
    prepared_by: str = ""
    reviewed_by: str = ""
    logo: str = ""  # a file path; read when the report is rendered

    @classmethod
    def from_settings(cls, settings: Any) -> Letterhead:
        return cls(unit=settings["report.unit"], show=settings["report.show"],
                   number_pattern=settings["report.number_pattern"],
                   prepared_by=settings["report.prepared_by"],
                   reviewed_by=settings["report.reviewed_by"], logo=settings["report.logo"])

    def number(self, period: DateRange) -> str:
        """The report number for ``period``; empty without a pattern or with a broken one."""
        if not self.number_pattern:
            return ""
        first = period.first
        try:
            return self.number_pattern.format(year=first.year, month=f"{first.month:02d}",
                                              day=f"{first.day:02d}",
                                              to=period.last.strftime("%Y%m%d"))
        except (KeyError, IndexError, ValueError) as exc:
            log.warning("report.number_pattern %r: %s", self.number_pattern, exc)
            return ""

    def logo_data_uri(self) -> str:
        """The logo inlined as a data: URI (the report stays one file), or "" when there is
        none or it cannot be used (a warning says why; the report is made without it)."""
        if not self.logo:
            return ""
        path = Path(self.logo).expanduser()
        kind = LOGO_TYPES.get(path.suffix.lower())
        try:
            if kind is None:
                raise ValueError(f"not a PNG, JPEG or SVG file ({path.suffix or 'no suffix'})")
            data = path.read_bytes()
            if len(data) > LOGO_MAX_BYTES:
                raise ValueError(f"larger than {LOGO_MAX_BYTES // 1024} KB")
        except (OSError, ValueError) as exc:
            log.warning("report logo %s left out: %s", path, exc)
            return ""
        return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
