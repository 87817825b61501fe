"""``videohelp bridge douyin --relay ws://127.0.0.1:8888 | --listen 127.0.0.1:8899 --url … --token T``.

Runs a platform bridge until interrupted. The Douyin bridge reads a local
comment relay's JSON and delivers it to the console; both connections are
re-established with backoff when they drop, and nothing the console has not
acknowledged is forgotten while the bridge runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from videohelp.console.commands.export import nested_common
from videohelp.console.logsetup import setup_logging
from videohelp.core.paths import data_paths
from videohelp.core.token_files import add_token_arguments


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("bridge", parents=[common],
                                   help="carry a platform's comments to a console",
                                   description="Run a platform bridge until interrupted.")
    platforms = parser.add_subparsers(dest="platform", metavar="PLATFORM", required=True)
    douyin = platforms.add_parser("douyin", parents=[nested_common(common)],
                                  help="from a local Douyin comment relay (JSON over WebSocket)")
    source = douyin.add_mutually_exclusive_group(required=True)
    source.add_argument("--relay", help="a relay that serves WebSocket (BarrageGrab, "
                        "DouyinLiveWebFetcher forwarders), e.g. ws://127.0.0.1:8888")
    source.add_argument("--listen", metavar="HOST:PORT", type=_host_port,
                        help="wait for relays that connect (dycast's 转发), e.g. 127.0.0.1:8899")
    douyin.add_argument("--url", required=True,
                        help="the console, e.g. ws://127.0.0.1:8765/ingest")
    add_token_arguments(douyin, what="the console's token for douyin",
                        env=("VIDEOHELP_TOKEN", "VIDEOHELP_INGEST_TOKEN"))
    douyin.set_defaults(func=run_douyin)


def _host_port(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not HOST:PORT (e.g. 127.0.0.1:8899)")
    return host.strip("[]"), int(port)


def run_douyin(args: argparse.Namespace) -> int:
    from videohelp.queue.bridges.client import IngestClient, TokenRefused
    from videohelp.queue.bridges.douyin import DouyinBridge

    if not args.token:
        print("videohelp: a bridge token is needed: --token-file FILE or $VIDEOHELP_TOKEN",
              file=sys.stderr)
        return 2
    paths = data_paths(args.data_dir)
    setup_logging(paths.log_file, verbose=args.verbose)

    async def main() -> int:
        client = IngestClient(args.url, args.token, give_up_on_refusal=True)
        bridge = DouyinBridge(args.relay or "", client)
        client.start()
        if args.listen:
            source = f"relays connecting to ws://{args.listen[0]}:{args.listen[1]}"
            work = bridge.listen(*args.listen)
        else:
            source, work = args.relay, bridge.run()
        relay = asyncio.get_running_loop().create_task(work, name="douyin-relay")
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        print(f"videohelp: bridging {source} -> {args.url}", flush=True)
        try:
            stopping = asyncio.ensure_future(stop.wait())
            assert client.task is not None
            await asyncio.wait({stopping, relay, client.task},
                               return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            # Give the console a moment to acknowledge what is in flight.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.drain(), 5.0)
        finally:
            relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await relay
            await client.close()
        left = client.unacknowledged
        print(f"videohelp: bridge stopped: {client.acked} acknowledged, "
              f"{len(client.rejected)} rejected, {left} not acknowledged", flush=True)
        return 0 if not left else 1

    try:
        return asyncio.run(main())
    except TokenRefused as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 2
