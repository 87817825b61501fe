"""``videohelp report`` end to end, in subprocesses, as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


@pytest.fixture
def data(report_db: Path, tmp_path: Path) -> Path:
    """A data directory holding the fortnight of shows."""
    root = tmp_path / "data"
    root.mkdir()
    shutil.copy(report_db, root / "videohelp.sqlite3")
    return root


def _run(cmd: list[str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*cmd, "report", *args], capture_output=True, text=True, timeout=120,
                          env=_env())


def test_html_followup_script_and_published_figures(videohelp_cmd, data, tmp_path) -> None:
    out, followup, script = tmp_path / "r" / "review.html", tmp_path / "open.xlsx", tmp_path / "s.txt"
    done = _run(videohelp_cmd, "--data-dir", str(data), "--date", "2024-05-06", "--out", str(out),
                "--followup", str(followup), "--script", str(script), "--published")
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "http" not in html
    assert "2024-05-06" in html
    # Progress on stderr, step by step; the published figures on stdout.
    assert "[0/5]" in done.stderr and "[5/5] done" in done.stderr
    assert done.stdout.startswith("2024-05-06：直播2场、3.0小时，服务群众")
    book = load_workbook(followup, read_only=True)
    try:
        assert len(list(book.active.iter_rows(values_only=True))) > 1
    finally:
        book.close()
    assert "第一个问题：" in script.read_text(encoding="utf-8")


def test_pdf_for_a_range(videohelp_cmd, data, tmp_path) -> None:
    out = tmp_path / "week.pdf"
    done = _run(videohelp_cmd, "--data-dir", str(data), "--date", "2024-05-01", "--to", "2024-05-07",
                "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert "[" not in done.stderr  # --quiet: no progress
    # --format wins over the file name.
    other = tmp_path / "review.bin"
    done = _run(videohelp_cmd, "--data-dir", str(data), "--date", "2024-05-01", "--out", str(other),
                "--format", "pdf", "--quiet")
    assert done.returncode == 0, done.stderr
    assert other.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "2024-13-01", "--out", "r.html"],
     "argument --date: '2024-13-01' is not a valid date: month must be in 1..12"),
    (["--date", "2024-02-30", "--out", "r.html"], "is not a valid date"),
    (["--date", "06/05/2024", "--out", "r.html"], "is not a date in the form YYYY-MM-DD"),
    (["--date", "2024-05-06", "--to", "tomorrow", "--out", "r.html"], "argument --to"),
    (["--date", "2024-05-06", "--to", "2024-05-01", "--out", "r.html"],
     "--to 2024-05-01 is before --date 2024-05-06"),
    (["--date", "2024-05-06", "--followup", "open.ods"], "use a .csv or .xlsx file"),
    (["--date", "2024-05-06"], "nothing to write"),
    (["--date", "2024-05-06", "--format", "pdf"], "--format needs --out"),
    (["--out", "r.html"], "the following arguments are required: --date"),
])
def test_bad_requests_exit_2_with_a_clear_error(videohelp_cmd, data, tmp_path, args, message) -> None:
    done = subprocess.run([*videohelp_cmd, "report", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120, env=_env(), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing written


def test_no_database_is_a_failure_not_a_new_empty_report(videohelp_cmd, tmp_path) -> None:
    empty = tmp_path / "nowhere"
    done = _run(videohelp_cmd, "--data-dir", str(empty), "--date", "2024-05-06",
                "--out", str(tmp_path / "r.html"))
    assert done.returncode == 1
    assert "no database in" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists()
    assert not (empty / "videohelp.sqlite3").exists()


def test_an_unwritable_output_is_a_failure(videohelp_cmd, data, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    done = _run(videohelp_cmd, "--data-dir", str(data), "--date", "2024-05-06",
                "--out", str(blocker / "r.html"), "--quiet")
    assert done.returncode == 1
    assert "could not write" in done.stderr and "Traceback" not in done.stderr
