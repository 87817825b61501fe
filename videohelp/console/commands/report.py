"""``videohelp report --date YYYY-MM-DD [--to YYYY-MM-DD] --out FILE [--format html|pdf]``.

The daily review (每日复盘): the show's figures, the top questions, trends, the
follow-up list and the draft 车管资讯 script for one day or a range of days.

    videohelp report --date 2024-05-06 --out review.html
    videohelp report --date 2024-05-01 --to 2024-05-31 --out may.pdf
    videohelp report --date 2024-05-06 --followup open.xlsx --script 车管资讯.txt
    videohelp report --date 2024-01-01 --to 2024-12-31 --published

Progress goes to stderr. Exit codes: 0 done; 2 the request is wrong (bad
date, range backwards, unknown file type, nothing asked for); 1 it could not
be done (no database, a file could not be written).
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from videohelp.console.logsetup import setup_logging
from videohelp.console.reports.period import DateRange, PeriodError, parse_date
from videohelp.core.paths import data_paths
from videohelp.core.private import create_private

log = logging.getLogger(__name__)
EXIT_OK, EXIT_FAILED, EXIT_BAD_REQUEST = 0, 1, 2


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "report", parents=[common], help="the daily review: figures, top questions, follow-ups",
        description="Write the daily review (每日复盘) of one day or a range of days. "
                    "Exit codes: 0 done, 1 failed, 2 bad request.")
    parser.add_argument("--date", type=_date, required=True, metavar="YYYY-MM-DD",
                        help="the day to report on (Hangzhou time), or the first day of a range")
    parser.add_argument("--to", type=_date, metavar="YYYY-MM-DD",
                        help="the last day of the range (default: --date alone)")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the report to FILE")
    parser.add_argument("--format", choices=("html", "pdf"),
                        help="report format (default: pdf if FILE ends in .pdf, else html)")
    parser.add_argument("--followup", type=Path, metavar="FILE",
                        help="write the follow-up list (unanswered and open flagged questions) "
                             "to FILE: .csv or .xlsx")
    parser.add_argument("--script", type=Path, metavar="FILE",
                        help="write the draft 车管资讯 script to FILE as UTF-8 text")
    parser.add_argument("--published", action="store_true",
                        help="print the published-style figures (hours streamed, people served, "
                             "questions handled) for the range to stdout")
    parser.add_argument("--language", choices=("zh_CN", "en"),
                        help="the report's language (default: the console's ui.language)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(func=run)


def _fail(code: int, message: str) -> int:
    print(f"videohelp report: error: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    if args.to is not None and args.to < args.date:
        return _fail(EXIT_BAD_REQUEST, f"--to {args.to} is before --date {args.date}")
    if args.format and not args.out:
        return _fail(EXIT_BAD_REQUEST, "--format needs --out")
    if not (args.out or args.followup or args.script or args.published):
        return _fail(EXIT_BAD_REQUEST, "nothing to write: give --out, --followup, --script "
                                       "or --published")
    if args.followup and args.followup.suffix.lower() not in (".csv", ".xlsx"):
        return _fail(EXIT_BAD_REQUEST, f"--followup {args.followup}: use a .csv or .xlsx file")
    paths = data_paths(args.data_dir)
    setup_logging(paths.log_file, verbose=args.verbose)
    from videohelp.core.settings import Settings
    from videohelp.core.show_time import show_zone

    settings = Settings(paths.settings)
    # The show's day, in the show's one time zone (the clock card's): show.timezone.
    period = DateRange(args.date, args.to or args.date, show_zone(settings["show.timezone"]))
    if not paths.database.exists():
        return _fail(EXIT_FAILED, f"no database in {paths.root}: nothing to report on")

    from videohelp.console.reports.build import build_report_from
    from videohelp.console.reports.export import write_followup, write_script

    def progress(done: int, total: int, label: str) -> None:
        if not args.quiet:
            print(f"videohelp report: [{done}/{total}] {label}", file=sys.stderr, flush=True)

    try:
        report = build_report_from(paths.database, period, progress=progress)
    except Exception as exc:  # a damaged or foreign database: say so, do not trace back
        log.exception("report failed")
        return _fail(EXIT_FAILED, f"could not read {paths.database}: {exc}")
    try:
        if args.out:
            fmt = args.format or ("pdf" if args.out.suffix.lower() == ".pdf" else "html")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            from videohelp.console.reports.letterhead import Letterhead

            letterhead = Letterhead.from_settings(settings)
            language = args.language or settings["ui.language"]
            create_private(args.out)  # the day's questions and viewers: the owner's alone
            if fmt == "pdf":
                from videohelp.console.reports.render_pdf import write_pdf

                write_pdf(report, args.out, language=language, letterhead=letterhead)
            else:
                from videohelp.console.reports.render_html import render_html

                args.out.write_text(render_html(report, language=language, letterhead=letterhead),
                                    encoding="utf-8")
            print(f"videohelp report: {fmt} report written to {args.out}", file=sys.stderr)
        if args.followup:
            write_followup(report.followup, args.followup,
                           progress if len(report.followup) > 10_000 else None, period.zone)
            print(f"videohelp report: {len(report.followup)} follow-ups written to {args.followup}",
                  file=sys.stderr)
        if args.script:
            write_script(report.script, args.script)
            print(f"videohelp report: script written to {args.script}", file=sys.stderr)
    except OSError as exc:
        return _fail(EXIT_FAILED, f"could not write: {exc}")
    if args.published:
        print(report.published.text())
    log.info("report for %s written", period.label())
    return EXIT_OK
