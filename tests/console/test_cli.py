"""The command line end to end, in subprocesses, as a user runs it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from videohelp import __version__


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def test_version(videohelp_cmd) -> None:
    done = subprocess.run([*videohelp_cmd, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.strip() == f"videohelp {__version__}"


def test_unknown_option_is_a_usage_error(videohelp_cmd) -> None:
    done = subprocess.run([*videohelp_cmd, "--no-such-thing"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "unrecognized arguments" in done.stderr


@pytest.mark.slow
def test_demo_screenshot_shows_the_desk_with_comments_and_a_card_on_air(
        videohelp_cmd, tmp_path: Path) -> None:
    shot = tmp_path / "desk.png"
    data = tmp_path / "data"
    done = subprocess.run(
        [*videohelp_cmd, "--demo", "--data-dir", str(data), "--seed", "3",
         "--screenshot", str(shot), "--quit-after", "8"],
        capture_output=True, text=True, timeout=90, env=_env())
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert image.width() >= 800 and image.height() >= 500
    conn = sqlite3.connect(data / "videohelp.sqlite3")
    count = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
    aired = conn.execute(
        "SELECT count(*) FROM comment_history WHERE to_state = 'on_air'").fetchone()[0]
    conn.close()
    assert count >= 12, "the simulated feed should have delivered comments"
    assert aired >= 1, "the demo should have put a question on screen by itself"
    assert (data / "logs" / "videohelp.log").exists()


def test_common_options_before_the_subcommand_are_kept(videohelp_cmd, tmp_path: Path) -> None:
    before = tmp_path / "before"
    after = tmp_path / "after"
    for argv in (["--data-dir", str(before), "kb", "stats", "--json"],
                 ["kb", "stats", "--json", "--data-dir", str(after)]):
        done = subprocess.run([*videohelp_cmd, *argv], capture_output=True, text=True, timeout=120,
                              env=_env())
        assert done.returncode == 0, done.stderr
    assert (before / "videohelp.sqlite3").exists()
    assert (after / "videohelp.sqlite3").exists()
