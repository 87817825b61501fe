"""``videohelp export comments --data-dir DIR [--format jsonl|csv] [--output FILE]``.

Writes every stored comment: platform, id, viewer (original and masked), text
(original and masked), the platform's time, when the console stored it, and its
state. The export contains personal data (the originals): it is for the
officer, not for the screen. Reads the database without changing it, so it is
safe while a console is running.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from videohelp.console.spreadsheet import SafeDictWriter
from videohelp.core.paths import data_paths
from videohelp.core.private import open_private

FIELDS = ("id", "platform", "msg_id", "user_id", "user_name", "user_name_masked", "text",
          "text_masked", "ts_ms", "time", "received_ms", "received_time", "state", "blocked",
          "repeat_of")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("export", parents=[common], help="write stored data out",
                                   description="Write stored data to a file or stdout.")
    what = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    comments = what.add_parser("comments", parents=[nested_common(common)],
                               help="every stored comment, originals and masked forms")
    comments.add_argument("--format", choices=("jsonl", "csv"), default="jsonl",
                          help="jsonl (default): one JSON object a line; csv: with a header, "
                               "UTF-8 with BOM so spreadsheet programs read the Chinese")
    comments.add_argument("--output", "-o", type=Path, metavar="FILE",
                          help="write to FILE (default: stdout)")
    comments.set_defaults(func=run)


def nested_common(common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The common options for a sub-subcommand, without defaults of their own.

    Both levels accept them (``export --data-dir D comments`` and ``export
    comments --data-dir D``); without defaults the inner level cannot reset
    what was given to the outer one. The actions are copies: ``parents``
    shares action objects, and changing common's would change every command.
    """
    nested = argparse.ArgumentParser(add_help=False)
    for action in common._actions:
        clone = copy.copy(action)
        clone.default = argparse.SUPPRESS
        nested._add_action(clone)
    return nested


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone().isoformat(
        timespec="milliseconds")


def comment_rows(database: Path) -> Iterator[dict[str, Any]]:
    """Every comment, oldest first, as export records (read-only connection)."""
    conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        for row in conn.execute("SELECT * FROM comments ORDER BY id"):
            record = {name: value for name, value in dict(row).items() if name in FIELDS}
            record["blocked"] = bool(record["blocked"])
            record["time"] = _iso(row["ts_ms"])
            record["received_time"] = _iso(row["received_ms"])
            yield {name: record.get(name) for name in FIELDS}
    finally:
        conn.close()


def write_comments(rows: Iterator[dict[str, Any]], out: IO[str], fmt: str) -> int:
    count = 0
    if fmt == "csv":
        # Viewer text and names are never formulas when the file is opened in Excel.
        # CRLF as RFC 4180 and Excel: a field holding a lone CR is then quoted, not split.
        writer = SafeDictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    else:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def run(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir)
    if not paths.database.exists():
        print(f"videohelp: no database in {paths.root}", file=sys.stderr)
        return 1
    with ExitStack() as stack:
        if args.output is not None:
            # The BOM lets spreadsheet programs detect UTF-8 (Chinese text).
            encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
            out: IO[str] = stack.enter_context(
                open_private(args.output, "w", encoding=encoding, newline=""))
        else:
            out = sys.stdout
        try:
            count = write_comments(comment_rows(paths.database), out, args.format)
        except sqlite3.DatabaseError as exc:
            print(f"videohelp: cannot read {paths.database}: {exc}", file=sys.stderr)
            return 1
        except BrokenPipeError:  # `videohelp export comments | head`
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
            return 0
    if args.output is not None:
        print(f"videohelp: {count} comments written to {args.output}", file=sys.stderr)
    return 0
