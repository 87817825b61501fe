"""The desktop bundle: scripts/build-bundle builds dist/videohelp/ with build.spec and
smoke-tests it; then the frozen app is checked to behave like the installed one.

A fresh checkout builds (about a minute on two cores); later runs reuse dist/ when
build-bundle's stamp shows it was built from exactly the current inputs.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import numpy as np
import pytest
from packaging.requirements import Requirement
from PySide6.QtGui import QImage

from videohelp import __version__

# The first test to run builds the bundle (about a minute; allow for a slow machine).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

REPO = Path(__file__).resolve().parent.parent
BUNDLE = REPO / "dist" / "videohelp"
INTERNAL = BUNDLE / "_internal"
EXE = BUNDLE / "videohelp"
# Distributions whose PyInstaller hooks decide what they need (see build.spec).
HOOKED = {"pyside6-essentials", "pyside6", "shiboken6", "numpy", "opencv-python-headless"}
NOT_DATA = {".py", ".pyc", ".pyi", ".pxd", ".pyx", ".h", ".c", ".cpp", ".so", ".pyd", ".dll", ".dylib"}


def _frozen_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIDEOHELP_CRASH_TEST", "VIDEOHELP_DATA_DIR", "XDG_DATA_HOME")}
    return {**env, "QT_QPA_PLATFORM": "offscreen", **extra}


@pytest.fixture(scope="module")
def smoke(tmp_path_factory) -> tuple[str, Path]:
    """Run scripts/build-bundle once for the module; return its output and smoke dir."""
    out = tmp_path_factory.mktemp("bundle-check")
    env = {**os.environ, "VIDEOHELP_VENV": sys.prefix}
    done = subprocess.run([str(REPO / "scripts" / "build-bundle"), "--out", str(out)],
                          capture_output=True, text=True, timeout=1500, env=env, cwd=REPO)
    assert done.returncode == 0, f"build-bundle failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout, out


def test_build_bundle_builds_and_smoke_tests_the_frozen_app(smoke) -> None:
    output, out = smoke
    assert f"build-bundle: --version ok: videohelp {__version__}" in output
    assert re.search(r"build-bundle: demo ok: \d+x\d+ PNG, .* [1-9]\d* on air", output), output
    assert output.rstrip().endswith("build-bundle: ok")
    assert EXE.is_file() and os.access(EXE, os.X_OK)
    assert QImage(str(out / "demo.png")).width() >= 800
    assert (out / "demo-data" / "logs" / "videohelp.log").is_file()


def test_the_bundle_carries_the_apps_data_and_its_dependencies_data(smoke) -> None:
    source = REPO / "videohelp"
    wanted = [p for p in source.rglob("*")
              if p.is_file() and p.suffix not in {".py", ".pyc", ".ts"} and "__pycache__" not in p.parts]
    assert any(p.suffix == ".sql" for p in wanted) and any(p.suffix == ".jsonl" for p in wanted)
    for path in wanted:
        bundled = INTERNAL / "videohelp" / path.relative_to(source)
        assert bundled.is_file(), f"{bundled} missing"
        assert hashlib.sha256(bundled.read_bytes()).digest() == hashlib.sha256(path.read_bytes()).digest()
    for ts in (source / "assets" / "i18n").glob("*.ts"):
        assert (INTERNAL / "videohelp" / "assets" / "i18n" / f"{ts.stem}.qm").is_file()

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    checked = 0
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = requirement.name.lower().replace("_", "-")
        if (requirement.marker and not requirement.marker.evaluate()) or name in HOOKED:
            continue
        for file in importlib.metadata.distribution(name).files or ():
            parts = Path(str(file)).parts
            if (len(parts) < 2 or not parts[0].isidentifier() or parts[0].startswith("_")
                    or {"__pycache__", "tests", "test"} & set(parts) or Path(parts[-1]).suffix in NOT_DATA
                    or ".so." in parts[-1]):
                continue
            assert (INTERNAL / Path(*parts)).is_file(), f"{name}: data file {file} not bundled"
            checked += 1
    assert checked > 0


def test_the_frozen_app_uses_the_installed_apps_data_directory_settings_and_log(
        smoke, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = _frozen_env(HOME=str(home), USERPROFILE=str(home), LOCALAPPDATA=str(home / "AppData"))
    where = subprocess.run(
        [sys.executable, "-c", "from videohelp.core.paths import default_data_dir as d; print(d())"],
        capture_output=True, text=True, check=True, env=env).stdout.strip()
    expected = Path(where)
    assert expected.is_relative_to(home)
    expected.mkdir(parents=True)
    (expected / "settings.json").write_text(
        json.dumps({"ui.language": "en", "server.port": 0, "bundle.probe": 1}), encoding="utf-8")
    done = subprocess.run([str(EXE), "--demo", "--quit-after", "2"], capture_output=True,
                          text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr
    log = (expected / "logs" / "videohelp.log").read_text(encoding="utf-8")
    assert f"videohelp {__version__} starting, data in {expected.resolve()}" in log
    assert "settings: unknown setting 'bundle.probe' ignored" in log
    assert "not found; run ./run setup" not in log  # English needs no .qm: the setting was honoured
    assert (expected / "videohelp.sqlite3").is_file()
    assert (expected / "crashes").is_dir() and not list((expected / "crashes").glob("crash-*"))


def _both(args: list[str], env: dict[str, str]) -> tuple[str, str]:
    """stdout of the frozen and the installed app for the same command line."""
    frozen, installed = (
        subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, env=env)
        for command in ([str(EXE)], [sys.executable, "-m", "videohelp"]))
    assert frozen.returncode == installed.returncode == 0, frozen.stderr + installed.stderr
    return frozen.stdout, installed.stdout


def test_the_frozen_command_line_matches_the_installed_one(smoke, tmp_path: Path) -> None:
    env = _frozen_env(COLUMNS="100")
    frozen, installed = _both(["--help"], env)
    assert frozen == installed
    # The subcommands are found with pkgutil at run time: all of them made it into the bundle.
    commands = re.findall(r"^    (\w+) ", frozen, re.MULTILINE)
    assert "serve" in commands and "kb" in commands, frozen
    # The shipped knowledge base, seeded into a fresh database by the frozen app.
    stats = []
    for name, command in (("frozen", [str(EXE)]), ("installed", [sys.executable, "-m", "videohelp"])):
        done = subprocess.run([*command, "kb", "stats", "--json", "--data-dir", str(tmp_path / name)],
                              capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 0, done.stderr
        stats.append(json.loads(done.stdout))
    assert stats[0] == stats[1]
    assert stats[0]["entries"] > 0


def _notice_pixels(path: Path) -> int:
    """Pixels of the crash notice's red (#d32f2f) in the status bar strip."""
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    pixels = raw.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3]
    strip = pixels[-26:].astype(int)  # Format_RGB32 is B, G, R in memory
    blue, green, red = strip[..., 0], strip[..., 1], strip[..., 2]
    return int(((red > 150) & (green < 110) & (blue < 110)).sum())


