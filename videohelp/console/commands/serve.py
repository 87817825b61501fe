"""``videohelp serve``: the console's server and pipeline without a screen.

For a studio machine without a display, and for tests: the same ``/ingest``
endpoint, the same pipeline and the same ``--data-dir`` as the desk. Prints
one line ``videohelp: serving ws://HOST:PORT`` (with the bound port, so
``--port 0`` works) once it accepts connections. On SIGINT or SIGTERM it stops
accepting, commits everything already received, and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys

from videohelp.console.logsetup import setup_logging
from videohelp.core.paths import DataPaths, data_paths
from videohelp.core.settings import Settings

log = logging.getLogger(__name__)


def token_argument(value: str) -> tuple[str, str]:
    """``PLATFORM=TOKEN`` -> (platform, token), for ``--ingest-token``."""
    from videohelp.queue.protocol import PLATFORM_NAME

    platform, sep, token = value.partition("=")
    if not sep or not token:
        raise argparse.ArgumentTypeError(f"expected PLATFORM=TOKEN, got {value!r}")
    if not PLATFORM_NAME.match(platform):
        raise argparse.ArgumentTypeError(
            f"platform {platform!r} must be 1-32 of a-z, 0-9, _, - (e.g. douyin, app, zlb)")
    return platform, token


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """The network options shared by the desk and ``serve``."""
    parser.add_argument("--host", help="address to listen on (default: setting server.host, "
                                       "127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on; 0 picks a free one "
                                                 "(default: setting server.port, 8765)")
    parser.add_argument("--ingest-token", action="append", type=token_argument, default=[],
                        metavar="PLATFORM=TOKEN",
                        help="a bridge token for PLATFORM (repeatable; adds to the setting "
                             "ingest.tokens)")
    # Seats off loopback (issue 8): wss:// with the studio's or a generated certificate.
    from videohelp.core.tls import add_tls_arguments

    add_tls_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Every option of ``serve``; later features add theirs here."""
    add_server_arguments(parser)
    parser.add_argument("--control-token", metavar="TOKEN",
                        default=os.environ.get("VIDEOHELP_CONTROL_TOKEN"),
                        help="accept TOKEN on /seat as an automation seat named 'control' that "
                             "drives the cards (videohelp card take ...); "
                             "default: $VIDEOHELP_CONTROL_TOKEN")
    from videohelp.streaming.program_outputs import add_output_arguments

    add_output_arguments(parser)  # --source, --output, --record, --audio, --x264-preset


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "serve", parents=[common], help="run the console's server and pipeline headless",
        description="Run the ingest server and comment pipeline without a screen.")
    add_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir)
    setup_logging(paths.log_file, verbose=args.verbose)
    settings = Settings(paths.settings)
    try:
        return asyncio.run(serve(args, paths, settings))
    except OSError as exc:
        print(f"videohelp: cannot listen: {exc}", file=sys.stderr)
        return 1


async def serve(args: argparse.Namespace, paths: DataPaths, settings: Settings) -> int:
    from videohelp.console.wiring import ConsoleOptions, build_console
    from videohelp.core.tls import TlsError, server_tls
    from videohelp.queue.ingest import IngestConfig
    from videohelp.streaming.program_outputs import OUTPUT_ERRORS, apply_output_args

    config = IngestConfig.from_settings(settings, dict(args.ingest_token))
    for problem in config.problems():
        print(f"videohelp: warning: {problem}", file=sys.stderr)
    host = args.host or settings["server.host"]
    try:  # off loopback: wss:// or an explicit --insecure-no-tls
        tls_context, fingerprint = server_tls(args, paths.root, host)
    except TlsError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 2
    # The same console as the desk's (pipeline, triage, program, overlay /overlay, seats
    # /seat with the control token as an automation seat), without a screen.
    console = build_console(paths, settings, ConsoleOptions(
        host=args.host, port=args.port, tls=tls_context, ingest_tokens=dict(args.ingest_token),
        control_token=args.control_token, x264_preset=args.x264_preset, show_by="serve"))
    try:  # every option is checked before any output starts
        apply_output_args(args, console.outputs, settings["program.width"],
                          settings["program.height"], settings["program.fps"])
    except OUTPUT_ERRORS as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 2
    for output in console.outputs.outputs():
        print(f"videohelp: output {output.name}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    try:
        await console.start()
        print(f"videohelp: serving {console.server.url('')} (data in {paths.root})", flush=True)
        if fingerprint:
            print(f"videohelp: certificate SHA-256 {fingerprint} (seats: --fingerprint)", flush=True)
        await stop.wait()
        log.info("stopping")
    finally:
        await console.stop()
    return 0
