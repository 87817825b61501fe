"""``videohelp pocket``: the 锦囊口袋 explainer-clip library.

    videohelp pocket add PATH... [--item CODE]... [--title T] [--tag T]... [--presenter P]
                                 [--reviewed] [--link URL] [--copy] [--accept-good-rows]
    videohelp pocket import SHEET [--copy] [--accept-good-rows] | --examples
    videohelp pocket export SHEET
    videohelp pocket list [--item CODE] [--search WORDS] [--json]
    videohelp pocket check
    videohelp pocket publish DIR [--beacon URL] [--sizes 720,360]

PATH is a video file or a folder (its video files, subfolders too). Every file
is probed first; exit codes as ``kb import``: 0 done; 1 bad rows or files
(listed on stderr): nothing was added, or with --accept-good-rows only the good
ones; 2 usage error or an unusable sheet. ``check`` exits 1 if a clip's file is
missing or changed. See docs/pocket.md.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from pathlib import Path

from videohelp.console.commands.export import nested_common
from videohelp.console.logsetup import setup_logging
from videohelp.core.paths import data_paths

EXIT_OK, EXIT_BAD_ROWS, EXIT_UNUSABLE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "pocket", parents=[common], help="the 锦囊口袋 explainer-clip library",
        description="Add, import, export, list and check the explainer clips, and publish "
                    "them as a static site. Exit codes: 0 done, 1 bad rows or files, "
                    "2 usage error or unusable sheet.")
    actions = parser.add_subparsers(dest="pocket_command", metavar="ACTION", required=True)
    nested = nested_common(common)
    add = actions.add_parser("add", parents=[nested], help="add clip files or folders")
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="video file or folder")
    add.add_argument("--item", action="append", default=[], metavar="CODE",
                     help="business item the clip explains (repeatable)")
    add.add_argument("--title", help="title (default: the file name); one file only")
    add.add_argument("--tag", action="append", default=[], help="search word (repeatable)")
    add.add_argument("--presenter", default="")
    add.add_argument("--reviewed", action="store_true", help="mark the clips reviewed")
    add.add_argument("--link", default="", help="the clip's own 一键办理 link")
    _import_options(add)
    add.set_defaults(func=run_add)
    imp = actions.add_parser("import", parents=[nested], help="add or update clips from a sheet")
    imp.add_argument("file", type=Path, metavar="SHEET", nargs="?", help=".csv or .xlsx")
    imp.add_argument("--examples", action="store_true",
                     help="import the shipped example clips (copied into the data directory)")
    _import_options(imp)
    imp.set_defaults(func=run_import)
    exp = actions.add_parser("export", parents=[nested], help="write the library as a sheet")
    exp.add_argument("file", type=Path, metavar="SHEET", help=".csv or .xlsx")
    exp.set_defaults(func=run_export)
    lst = actions.add_parser("list", parents=[nested], help="list the clips")
    lst.add_argument("--item", metavar="CODE", help="only the clips of this item")
    lst.add_argument("--search", metavar="WORDS", help="only clips matching these words")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=run_list)
    chk = actions.add_parser("check", parents=[nested], help="report missing or changed files")
    chk.set_defaults(func=run_check)
    pub = actions.add_parser("publish", parents=[nested],
                             help="write the static 点播检索 site for viewers into DIR")
    pub.add_argument("dir", type=Path, metavar="DIR")
    pub.add_argument("--beacon", default="", metavar="URL",
                     help="send play counts to URL (off by default; see docs/pocket.md)")
    pub.add_argument("--sizes", default="720,360",
                     help="video heights to transcode to, comma-separated (default 720,360)")
    pub.set_defaults(func=run_publish)


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--copy", action="store_true",
                        help="copy the files into the data directory instead of referencing them")
    parser.add_argument("--accept-good-rows", action="store_true",
                        help="add the good clips even if some are bad (they are listed)")
    parser.add_argument("--actor", default=None, help="who adds (default: the login name)")


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from videohelp.console.pocket.library import ClipLibrary
    from videohelp.core.knowledge import KnowledgeBase

    paths = data_paths(args.data_dir)
    setup_logging(paths.log_file, verbose=args.verbose)
    kb = KnowledgeBase.open(paths.database)  # seeds the catalog on a fresh database
    return ClipLibrary(kb.store, paths.root), kb, paths


def _codes(kb) -> set[str]:  # type: ignore[no-untyped-def]
    return kb.catalog_store.codes()


def _print_problems(where: str, problems) -> None:  # type: ignore[no-untyped-def]
    for problem in problems:
        print(f"{where}: {problem}" if problem.line == 0 else f"{where}:{problem}", file=sys.stderr)


def run_add(args: argparse.Namespace) -> int:
    from videohelp.console.pocket.library import ClipSpec
    from videohelp.console.pocket.probe import video_files

    files: list[Path] = []
    for path in args.paths:
        files += video_files(path) if path.is_dir() else [path]
    if not files:
        print("videohelp: no video files found", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.title and len(files) > 1:
        print("videohelp: --title names one file; use a sheet for many", file=sys.stderr)
        return EXIT_UNUSABLE
    items = tuple(code.upper() for code in args.item)
    specs = [ClipSpec(file=f, title=args.title or f.stem, items=items, tags=tuple(args.tag),
                      presenter=args.presenter, status="reviewed" if args.reviewed else "draft",
                      link=args.link) for f in files]
    library, kb, _paths = _open(args)
    started = time.monotonic()
    try:
        report = library.add(specs, _codes(kb), actor=args.actor or getpass.getuser(),
                             copy=args.copy, accept_good_rows=args.accept_good_rows)
    finally:
        kb.close()
    _print_problems("pocket add", report.problems)
    summary = f"{report.checked} files, {len(report.problems)} bad"
    if not report.applied:
        print(f"{summary}: nothing added (fix them, or use --accept-good-rows)")
        return EXIT_BAD_ROWS
    print(f"{summary}: {len(report.added)} added, {len(report.updated)} updated "
          f"in {time.monotonic() - started:.1f} s")
    return EXIT_OK if report.clean else EXIT_BAD_ROWS


def run_import(args: argparse.Namespace) -> int:
    from videohelp.assets import asset_path
    from videohelp.console.pocket.air import EXAMPLES_SHEET
    from videohelp.console.pocket.sheet import import_sheet

    if args.examples == (args.file is not None):
        print("videohelp: give a SHEET or --examples", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.examples:
        args.file, args.copy = asset_path(*EXAMPLES_SHEET), True
    library, kb, _paths = _open(args)
    try:
        report = import_sheet(library, args.file, _codes(kb), actor=args.actor or getpass.getuser(),
                              copy=args.copy, accept_good_rows=args.accept_good_rows)
    finally:
        kb.close()
    _print_problems(str(args.file), report.problems)
    if report.unreadable:
        print(f"videohelp: {args.file} cannot be imported; nothing changed", file=sys.stderr)
        return EXIT_UNUSABLE
    summary = f"{report.rows} rows, {len(report.problems)} bad"
    if not report.applied:
        print(f"{summary}: nothing changed (fix the rows, or use --accept-good-rows)")
        return EXIT_BAD_ROWS
    print(f"{summary}: {report.added} added, {report.updated} updated")
    return EXIT_OK if report.clean else EXIT_BAD_ROWS


def run_export(args: argparse.Namespace) -> int:
    from videohelp.console.pocket.sheet import export_sheet

    library, kb, _paths = _open(args)
    try:
        rows = export_sheet(library, args.file)
    except (ValueError, OSError) as exc:
        print(f"videohelp: cannot write {args.file}: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    finally:
        kb.close()
    print(f"{rows} clips written to {args.file}")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    library, kb, _paths = _open(args)
    try:
        if args.search:
            catalog = kb.catalog_store.catalog()
            names = {code: " ".join((item.name_zh, *item.synonyms))
                     for code, item in catalog.items.items()}
            clips = library.search(args.search, names)
        else:
            clips = library.clips(args.item.upper() if args.item else None)
    finally:
        kb.close()
    if args.json:
        print(json.dumps([clip.to_dict() for clip in clips], ensure_ascii=False, indent=2))
        return EXIT_OK
    for clip in clips:
        sound = "" if clip.audio_codec else "  (no sound)"
        print(f"{clip.id:4d}  {clip.duration_s:6.1f} s  {clip.status:8s}  "
              f"{' '.join(clip.items) or '-':10s}  {clip.title}  "
              f"[aired {clip.plays}, previewed {clip.previews}]{sound}")
    print(f"{len(clips)} clips")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    library, kb, _paths = _open(args)
    try:
        clips = library.clips()
        problems = library.check()
    finally:
        kb.close()
    for clip, reason in problems:
        print(f"clip {clip.id} {clip.title}: {reason}", file=sys.stderr)
    print(f"{len(clips)} clips, {len(problems)} with a problem")
    return EXIT_BAD_ROWS if problems else EXIT_OK


def run_publish(args: argparse.Namespace) -> int:
    from videohelp.console.pocket.publish import PublishError, publish

    try:
        sizes = tuple(sorted({int(size) for size in args.sizes.split(",") if size.strip()},
                             reverse=True))
    except ValueError:
        print(f"videohelp: --sizes takes heights such as 720,360, not {args.sizes!r}",
              file=sys.stderr)
        return EXIT_UNUSABLE
    library, kb, _paths = _open(args)
    try:
        result = publish(kb, library, args.dir, beacon=args.beacon, sizes=sizes or (720,),
                         progress=lambda text: print(text, flush=True))
    except PublishError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    finally:
        kb.close()
    print(f"published {result.items} items, {result.clips} clips "
          f"({result.clip_seconds:.0f} s of video) to {args.dir} in {result.seconds:.1f} s; "
          f"page {result.page_bytes / 1024:.0f} KB")
    for skipped in result.skipped:
        print(f"skipped: {skipped}", file=sys.stderr)
    return EXIT_OK

