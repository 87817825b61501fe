"""The ``videohelp`` executable: the command line, with the desk as its default command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def _run_desk(args: argparse.Namespace) -> int:
    from videohelp.console.display import prepare_display

    problem = prepare_display(os.environ, screenshot=bool(getattr(args, "screenshot", None)))
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from videohelp.ui.app import run_desk

    return run_desk(args)


def main(argv: Sequence[str] | None = None) -> int:
    from videohelp.console.cli import main as cli_main

    return cli_main(argv, desk=_run_desk)


if __name__ == "__main__":
    sys.exit(main())
