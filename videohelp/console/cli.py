"""The ``videohelp`` command line.

``videohelp [--demo] [--role ROLE] [--data-dir DIR] [--screenshot FILE --quit-after S]``
starts the desk; subcommands (``serve``, ``card``, ``kb``, ...) live in
``videohelp.console.commands``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Callable, Sequence

from videohelp import __version__
from videohelp.console import commands
from videohelp.console.commands.export import nested_common
from videohelp.console.commands.serve import add_server_arguments
from videohelp.core.heap import return_large_blocks
from videohelp.core.private import restrict_umask
from videohelp.core.token_files import SEAT_TOKEN_ENV, add_token_arguments

log = logging.getLogger(__name__)

ROLES = ("officer", "presenter", "producer", "expert")


def common_parser() -> argparse.ArgumentParser:
    """Options every command takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR",
                        help="keep the database, settings and logs in DIR "
                             "(default: the user's data directory)")
    common.add_argument("--verbose", action="store_true", help="log debug messages")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_parser()
    # No abbreviations at the top level: it classifies every argument, also those of the
    # subcommand, so `report --to DATE` would be an ambiguous `--token`/`--token-file`.
    parser = argparse.ArgumentParser(
        prog="videohelp", parents=[common], allow_abbrev=False,
        description="Broadcast console for live-streamed public-service Q&A shows.")
    parser.add_argument("--version", action="version", version=f"videohelp {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="start on the built-in demo: simulated comments, test-pattern camera")
    parser.add_argument("--role", choices=ROLES, default="officer",
                        help="desk layout to start with (default: officer)")
    parser.add_argument("--language", choices=("zh_CN", "en"), help="interface language")
    parser.add_argument("--screenshot", metavar="FILE",
                        help="save a PNG of the main window before quitting")
    parser.add_argument("--quit-after", type=float, metavar="SECONDS",
                        help="quit after SECONDS (with --screenshot: take it then)")
    parser.add_argument("--seed", type=int, help="seed of the demo's simulated feed")
    # The desk is also the console's server (bridges connect to it), like ``serve``.
    add_server_arguments(parser)
    # A seat of another console (issue 8): ``--role expert --connect wss://HOST:PORT --token T``.
    parser.add_argument("--connect", metavar="URL",
                        help="open this role's seat on the console at URL (wss://HOST:PORT) "
                             "instead of running a console here: the expert's window, or the "
                             "officer's, presenter's or producer's desk")
    add_token_arguments(parser, what="the seat's token from `videohelp seat add`",
                        env=SEAT_TOKEN_ENV)
    parser.add_argument("--fingerprint", metavar="SHA256",
                        help="the SHA-256 fingerprint the console printed: trust exactly that "
                             "certificate")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Subcommands take the common options too, without defaults of their own, so that
    # ``videohelp --data-dir D serve`` keeps D (a subparser's default would reset it).
    sub_common = nested_common(common)
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers, sub_common)
    return parser


def main(argv: Sequence[str] | None = None,
         desk: Callable[[argparse.Namespace], int] | None = None) -> int:
    """Parse ``argv`` and run the command; without one, ``desk`` runs the desk.

    The desk runner is passed in (by ``videohelp.entry``) because this package
    must not import widgets.
    """
    restrict_umask()  # everything this process creates is the operator's alone
    return_large_blocks()  # memory flat on long shows (videohelp/core/heap.py)
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        if desk is None:
            parser.error("the desk needs the GUI entry point (videohelp.entry)")
        return desk(args)
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
