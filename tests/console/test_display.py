"""The desk without a screen: one clear line, or the offscreen platform for a screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from videohelp.console.display import prepare_display


def test_no_display_is_a_one_line_reason() -> None:
    environ: dict[str, str] = {}
    problem = prepare_display(environ, screenshot=False, platform="linux")
    assert problem is not None and "DISPLAY is not set" in problem and "--screenshot" in problem
    assert "QT_QPA_PLATFORM" not in environ


def test_a_dead_local_display_is_noticed() -> None:
    environ = {"DISPLAY": ":937"}  # no X server listens there
    problem = prepare_display(environ, screenshot=False, platform="linux")
    assert problem is not None and ":937 does not answer" in problem


def test_a_screenshot_runs_offscreen_by_itself() -> None:
    environ: dict[str, str] = {}
    assert prepare_display(environ, screenshot=True, platform="linux") is None
    assert environ["QT_QPA_PLATFORM"] == "offscreen"


def test_an_explicit_platform_or_another_system_is_left_alone() -> None:
    assert prepare_display({"QT_QPA_PLATFORM": "xcb"}, screenshot=False, platform="linux") is None
    assert prepare_display({}, screenshot=False, platform="win32") is None
    assert prepare_display({"WAYLAND_DISPLAY": "wayland-0"}, screenshot=False,
                           platform="linux") is None


def _headless_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["HOME"] = str(tmp_path)
    return env


def test_the_demo_without_a_screen_exits_with_the_reason(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "videohelp", "--demo", "--data-dir",
                          str(tmp_path / "data")], env=_headless_env(tmp_path),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines() == [run.stderr.strip()]  # one line
    assert "no display" in run.stderr and "--screenshot" in run.stderr


def test_the_demo_screenshot_needs_no_screen(tmp_path: Path) -> None:
    shot = tmp_path / "desk.png"
    run = subprocess.run([sys.executable, "-m", "videohelp", "--demo", "--data-dir",
                          str(tmp_path / "data"), "--screenshot", str(shot), "--quit-after", "3"],
                         env=_headless_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
