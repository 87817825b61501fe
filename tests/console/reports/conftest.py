"""A fortnight of shows in a real store, shared by the report tests (read only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.console.reports.builder import History, build_history, write

FIRST = date(2024, 4, 26)
DAYS = 14  # 2024-04-26 .. 2024-05-09


@pytest.fixture(scope="session")
def history() -> History:
    return build_history(FIRST, DAYS)


@pytest.fixture(scope="session")
def report_db(history: History, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "videohelp.sqlite3"
    write(history, path).close()
    return path
