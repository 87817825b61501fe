"""Build dist/videohelp/ with build.spec, then smoke-test the frozen app (run by scripts/build-bundle).

The build is skipped when ``build/videohelp-bundle.stamp`` says dist/ was built
from exactly the current inputs (every file of the package, build.spec, its
runtime hook, pyproject.toml, the Python and installed distributions, the
Debian packages whose libraries PyInstaller copies, the VLC knobs) and dist/
still holds exactly the files that build wrote. The smoke test always runs.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from videohelp import APP_NAME, __version__  # noqa: E402

DIST = ROOT / "dist"
WORK = ROOT / "build"
BUNDLE = DIST / APP_NAME
STAMP = WORK / "videohelp-bundle.stamp"
WINDOWS = sys.platform.startswith("win")
GUI_EXE = BUNDLE / (f"{APP_NAME}.exe" if WINDOWS else APP_NAME)
CLI_EXE = BUNDLE / (f"{APP_NAME}-cli.exe" if WINDOWS else APP_NAME)
DEMO_SECONDS = 5


class SmokeError(Exception):
    """The frozen app did not behave."""


# --- inputs and reuse ---------------------------------------------------------------------

def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_lines() -> list[str]:
    """One line per thing the bundle is made from."""
    parts: list[str] = [sys.version, platform.platform(),
                        f"VIDEOHELP_VLC={os.environ.get('VIDEOHELP_VLC', '')}",
                        f"VIDEOHELP_VLC_DIR={os.environ.get('VIDEOHELP_VLC_DIR', '')}"]
    files = [ROOT / "build.spec", ROOT / "pyproject.toml", ROOT / "scripts" / "pyi_rth_videohelp_vlc.py"]
    files += sorted(p for p in (ROOT / "videohelp").rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    parts += [f"{p.relative_to(ROOT).as_posix()} {_file_digest(p)}" for p in files]
    # A set: the same distribution is listed once per sys.path entry that holds it.
    parts += sorted({f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()})
    dpkg = shutil.which("dpkg-query")
    if dpkg:  # Qt's system libraries, libvlc and its plugins' libraries are copied from here
        parts += subprocess.run([dpkg, "-W", "-f", "dpkg ${Package} ${Version}\n"],
                                capture_output=True, text=True, check=True).stdout.splitlines()
    return parts


def dist_manifest() -> str:
    """A digest of dist/videohelp's file list, sizes and times (what the build left)."""
    if not BUNDLE.is_dir():
        return ""
    entries = []
    for path in BUNDLE.rglob("*"):
        name = path.relative_to(BUNDLE).as_posix()
        if path.is_symlink():
            entries.append(f"{name} -> {os.readlink(path)}")
        elif path.is_file():
            info = path.stat()
            entries.append(f"{name} {info.st_size} {info.st_mtime_ns}")
    entries.sort()
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def reuse_blocker(inputs: list[str]) -> str | None:
    """Why dist/ cannot be reused (None: it can)."""
    try:
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "no build stamp"
    if stamp.get("inputs") != inputs:
        changed = sorted(set(inputs).symmetric_difference(stamp.get("inputs") or []))
        return f"{len(changed)} inputs changed, e.g. {changed[:2]}"
    if stamp.get("manifest") != dist_manifest() or not BUNDLE.is_dir():
        return "dist/ was changed after the build"
    return None


@contextlib.contextmanager
def build_lock() -> Iterator[None]:
    """One build at a time per checkout (two test runs must not share a half-built dist/)."""
    WORK.mkdir(exist_ok=True)
    with open(WORK / ".videohelp-bundle.lock", "w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: builds there are run by hand
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(inputs: list[str]) -> float:
    """Run PyInstaller; return the seconds it took."""
    STAMP.unlink(missing_ok=True)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                           "--distpath", str(DIST), "--workpath", str(WORK), str(ROOT / "build.spec")],
                          cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"build-bundle: PyInstaller failed ({done.returncode})")
    seconds = time.monotonic() - started
    STAMP.write_text(json.dumps({"inputs": inputs, "manifest": dist_manifest(),
                                 "build_seconds": round(seconds, 1)}), encoding="utf-8")
    return seconds


# --- smoke test -----------------------------------------------------------------------------

def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIDEOHELP_CRASH_TEST", "VIDEOHELP_DATA_DIR", "PYTHONPATH", "PYTHONHOME")}
    return {**env, "QT_QPA_PLATFORM": "offscreen", **extra}


def check_version() -> str:
    done = subprocess.run([str(CLI_EXE), "--version"], capture_output=True, text=True, timeout=120,
                          env=_env())
    want = f"{APP_NAME} {__version__}"
    if done.returncode != 0 or done.stdout.strip() != want:
        raise SmokeError(f"--version: exit {done.returncode}, printed {done.stdout.strip()!r} "
                         f"(want {want!r}); stderr:\n{done.stderr}")
    return done.stdout.strip()


