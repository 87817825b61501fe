"""The layering rule is enforced by a check, and the check itself works."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _checker():
    spec = importlib.util.spec_from_file_location("check_layers", REPO / "scripts" / "check_layers.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_non_ui_packages_do_not_import_widgets() -> None:
    assert _checker().violations() == []


def test_checker_catches_a_widget_import(tmp_path: Path) -> None:
    root = tmp_path / "videohelp"
    for package in ("console", "queue", "streaming"):
        (root / package).mkdir(parents=True)
    (root / "queue" / "bad.py").write_text("from PySide6.QtWidgets import QLabel\n")
    (root / "streaming" / "bad2.py").write_text("import videohelp.ui.app\n")
    (root / "console" / "fine.py").write_text("from PySide6.QtCore import QObject\n")
    found = _checker().violations(root)
    assert len(found) == 2
    assert any("queue/bad.py:1" in line for line in found)
    assert any("videohelp.ui" in line for line in found)


def test_checker_catches_from_pyside6_import_qtwidgets(tmp_path: Path) -> None:
    root = tmp_path / "videohelp"
    for package in ("console", "queue", "streaming"):
        (root / package).mkdir(parents=True)
    (root / "console" / "sneaky.py").write_text("from PySide6 import QtCore, QtWidgets\n")
    assert len(_checker().violations(root)) == 1


def test_the_import_contracts_are_kept() -> None:
    """ui -> console -> queue | streaming -> core, and no import cycle (pyproject.toml)."""
    assert _checker().contracts() == 0
