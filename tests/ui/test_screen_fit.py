"""Windows that open beside the desk fit the studio's screens (issue 15: 1366x768 and up)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize

from videohelp.ui.screen_fit import fitted_size

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("screen_fit_check.py")


def test_the_preferred_size_is_kept_within_the_screen_and_above_the_minimum() -> None:
    small, large = QSize(1366, 768), QSize(1920, 1080)
    assert fitted_size(QSize(1280, 800), small, QSize(0, 0)) == QSize(1280, 768)
    assert fitted_size(QSize(1280, 800), large, QSize(0, 0)) == QSize(1280, 800)
    assert fitted_size(None, small, QSize(0, 0)) == small  # the whole screen
    assert fitted_size(None, QSize(1024, 600), QSize(1280, 720)) == QSize(1280, 720)


@pytest.mark.parametrize("screen", [(1366, 768), (1920, 1080)])
def test_the_expert_window_and_the_review_open_inside_the_screen(screen, tmp_path) -> None:
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(SCRIPT), str(screen[0]), str(screen[1]), str(tmp_path)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["screen"] == list(screen)
    # The expert's window takes the whole screen, as the desk does; its status bar and send
    # button on it (at 1366x768 both were below the edge of a 1280x800 window).
    assert found["expert"] == {"size": list(screen), "on_screen": True}
    assert found["report"]["on_screen"] and found["report"]["size"][1] <= screen[1]
