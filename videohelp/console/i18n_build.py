"""Compile the Qt translation sources (``assets/i18n/*.ts``) to ``.qm`` with lrelease.

Run by ``./run`` on every setup so that the shipped ``.qm`` files never lag the
sources. ``python -m videohelp.console.i18n_build``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from videohelp.assets import asset_path


def lrelease_command() -> list[str] | None:
    exe = shutil.which("pyside6-lrelease") or shutil.which(
        "pyside6-lrelease", path=str(Path(sys.executable).parent))
    return [exe] if exe else None


def build(i18n_dir: Path | None = None) -> list[Path]:
    """Compile every stale .ts; return the .qm files written."""
    i18n_dir = i18n_dir or asset_path("i18n")
    command = lrelease_command()
    written = []
    for source in sorted(i18n_dir.glob("*.ts")):
        target = source.with_suffix(".qm")
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        if command is None:
            raise SystemExit("pyside6-lrelease not found; install PySide6-Essentials")
        subprocess.run([*command, "-silent", str(source), "-qm", str(target)], check=True)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"compiled {path}")
