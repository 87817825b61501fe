"""``videohelp kb``: import, export and count the knowledge base and the catalog.

    videohelp kb import FILE [--accept-good-rows] [--actor NAME] [--data-dir DIR]
    videohelp kb export FILE [--what all|knowledge|catalog] [--data-dir DIR]
    videohelp kb stats [--json] [--data-dir DIR]

The format comes from the extension (.csv or .xlsx); see docs/knowledge.md.
Exit codes: 0 done; 1 the file has bad rows (listed on stderr as FILE:LINE: reason):
nothing was changed, or with --accept-good-rows only the good rows were imported;
2 usage error or a file that cannot be used at all (missing, wrong type, wrong
columns, not UTF-8, not a workbook).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from pathlib import Path

from videohelp.console.commands.export import nested_common
from videohelp.console.logsetup import setup_logging
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings

log = logging.getLogger(__name__)

EXIT_OK, EXIT_BAD_ROWS, EXIT_UNUSABLE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "kb", parents=[common], help="import, export and count the knowledge base and the catalog",
        description="Import and export the Q&A knowledge base and the business-item catalog "
                    "as CSV (UTF-8) or Excel .xlsx. Exit codes: 0 done, 1 bad rows, "
                    "2 usage error or unusable file.")
    # Both "kb --data-dir D stats" and "kb stats --data-dir D" work: the actions take the
    # common options without defaults, so they cannot reset what "kb" was given.
    actions = parser.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    nested = nested_common(common)
    imp = actions.add_parser("import", parents=[nested], help="check a file row by row and import it")
    imp.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx")
    imp.add_argument("--accept-good-rows", action="store_true",
                     help="import the good rows even if some rows are bad (they are listed)")
    imp.add_argument("--actor", default=None,
                     help="who imports, recorded in every entry's history (default: the login name)")
    imp.set_defaults(func=run_import)
    exp = actions.add_parser("export", parents=[nested], help="write the base to a .csv or .xlsx file")
    exp.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx")
    exp.add_argument("--what", choices=("all", "knowledge", "catalog"), default=None,
                     help="what to write (default: all for .xlsx, knowledge for .csv; "
                          "a CSV holds one table)")
    exp.set_defaults(func=run_export)
    stats = actions.add_parser("stats", parents=[nested], help="count entries, reviews and airings")
    stats.add_argument("--json", action="store_true", help="print the figures as JSON")
    stats.set_defaults(func=run_stats)


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from videohelp.core.knowledge import KnowledgeBase
    from videohelp.core.regulations import load_regulations

    paths = data_paths(args.data_dir)
    setup_logging(paths.log_file, verbose=args.verbose)
    settings = Settings(paths.settings)
    regulations = load_regulations(settings["kb.regulations_dir"] or None,
                                   settings["kb.studio_regulations_dir"] or None)
    for problem in regulations.problems if regulations is not None else ():
        print(f"videohelp: studio regulation text refused: {problem}", file=sys.stderr)
    return KnowledgeBase.open(paths.database, regulations), regulations


def run_import(args: argparse.Namespace) -> int:
    from videohelp.console.kb_import import import_file
    from videohelp.core.store import StoreError

    try:
        kb, regulations = _open(args)
    except StoreError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if regulations is None:
        print("videohelp: regulation texts not found (set VIDEOHELP_REGULATIONS_DIR or the "
              "kb.regulations_dir setting): cited articles are not checked", file=sys.stderr)
    try:
        report = import_file(kb, args.file, actor=args.actor or getpass.getuser(),
                             accept_good_rows=args.accept_good_rows)
    finally:
        kb.close()
    for problem in report.problems:
        print(f"{args.file}: {problem}" if problem.line == 0 else f"{args.file}:{problem}",
              file=sys.stderr)
    if report.unreadable:
        print(f"videohelp: {args.file} cannot be imported; nothing changed", file=sys.stderr)
        return EXIT_UNUSABLE
    summary = (f"{report.rows} rows ({', '.join(report.kinds)}), {len(report.problems)} bad")
    if not report.applied:
        print(f"{summary}: nothing changed (fix the rows, or use --accept-good-rows)")
        return EXIT_BAD_ROWS
    print(f"{summary}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged")
    return EXIT_OK if report.clean else EXIT_BAD_ROWS


def run_export(args: argparse.Namespace) -> int:
    from videohelp.console.kb_import import export_file

    suffix = args.file.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        print(f"videohelp: unknown file type {suffix!r}; use .csv or .xlsx", file=sys.stderr)
        return EXIT_UNUSABLE
    what = args.what or ("all" if suffix == ".xlsx" else "knowledge")
    if suffix == ".csv" and what == "all":
        print("videohelp: a CSV file holds one table: --what knowledge or --what catalog",
              file=sys.stderr)
        return EXIT_UNUSABLE
    kinds = ("catalog", "knowledge") if what == "all" else (what,)
    kb, _regulations = _open(args)
    try:
        rows = export_file(kb, args.file, kinds)
    except OSError as exc:
        print(f"videohelp: cannot write {args.file}: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    finally:
        kb.close()
    print(f"{rows} rows ({', '.join(kinds)}) written to {args.file}")
    return EXIT_OK


def run_stats(args: argparse.Namespace) -> int:
    kb, _regulations = _open(args)
    try:
        figures = kb.stats()
    finally:
        kb.close()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"entries: {figures['entries']} for {figures['items']} items")
    for klass, count in figures["per_class"].items():
        print(f"  {klass}: {count}")
    print(f"draft: {figures['status']['draft']}, reviewed: {figures['status']['reviewed']}, "
          f"noting 公安部令第172号: {figures['amended_172']}")
    under = figures["items_under_2"]
    print(f"items with fewer than 2 entries: {', '.join(under) if under else 'none'}")
    print(f"airings: {figures['airings']}")
    for entry_id, count in figures["top_aired"]:
        print(f"  {entry_id}: {count}")
    return EXIT_OK
