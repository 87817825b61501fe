"""Interface language: Qt translators, switchable while the desk runs.

English is the source language; zh_CN (the default) comes from
``assets/i18n/videohelp_zh_CN.qm``. Widgets bind their texts through a
``Retranslator`` so a language change re-applies every bound text at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QTranslator

from videohelp.assets import asset_path

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")
_installed: dict[str, QTranslator] = {}


def set_language(app: QCoreApplication, language: str) -> bool:
    """Switch the interface to ``language``; False (and English) if it cannot be loaded.

    Installing or removing a translator sends every widget a LanguageChange event.
    """
    for translator in _installed.values():
        app.removeTranslator(translator)
    _installed.clear()
    app.setProperty("videohelpLanguage", "en")
    if language == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English))
        _deliver_language_change()
        return True
    translator = QTranslator(app)
    qm = asset_path("i18n", f"videohelp_{language}.qm")
    if not translator.load(str(qm)):
        log.warning("translation %s not found; run ./run setup", qm)
        return False
    app.installTranslator(translator)
    _installed[language] = translator
    QLocale.setDefault(QLocale(language))
    app.setProperty("videohelpLanguage", language)
    _deliver_language_change()
    return True


def _deliver_language_change() -> None:
    # Qt posts the LanguageChange events; deliver them now so every text has
    # switched when this returns (and the next frame shows one language only).
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


def current_language(app: QCoreApplication) -> str:
    return str(app.property("videohelpLanguage") or "en")


class Retranslator:
    """Texts bound to setters, re-applied after a language change.

    Pass source strings wrapped in ``QT_TRANSLATE_NOOP(context, text)`` so that
    lupdate finds them. Each binding has a key (the setter unless given):
    binding the same key again replaces its text, so a label that shows one
    message after another keeps only the latest; ``unbind`` before showing a
    text that is not translated (a name, an error from elsewhere), or the
    next language change would bring the old message back.
    """

    def __init__(self, context: str) -> None:
        self.context = context
        self._bindings: dict[object, tuple[Callable[[str], Any], str, dict[str, Any]]] = {}

    def tr(self, text: str, /, **values: Any) -> str:
        translated = QCoreApplication.translate(self.context, text)
        return translated.format(**values) if values else translated

    def bind(self, setter: Callable[[str], Any], text: str, /, *, key: object = None,
             **values: Any) -> None:
        self._bindings[setter if key is None else key] = (setter, text, values)
        setter(self.tr(text, **values))

    def unbind(self, key: object) -> None:
        self._bindings.pop(key, None)

    def show(self, setter: Callable[[str], Any], text: str, *, key: object = None) -> None:
        """Show ``text`` as it is (not translated), replacing the key's binding."""
        self.unbind(setter if key is None else key)
        setter(text)

    def apply(self) -> None:
        for key, (setter, text, values) in list(self._bindings.items()):
            try:
                setter(self.tr(text, **values))
            except RuntimeError as exc:
                if "already deleted" not in str(exc):
                    raise
                self._bindings.pop(key, None)  # its widget is gone (Qt deleted it)
