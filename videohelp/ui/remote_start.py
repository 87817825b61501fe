"""Starting a window that works a console elsewhere (the expert's window, a remote desk).

Both need the same start: the token and URL checked, logging, the application with the CJK
font, theme and language, and the seat link (refused with the reason when its URL or
fingerprint is bad).
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication

from videohelp.console.seat_client import SeatLink


def start_remote(args: argparse.Namespace, missing: str) -> tuple[QApplication, SeatLink] | None:
    """The application and the seat link for ``args``; None (after saying why on stderr) when
    the command line lacks ``--connect``/``--token`` (``missing`` says what is needed) or the
    link cannot be made."""
    from videohelp.console.logsetup import setup_logging
    from videohelp.core.paths import data_paths
    from videohelp.core.settings import Settings
    from videohelp.streaming.fonts import cjk_font
    from videohelp.ui.i18n import set_language
    from videohelp.ui.theme import apply_theme

    if not args.connect or not args.token:
        print(f"videohelp: {missing}", file=sys.stderr)
        return None
    paths = data_paths(args.data_dir)
    setup_logging(paths.log_file, verbose=args.verbose)
    settings = Settings(paths.settings)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setFont(cjk_font(14))
    apply_theme(app, settings["ui.theme"])
    set_language(app, args.language or settings["ui.language"])
    try:
        link = SeatLink(args.connect, args.token, args.fingerprint)
    except ValueError as exc:  # a bad URL or fingerprint: say which
        print(f"videohelp: {exc}", file=sys.stderr)
        return None
    return app, link
