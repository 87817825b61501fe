"""A clone of the repository, alone, collects and runs its tests (issue 21).

The suite itself refuses to read beside the checkout (``tests/conftest.py``); this test
also copies the tracked tree into an empty folder, with no sibling folders at all, and
collects the whole suite there: a module that reads outside the checkout at import time,
or a fixture file that is not in the repository, fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def _tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True, timeout=60)
    return [Path(os.fsdecode(name)) for name in listed.stdout.split(b"\0") if name]


def test_the_suite_collects_from_a_lone_copy_of_the_tree(tmp_path: Path) -> None:
    clone = tmp_path / "videohelp"
    for relative in _tracked_files():
        source = REPO / relative
        if source.is_file():
            (clone / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / relative)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["videohelp"]  # no siblings
    env = {**os.environ, "PYTHONPATH": str(clone), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", "tests"],
                         cwd=clone, env=env, capture_output=True, text=True, timeout=240)
    tail = run.stdout[-3000:] + run.stderr[-3000:]
    assert run.returncode == 0, tail
    summary = run.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ tests collected in [\d.]+s", summary), tail  # no "N errors"
    # The copy was imported, not the checkout.
    assert str(REPO) not in run.stdout, tail


def test_the_suite_refuses_to_read_beside_the_checkout() -> None:
    sibling = REPO.parent / "shared" / "spec" / "business-items.csv"
    try:
        sibling.read_bytes()
    except PermissionError as exc:
        assert "outside the repository" in str(exc)
    except FileNotFoundError:
        raise AssertionError("the guard let a read beside the checkout through") from None
    else:
        raise AssertionError("the guard let a read beside the checkout through")