def test_a_crash_in_the_frozen_app_writes_a_report_and_tells_the_user(smoke, tmp_path: Path) -> None:
    _, out = smoke
    data, shot = tmp_path / "data", tmp_path / "crash.png"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"server.port": 0}), encoding="utf-8")
    done = subprocess.run(
        [str(EXE), "--demo", "--data-dir", str(data), "--screenshot", str(shot), "--quit-after", "3"],
        capture_output=True, text=True, timeout=180, env=_frozen_env(VIDEOHELP_CRASH_TEST="1"))
    assert done.returncode == 0, done.stderr  # the desk survives a failing slot
    reports = list((data / "crashes").glob("crash-*.txt"))
    assert len(reports) == 1
    report = reports[0].read_text(encoding="utf-8")
    assert "RuntimeError: VIDEOHELP_CRASH_TEST: deliberate error" in report
    assert f"videohelp: {__version__}" in report and "pyside6: 6." in report
    assert f"python: {sys.version_info.major}.{sys.version_info.minor}" in report
    recent = report.split("recent log:", 1)[1]
    assert f"videohelp {__version__} starting, data in {data.resolve()}" in recent
    assert f"report in {reports[0]}" in done.stderr  # logged at ERROR, so on stderr too
    log = (data / "logs" / "videohelp.log").read_text(encoding="utf-8")
    assert f"crash notice shown to the user: {reports[0]}" in log
    # The notice is in the window: red text in the status bar, absent from the normal run.
    assert _notice_pixels(shot) > _notice_pixels(out / "demo.png") + 40


