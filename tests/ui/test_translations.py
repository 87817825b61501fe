"""Every interface string has a Chinese translation, and the compiled file is loaded."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import QCoreApplication

from videohelp.ui.i18n import set_language

from ..conftest import REPO


def test_every_interface_string_is_translated() -> None:
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "update_translations.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 untranslated" in done.stdout


def test_the_compiled_translation_is_used(qapp) -> None:
    assert set_language(qapp, "zh_CN")
    try:
        assert "全部下屏" in QCoreApplication.translate("MainWindow", "CLEAR ALL (F12)")
        assert QCoreApplication.translate("CommentState", "On air") == "播出中"
    finally:
        set_language(qapp, "en")
    assert QCoreApplication.translate("CommentState", "On air") == "On air"
