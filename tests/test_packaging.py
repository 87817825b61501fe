"""The wheel `pip install .` makes: every file of the package is in it, and it works installed.

The editable install that ./run makes reads the checkout, so a data file missing from
``[tool.setuptools.package-data]`` goes unnoticed there and breaks only a real install (the
store's migrations did: a wheel-installed desk could not open its SQLite file).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


def _package_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / "videohelp").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel offline from a copy of the sources (the build writes beside them)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "videohelp", src / "videohelp",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("videohelp-*.whl")
    return built


def test_the_wheel_holds_every_file_of_the_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = {name for name in zf.namelist() if name.startswith("videohelp/")}
    missing = sorted(_package_files(REPO) - in_wheel)
    assert not missing, f"not in the wheel (add them to package-data): {missing[:20]}"
    assert "videohelp/core/migrations/0001_base.sql" in in_wheel


def test_the_installed_wheel_opens_a_store_at_the_current_schema(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
         "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    probe = (
        "import sys, videohelp.core.store as s\n"
        f"assert s.__file__.startswith({str(target)!r}), s.__file__\n"
        f"store = s.Store({str(tmp_path / 'show.db')!r})\n"
        "print(store.version, s.SCHEMA_VERSION)\n"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    version, expected = ran.stdout.split()
    assert version == expected and int(expected) >= 9
