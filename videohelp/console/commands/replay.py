"""``videohelp replay FILE.jsonl --url ws://HOST:PORT/ingest --token TOKEN [--rate N]``.

Plays a recorded comment file into a console as a bridge would, for
rehearsals and load tests. Exits 0 when every item was acknowledged, 1 when
some were rejected or unreadable (the summary says which), 2 when the console
refused the token or could not be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from videohelp.console.logsetup import setup_logging
from videohelp.core.paths import data_paths
from videohelp.core.token_files import add_token_arguments


def _positive(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return number


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "replay", parents=[common], help="play a recorded comment file into a console",
        description="Send the comments of a JSONL recording to a console's /ingest endpoint.")
    parser.add_argument("file", type=Path, metavar="FILE.jsonl",
                        help="one protocol comment (or event) per line")
    parser.add_argument("--url", required=True, help="the console, e.g. ws://127.0.0.1:8765/ingest")
    add_token_arguments(parser, what="the bridge token of the platform",
                        env=("VIDEOHELP_TOKEN", "VIDEOHELP_INGEST_TOKEN"))
    parser.add_argument("--rate", type=_positive, metavar="N",
                        help="comments per second (default: the recording's own pace)")
    parser.add_argument("--platform", help="send every item as this platform "
                                           "(must be the token's)")
    parser.add_argument("--id-prefix", default="",
                        help="prefix every id, so replaying again stores the comments again")
    parser.add_argument("--restamp", action="store_true",
                        help="stamp each comment with the current time")
    parser.add_argument("--batch", type=int, default=100, metavar="N",
                        help="items per frame when sending faster than acks return "
                             "(default 100; 1 sends single-comment frames)")
    parser.add_argument("--connect-timeout", type=_positive, default=30.0, metavar="S",
                        help="give up when the console cannot be reached for S seconds")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from videohelp.queue.bridges.client import IngestClient, TokenRefused
    from videohelp.queue.bridges.replay import ReplayOptions, replay

    if not args.token:
        print("videohelp: a bridge token is needed: --token-file FILE or $VIDEOHELP_TOKEN",
              file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"videohelp: no such file: {args.file}", file=sys.stderr)
        return 2
    paths = data_paths(args.data_dir)
    setup_logging(paths.log_file, verbose=args.verbose)
    options = ReplayOptions(rate=args.rate, platform=args.platform, id_prefix=args.id_prefix,
                            restamp=args.restamp)

    async def main() -> int:
        client = IngestClient(args.url, args.token, batch_size=max(1, args.batch),
                              give_up_on_refusal=True)
        client.start()
        try:
            await asyncio.wait_for(client.wait_connected(), args.connect_timeout)
            report = await replay(args.file, client, options)
        finally:
            await client.close()
        print(f"videohelp: {report.summary()}")
        for line in report.unreadable[:20]:
            print(f"videohelp:   {line}", file=sys.stderr)
        return 0 if report.ok else 1

    try:
        return asyncio.run(main())
    except TokenRefused as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
    except TimeoutError:
        print(f"videohelp: could not reach {args.url} within {args.connect_timeout:g} s",
              file=sys.stderr)
    return 2
