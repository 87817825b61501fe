"""The knowledge base's Chinese full-text search, as SQL (pure: no I/O).

``kb_fts`` (migration 0002) is an FTS5 table with the trigram tokenizer over each
entry's questions, answers and its item's name and synonyms, kept current by
triggers. Trigrams need no word segmenter, but they match only words of three
characters or more; shorter ones (驾照, 过户, 车) use LIKE on the same columns,
which is a scan of a few thousand short rows and takes about a millisecond.
"""

from __future__ import annotations

import re

# bm25 weights of the kb_fts columns: questions, answers, item_terms.
WEIGHTS = (4.0, 1.0, 2.0)


def search_terms(query: str) -> list[str]:
    """The words of a search: split on spaces, punctuation and ``_`` (so no LIKE wildcards)."""
    return [term for term in re.split(r"[\s\W_]+", query) if term]


def search_sql(query: str, *, item: str | None = None, klass: str | None = None,
               limit: int = 200) -> tuple[str, list[object]] | None:
    """SQL and parameters selecting the ``kb_entries`` rows matching every word of
    ``query``, best first; None for a query without words."""
    terms = search_terms(query)
    if not terms:
        return None
    long_terms = [t for t in terms if len(t) >= 3]
    short_terms = [t for t in terms if len(t) < 3]
    where: list[str] = []
    params: list[object] = []
    order: list[str] = []
    order_params: list[object] = []
    if long_terms:
        where.append("kb_fts MATCH ?")
        params.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
        order.append("bm25(kb_fts, {}, {}, {})".format(*WEIGHTS))
    for term in short_terms:
        pattern = f"%{term}%"  # terms hold no % or _: search_terms split on them
        where.append("(f.questions LIKE ? OR f.answers LIKE ? OR f.item_terms LIKE ?)")
        params += [pattern] * 3
        order += ["(f.questions LIKE ?) DESC", "(f.item_terms LIKE ?) DESC"]
        order_params += [pattern] * 2
    if item:
        where.append("e.item = ?")
        params.append(item)
    elif klass:
        where.append("e.item IN (SELECT code FROM catalog_items WHERE klass = ?)")
        params.append(klass)
    sql = ("SELECT e.* FROM kb_fts f JOIN kb_entries e ON e.pk = f.rowid WHERE "
           + " AND ".join(where) + " ORDER BY " + ", ".join([*order, "e.id"]) + " LIMIT ?")
    return sql, [*params, *order_params, limit]
