"""Issue 15: the desk fits 4K and high-DPI screens, in every role and both languages.

A 3840x2160 screen at scale 2 (1920x1080 logical) and a 2560x1440 screen at 1.5
(1707x960 logical): the scale is read once per process, so each runs in its own
(``hidpi_layout.py``), which checks what ``test_desk_layout`` checks at 1366x768
and 1920x1080: minimum at most 1280x720 logical, docks and main buttons inside,
no clipped main label.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("hidpi_layout.py")
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("scale", "physical"), [("2", (3840, 2160)), ("1.5", (2560, 1440))])
def test_the_desk_fits_a_high_dpi_screen(scale, physical, tmp_path) -> None:
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(SCRIPT), str(physical[0]), str(physical[1]),
                           str(tmp_path)], env=env, capture_output=True, text=True, timeout=240,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ratio"] == pytest.approx(float(scale))
    assert result["logical"] == [round(physical[0] / float(scale)), round(physical[1] / float(scale))]
    assert result["problems"] == []
