#!/usr/bin/env python3
"""Fail if a non-UI package imports widgets, or the import-linter contracts break.

``core``, ``console``, ``queue`` and ``streaming`` may use QtCore and QtGui
(models, signals, off-screen rendering) but never QtWidgets or ``videohelp.ui``:
they must run headless in ``videohelp serve`` and stay testable without a desk.
And ``ui`` never imports sqlite3 or the modules that query the database: widgets ask
the knowledge service (console/knowledge_service.py) and the session.

The direction of dependency between the packages and the absence of import
cycles are import-linter contracts in pyproject.toml (``[tool.importlinter]``);
this script runs them too (``lint-imports``), so one step checks the layering.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "videohelp"
NON_UI = ("core", "console", "queue", "streaming")
FORBIDDEN = (
    "videohelp.ui",
    "PySide6.QtWidgets",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSvgWidgets",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtWebEngineWidgets",
    "qtpy.QtWidgets",
)


# Widgets never touch SQLite (also an import-linter contract; checked here from the source
# too, so a lazy import inside a function is caught whatever the graph includes).
UI_FORBIDDEN = ("sqlite3", "sqlite_utils", "videohelp.core.store", "videohelp.core.knowledge",
                "videohelp.core.kb_search", "videohelp.queue.answering.review")


def _imports(tree: ast.AST) -> list[tuple[int, list[str]]]:
    """Each import statement as (line, every dotted name it could bring in)."""
    found: list[tuple[int, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.append((node.lineno, [alias.name for alias in node.names]))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            found.append((node.lineno, names))
    return found


def _forbidden(name: str, forbidden: tuple[str, ...] = FORBIDDEN) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in forbidden)


def violations(root: Path = ROOT) -> list[str]:
    """Return one line per forbidden import found under the non-UI packages."""
    found = []
    for package in NON_UI:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for lineno, names in _imports(tree):
                bad = [name for name in names if _forbidden(name)]
                if bad:
                    found.append(f"{path.relative_to(root.parent)}:{lineno}: imports {bad[0]}")
    for path in sorted((root / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for lineno, names in _imports(tree):
            bad = [name for name in names if _forbidden(name, UI_FORBIDDEN)]
            if bad:
                found.append(f"{path.relative_to(root.parent)}:{lineno}: a widget imports {bad[0]} "
                             "(ask console/knowledge_service.py)")
    return found


def contracts() -> int:
    """Run the import-linter contracts of pyproject.toml; its exit code (0: all kept)."""
    lint = Path(sys.executable).with_name("lint-imports")
    command = [str(lint)] if lint.exists() else [sys.executable, "-m", "importlinter.cli"]
    env = {**os.environ, "PYTHONPATH": str(ROOT.parent)}
    return subprocess.run([*command, "--no-cache"], cwd=ROOT.parent, env=env, check=False).returncode


def main() -> int:
    found = violations()
    for line in found:
        print(line)
    print(f"layering: {len(found)} violation(s)")
    return 1 if found or contracts() else 0


if __name__ == "__main__":
    sys.exit(main())
