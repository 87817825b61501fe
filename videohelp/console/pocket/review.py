"""The daily review's 锦囊口袋 section: clips played, item airings against questions asked,
and the most-asked items without a clip ("clips to record next"), also noted for the editor
in the 车管资讯 script."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from html import escape
from typing import Any

from videohelp.console.catalog import Catalog

TO_RECORD = 5


@dataclass(frozen=True)
class ClipFigures:
    played: list[dict[str, Any]] = field(default_factory=list)  # id, title, items, airings, previews, seconds
    items: list[dict[str, Any]] = field(default_factory=list)  # item, asked, airings, clips
    to_record: list[dict[str, Any]] = field(default_factory=list)  # item, asked (no clip yet)


def clip_figures(conn: sqlite3.Connection, start_ms: int, end_ms: int, catalog: Catalog,
                 limit: int = TO_RECORD) -> ClipFigures:
    """The figures for [start_ms, end_ms) (read only); items named as ``catalog`` names them."""
    played = [dict(row) for row in conn.execute(
        "SELECT c.id, c.title, "
        " (SELECT group_concat(item, ' ') FROM pocket_clip_items WHERE clip_id = c.id) AS items,"
        " SUM(p.kind = 'air') AS airings, SUM(p.kind = 'preview') AS previews,"
        " ROUND(COALESCE(SUM(CASE WHEN p.kind = 'air' THEN p.seconds END), 0), 1) AS seconds "
        "FROM pocket_plays p JOIN pocket_clips c ON c.id = p.clip_id "
        "WHERE p.at_ms >= ? AND p.at_ms < ? GROUP BY c.id ORDER BY airings DESC, c.title",
        (start_ms, end_ms))]
    asked = dict(conn.execute(
        "SELECT item, COUNT(*) FROM comments WHERE received_ms >= ? AND received_ms < ? "
        "AND is_question = 1 AND item IS NOT NULL AND blocked = 0 AND repeat_of IS NULL "
        "GROUP BY item", (start_ms, end_ms)).fetchall())
    aired = dict(conn.execute(
        "SELECT COALESCE(p.item, (SELECT MIN(item) FROM pocket_clip_items WHERE clip_id = p.clip_id)),"
        " COUNT(*) FROM pocket_plays p WHERE p.kind = 'air' AND p.at_ms >= ? AND p.at_ms < ? "
        "GROUP BY 1", (start_ms, end_ms)).fetchall())
    clips = dict(conn.execute("SELECT item, COUNT(*) FROM pocket_clip_items GROUP BY item").fetchall())
    items = [{"item": item, "name": _name(catalog, item), "asked": asked.get(item, 0),
              "airings": aired.get(item, 0), "clips": clips.get(item, 0)}
             for item in sorted(set(asked) | set(aired), key=lambda i: (-asked.get(i, 0), i))
             if clips.get(item) or aired.get(item)]
    to_record = [{"item": item, "name": _name(catalog, item), "asked": count}
                 for item, count in sorted(asked.items(), key=lambda pair: (-pair[1], pair[0]))
                 if not clips.get(item)][:limit]
    return ClipFigures(played, items, to_record)


def _name(catalog: Catalog, code: str | None) -> str:
    if not code:
        return "—"
    return f"{code} {catalog[code].name_zh}" if code in catalog else code


def script_note(figures: ClipFigures) -> str:
    """An editor's 【】 line for the 车管资讯 script naming the clips to record next ('' if none)."""
    if not figures.to_record:
        return ""
    wanted = "、".join(f"{row['name']}（问了{row['asked']}次）"
                      for row in figures.to_record)
    return f"【锦囊口袋待录制：{wanted}——这些问得多的事项还没有讲解短片。】"


def clips_html(figures: ClipFigures) -> str:
    """The review's HTML section body (tables in the report's style)."""
    def table(headers: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{h}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        return (f'<table cellspacing="0" cellpadding="4" border="1" width="100%">'
                f"<tr>{head}</tr>{body}</table>")

    parts = ["<h3>播出的锦囊 <span class=\"en\">Clips played</span></h3>"]
    if figures.played:
        parts.append(table(["锦囊 Clip", "事项 Items", "播出 Aired", "预览 Previewed", "播出时长 s"],
                           [[escape(r["title"]), escape(r["items"] or "—"), str(r["airings"]),
                             str(r["previews"]), f"{r['seconds']:.0f}"] for r in figures.played]))
    else:
        parts.append("<p>这段时间没有播出或预览锦囊。No clips played.</p>")
    parts.append("<h3>事项：锦囊播出与提问 <span class=\"en\">Item clip airings vs times asked"
                 "</span></h3>")
    if figures.items:
        parts.append(table(["事项 Item", "提问 Asked", "锦囊播出 Clip airings", "锦囊数 Clips"],
                           [[escape(r["name"]), str(r["asked"]), str(r["airings"]),
                             str(r["clips"])] for r in figures.items]))
    else:
        parts.append("<p>—</p>")
    parts.append("<h3>待录制的锦囊 <span class=\"en\">Clips to record next: most-asked items "
                 "without a clip</span></h3>")
    if figures.to_record:
        parts.append(table(["事项 Item", "提问 Asked"],
                           [[escape(r["name"]), str(r["asked"])]
                            for r in figures.to_record]))
    else:
        parts.append("<p>问到的事项都有锦囊。Every item asked has a clip.</p>")
    return "".join(parts)