def check_picture(path: Path) -> str:
    """The screenshot is a window-sized PNG with varied pixels and text in the comment list."""
    import numpy as np
    from PySide6.QtGui import QImage

    if not path.is_file() or path.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        raise SmokeError(f"{path}: no PNG written")
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    if width < 800 or height < 500:
        raise SmokeError(f"{path}: {width}x{height}, smaller than the desk's window")
    raw = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    pixels = raw.reshape(height, image.bytesPerLine() // 4, 4)[:, :width, :3]
    packed = (pixels[..., 0].astype(np.uint32) << 16) | (pixels[..., 1].astype(np.uint32) << 8) \
        | pixels[..., 2]
    colours, counts = np.unique(packed, return_counts=True)
    top_share = counts.max() / packed.size
    # The dark studio theme paints most of the window one colour; blank is "almost all".
    if len(colours) < 256 or top_share > 0.85:
        raise SmokeError(f"{path}: looks blank ({len(colours)} colours, one covers {top_share:.0%})")
    # Lines of text in the live feed, the middle of the officer's layout the demo opens:
    # pixel rows where many pixels stand out from the row's median. Five seconds of demo
    # fill about a fifth of the window's height with comments; an empty list's grid lines
    # give a few such pixels per row, far below the threshold.
    luma = pixels[int(height * 0.08):int(height * 0.92), int(width * 0.25):int(width * 0.75)].mean(axis=2)
    standout = np.abs(luma - np.median(luma, axis=1, keepdims=True)) > 60
    inked = float((standout.sum(axis=1) >= 12).mean())
    if inked < 0.12:
        raise SmokeError(f"{path}: the comment list looks empty ({inked:.0%} of rows have text)")
    return f"{width}x{height} PNG, {len(colours)} colours, text on {inked:.0%} of comment-list rows"


def check_demo(out: Path) -> str:
    data, shot = out / "demo-data", out / "demo.png"
    shutil.rmtree(data, ignore_errors=True)
    shot.unlink(missing_ok=True)
    data.mkdir(parents=True)
    # A take 2.5 s in leaves margin before the 5 s quit on a loaded machine; port 0 keeps
    # the desk's server off a console that may be running on this machine.
    (data / "settings.json").write_text(
        json.dumps({"demo.auto_take_after_s": 2.5, "server.port": 0}), encoding="utf-8")
    command = [str(GUI_EXE), "--demo", "--data-dir", str(data), "--seed", "3",
               "--screenshot", str(shot), "--quit-after", str(DEMO_SECONDS)]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, env=_env())
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SmokeError(f"demo run: exit {done.returncode}; stderr:\n{done.stderr}")
    for marker in ("Traceback", "ModuleNotFoundError", "ImportError"):
        if marker in done.stderr:
            raise SmokeError(f"demo run: {marker} on stderr:\n{done.stderr}")
    picture = check_picture(shot)
    log = (data / "logs" / "videohelp.log").read_text(encoding="utf-8")
    for needed in (f"videohelp {__version__} starting, data in {data.resolve()}", "videohelp stopped"):
        if needed not in log:
            raise SmokeError(f"demo log lacks {needed!r}:\n{log}")
    for bad in ("no Simplified Chinese font found", "is not installed; using"):
        if bad in log:
            raise SmokeError(f"demo log: {bad!r} (the frozen app cannot find its CJK font):\n{log}")
    reports = sorted((data / "crashes").glob("crash-*.txt"))
    if reports:
        raise SmokeError(f"demo run wrote a crash report:\n{reports[0].read_text(encoding='utf-8')}")
    with contextlib.closing(sqlite3.connect(data / "videohelp.sqlite3")) as conn:
        comments = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
        aired = conn.execute(
            "SELECT count(*) FROM comment_history WHERE to_state = 'on_air'").fetchone()[0]
    if comments < 10 or aired < 1:
        raise SmokeError(f"demo: {comments} comments stored, {aired} taken to air "
                         "(want >= 10 and >= 1)")
    return f"{picture}; {comments} comments, {aired} on air; run took {seconds:.1f} s"


def bundle_size() -> tuple[int, int]:
    files = [p for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build-bundle", description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="build even if dist/ is up to date")
    parser.add_argument("--check-only", action="store_true", help="check the existing dist/ only")
    parser.add_argument("--out", type=Path, default=WORK / "bundle-check",
                        help="directory for the smoke runs' data and screenshots")
    args = parser.parse_args(argv)

    with build_lock():
        # Compile translations first: the .qm files are inputs too (build.spec checks them).
        subprocess.run([sys.executable, "-m", "videohelp.console.i18n_build"], cwd=ROOT, check=True)
        inputs = input_lines()
        if args.check_only:
            print("build-bundle: checking the existing bundle")
        elif (blocker := "--rebuild" if args.rebuild else reuse_blocker(inputs)) is None:
            print("build-bundle: dist/ was built from the current inputs; reusing it")
        else:
            print(f"build-bundle: building ({blocker})")
            seconds = build(inputs)
            print(f"build-bundle: build time {seconds:.0f} s")
        if not GUI_EXE.is_file():
            print(f"build-bundle: no {GUI_EXE}", file=sys.stderr)
            return 1
        size, count = bundle_size()
        print(f"build-bundle: bundle {BUNDLE} {size / 2**20:.0f} MiB in {count} files")
        args.out.mkdir(parents=True, exist_ok=True)
        try:
            print(f"build-bundle: --version ok: {check_version()}")
            print(f"build-bundle: demo ok: {check_demo(args.out.resolve())}")
        except (SmokeError, subprocess.TimeoutExpired) as exc:
            print(f"build-bundle: FAILED: {exc}", file=sys.stderr)
            return 1
    print("build-bundle: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
