"""``videohelp push FORMAT``: relay an FLV stream from stdin to ``$VIDEOHELP_PUSH_URL``.

The network half of a program output (``videohelp.streaming.pusher``), run by
the console itself as a child process; a command so that a frozen bundle,
which cannot run ``python -m``, can start it too. Not meant for people.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "push", parents=[common], help="(internal) relay FLV on stdin to $VIDEOHELP_PUSH_URL",
        description="Relay an FLV stream from stdin to the URL in $VIDEOHELP_PUSH_URL without "
                    "re-encoding; prints 'live' once connected or 'error ...'. Started by the "
                    "console for each network output.")
    parser.add_argument("format", choices=("flv", "mpegts"), help="container to push")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from videohelp.streaming.pusher import main

    return main([args.format])
