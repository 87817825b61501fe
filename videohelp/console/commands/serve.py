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
import signal
import sys

from videohelp.console.logsetup import setup_logging
from videohelp.core.paths import DataPaths, data_paths
from videohelp.core.settings import Settings
from videohelp.core.token_files import PlatformTokenFileAction, add_token_arguments

log = logging.getLogger(__name__)


def token_argument(value: str) -> tuple[str, str]:
    """``PLATFORM=TOKEN`` -> (platform, token), for ``--ingest-token``."""
    from videohelp.core.platforms import PLATFORM_NAME

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
                             "ingest.tokens); prefer --ingest-token-file: a command line is "
                             "visible to every local user")
    parser.add_argument("--ingest-token-file", dest="ingest_token", action=PlatformTokenFileAction,
                        metavar="PLATFORM=FILE",
                        help="read PLATFORM's bridge token from FILE (repeatable; chmod 600)")
    # Seats off loopback (issue 8): wss:// with the studio's or a generated certificate.
    from videohelp.core.tls import add_tls_arguments

    add_tls_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Every option of ``serve``; later features add theirs here."""
    add_server_arguments(parser)
    parser.add_argument("--whip-port", type=int, metavar="PORT",
                        help="with --source whip: the WHIP endpoint's port (default: --port + 1)")
    add_token_arguments(parser, option="--control-token", env=("VIDEOHELP_CONTROL_TOKEN",),
                        what="a token accepted on /seat as an automation seat named 'control' "
                             "that drives the cards (videohelp card take ...)")
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
    from videohelp.console.answer_actions import answer_actions
    from videohelp.console.pocket.answer_clips import answer_clips
    from videohelp.console.wiring import ConsoleOptions, build_console
    from videohelp.core.client_limits import ClientLimits
    from videohelp.core.tls import TlsError, is_loopback, server_tls
    from videohelp.queue.answering.install import install_answers
    from videohelp.queue.ingest import IngestConfig
    from videohelp.streaming.program_outputs import OUTPUT_ERRORS, apply_output_args

    config = IngestConfig.from_settings(settings, dict(args.ingest_token))
    for problem in config.problems():
        print(f"videohelp: warning: {problem}", file=sys.stderr)
    host = args.host or settings["server.host"]
    port = settings["server.port"] if args.port is None else args.port
    try:  # off loopback: wss:// or an explicit --insecure-no-tls
        tls_context, fingerprint = server_tls(args, paths.root, host)
    except TlsError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 2
    limits = ClientLimits.from_settings(settings)
    if not limits.overlay_token and not is_loopback(host):
        print("videohelp: warning: the overlay page is open to anyone who can reach "
              f"{host}; set overlay.token (or $VIDEOHELP_OVERLAY_TOKEN) and add ?token= to "
              "the page's URL in OBS/vMix", file=sys.stderr)
    whip_source = None
    if (args.source or "").strip().lower() == "whip":  # fed by the WHIP endpoint (docs/phone.md)
        from videohelp.streaming.whip import WhipSource

        whip_source = WhipSource(settings["program.width"], settings["program.height"])
        args.source = None
    elif args.whip_port is not None:
        print("videohelp: --whip-port needs --source whip", file=sys.stderr)
        return 2
    # After a crash the same --record FILE is there already: record to a new file beside it.
    from videohelp.console.recovery import crash_pending, fresh_targets

    renamed: set[str] = set()
    if crash_pending(paths.root):
        args.record, renamed = fresh_targets(list(args.record))
    # The same console as the desk's (pipeline, triage, program, overlay /overlay, seats
    # /seat with the control token as an automation seat), without a screen.
    console = build_console(paths, settings, ConsoleOptions(
        host=args.host, port=args.port, tls=tls_context, ingest_tokens=dict(args.ingest_token),
        control_token=args.control_token, x264_preset=args.x264_preset, show_by="serve",
        limits=limits))
    # Issue 19: 24-hour answers (POST /api/v1/ask, /ask); their questions are answered or
    # passed on to the experts through the console's actions, so the seats see them.
    answers = install_answers(console.server, console.pipeline, paths, settings,
                              act=answer_actions(console.actions), ingest=console.ingest,
                              clips=answer_clips(paths.database, settings))
    try:  # every option is checked before any output starts
        apply_output_args(args, console.outputs, settings["program.width"],
                          settings["program.height"], settings["program.fps"])
    except OUTPUT_ERRORS as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 2
    console.recorder.skip |= renamed
    outputs = console.outputs
    if whip_source is not None:
        outputs.set_source(whip_source)
        outputs.source = whip_source
        console.sources.whip = whip_source  # a seat's or stream deck's ``source: whip`` cuts back
    if args.source or whip_source is not None:  # what the ``source`` action reports as "before"
        from videohelp.streaming.source_switch import describe

        console.sources.current = describe(args.source or "whip")
    for output in outputs.outputs():
        print(f"videohelp: output {output.name}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    whip = None
    try:
        await console.start()
        if answers is not None:  # builds at the first question (503 until ready)
            await answers.start(wait=False)
        print(f"videohelp: serving {console.server.url('')} (data in {paths.root})", flush=True)
        if console.recovery is not None:
            from videohelp.console.recovery import recovery_lines

            for line in recovery_lines(console.recovery):
                print(f"videohelp: {line}", flush=True)
        if whip_source is not None:
            from videohelp.console.phone_desk import start_whip

            whip_port = args.whip_port if args.whip_port is not None else (port + 1 if port else 0)
            whip = await start_whip(console.hub, whip_source, host, whip_port, tls_context)
            print(f"videohelp: WHIP at {whip.url()}", flush=True)
        if fingerprint:
            print(f"videohelp: certificate SHA-256 {fingerprint} (seats: --fingerprint)", flush=True)
        await stop.wait()
        log.info("stopping")
    finally:
        if whip is not None:
            await whip.stop()
        if answers is not None:
            await answers.stop()
        await console.stop()
    return 0
