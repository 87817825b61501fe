"""The daily review's 锦囊口袋 section: clips played, item airings against questions asked,
and the most-asked items without a clip ("clips to record next"), also noted for the editor
in the 车管资讯 script."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from videohelp.core.catalog import Catalog

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
