"""The report as a PDF a unit prints and files: the HTML's print layout, by WeasyPrint.

Why WeasyPrint rather than Qt's QTextDocument (which drew the first PDFs): the review is a
document people sign, and QTextDocument has no paged media — no running header or page
numbers, no landscape page for a wide table, no way to keep a row, a chart or a heading with
what follows from splitting — so a 0.1-hour demo day came out as 33 pages of tables wrapping
every few characters. WeasyPrint (maintained, BSD) lays out CSS paged media: the same HTML
file the report opens as, with its ``@page`` rules (A4, header, "page N of M", named landscape
pages, ``break-inside: avoid``, repeated table headers). It draws text as text in the CJK
font, so the PDF copies and searches as Chinese. The HTML references nothing outside itself;
the fetcher below refuses anything but inline data to make sure of it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from videohelp.console.reports.build import Report
from videohelp.console.reports.letterhead import Letterhead
from videohelp.console.reports.render_html import render_html


def _inline_only() -> URLFetcher:
    """A fetcher for inline data (the letterhead's logo) and nothing else."""
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def pdf_bytes(report: Report, *, language: str = "zh_CN",
              letterhead: Letterhead | None = None) -> bytes:
    """The report as PDF bytes."""
    html = render_html(report, language=language, letterhead=letterhead)
    pdf = HTML(string=html, url_fetcher=_inline_only()).write_pdf()
    assert pdf is not None  # write_pdf() without a target returns the bytes
    return pdf


def write_pdf(report: Report, path: Path | str, *, language: str = "zh_CN",
              letterhead: Letterhead | None = None) -> Path:
    """Write the report to ``path`` as an A4 PDF (private: 0600, replaced whole); return it."""
    path = Path(path)
    data = pdf_bytes(report, language=language, letterhead=letterhead)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:  # mkstemp makes it 0600
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