def test_the_bundled_libvlc_plays_with_its_own_plugins(smoke, tmp_path: Path) -> None:
    """The hook makes python-vlc load the bundled libvlc, which plays a clip using only
    bundled plugins and libraries (run in a Python given the frozen app's environment:
    the bootloader's LD_LIBRARY_PATH and sys._MEIPASS)."""
    from PyInstaller.archive.readers import CArchiveReader

    assert sys.platform.startswith("linux")
    assert Path("/usr/lib/x86_64-linux-gnu/libvlc.so.5").exists(), "CI installs vlc-bin (runtime)"
    scripts = [name for name, entry in CArchiveReader(str(EXE)).toc.items() if entry[-1] == "s"]
    assert scripts.index("pyi_rth_videohelp_vlc") < scripts.index("entry"), scripts
    for name in ("libvlc.so.5", "libvlccore.so.9", "vlc/plugins/plugins.dat",
                 "vlc/plugins/codec/libavcodec_plugin.so"):
        assert (INTERNAL / name).is_file(), name
    clip = tmp_path / "clip.mp4"
    import av

    with av.open(str(clip), "w") as container:
        stream = container.add_stream("mpeg4", rate=25)
        stream.width, stream.height = 160, 120
        for index in range(25):
            frame = av.VideoFrame.from_ndarray(
                np.full((120, 160, 3), index * 10, np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    probe = textwrap.dedent(f"""
        import runpy, sys, time
        sys._MEIPASS = {str(INTERNAL)!r}
        runpy.run_path({str(REPO / "scripts" / "pyi_rth_videohelp_vlc.py")!r})
        import vlc
        print("lib", vlc.dll._name)
        instance = vlc.Instance(["--vout=dummy", "--aout=dummy", "--quiet"])
        player = instance.media_player_new()
        player.set_media(instance.media_new({str(clip)!r}))
        player.play()
        deadline = time.monotonic() + 20
        while player.get_state() not in (vlc.State.Ended, vlc.State.Error) and time.monotonic() < deadline:
            time.sleep(0.05)
        print("state", player.get_state())
        maps = open("/proc/self/maps").read()
        print("outside", sorted({{line.split()[-1] for line in maps.splitlines()
                                 if "vlc" in line.split()[-1] or "libavcodec.so" in line}}
                                - {{p for p in (line.split()[-1] for line in maps.splitlines())
                                    if p.startswith({str(INTERNAL)!r})}}))
    """)
    env = {**os.environ, "LD_LIBRARY_PATH": str(INTERNAL)}
    env.pop("PYTHON_VLC_LIB_PATH", None)
    env.pop("VLC_PLUGIN_PATH", None)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert f"lib {INTERNAL / 'libvlc.so.5'}" in done.stdout
    assert "state State.Ended" in done.stdout, done.stdout + done.stderr
    assert "outside []" in done.stdout, done.stdout


def test_the_frozen_app_prints_the_daily_review_as_pdf(smoke, tmp_path: Path) -> None:
    """WeasyPrint's stylesheets and its Pango binding travel with the bundle."""
    from datetime import datetime, timedelta, timezone

    data = tmp_path / "data"
    env = _frozen_env()
    done = subprocess.run([str(EXE), "--demo", "--data-dir", str(data), "--screenshot",
                           str(tmp_path / "shot.png"), "--quit-after", "3"],
                          capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr
    today = datetime.now(timezone(timedelta(hours=8))).date().isoformat()
    out = tmp_path / "review.pdf"
    done = subprocess.run([str(EXE), "report", "--date", today, "--data-dir", str(data),
                           "--out", str(out), "--quiet"], capture_output=True, text=True,
                          timeout=180, env=env)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert "每日复盘" in text and "第1页" in text.replace(" ", "")
