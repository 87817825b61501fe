"""The client's 108 business items in 4 classes, with what the desk needs of each.

The codes and names come from ``assets/catalog/business-items.csv`` (the
client's list, codes fixed); synonyms, documents, channels and governing
articles from ``assets/catalog/details/*.json``.

The shipped files seed the database on first run (``CatalogStore.seed_if_empty``);
from then on the catalog is edited in the app or by import, and every change is
a new version of the item with who, when, before and after in ``catalog_history``.
Codes and classes stay the client's: an edit may change everything else.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from videohelp.assets import asset_path
from videohelp.core.store import Store

CLASSES = ("机动车", "驾驶证", "电动自行车", "线上办")
CLASS_NAMES_EN = {
    "机动车": "Motor vehicles",
    "驾驶证": "Driving licences",
    "电动自行车": "E-bikes",
    "线上办": "Online services",
}


@dataclass(frozen=True)
class Channel:
    name: str
    path: str


@dataclass(frozen=True)
class Article:
    source: str
    article: str

    @property
    def citation(self) -> str:
        """《机动车登记规定》第二十五条 style."""
        title = self.source.split("(")[0]
        return f"《{title}》{self.article}"


@dataclass(frozen=True)
class Item:
    """One business item."""

    code: str
    klass: str
    name_zh: str
    name_en: str
    synonyms: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = ()
    link: str = ""
    articles: tuple[Article, ...] = field(default_factory=tuple)


class CatalogError(ValueError):
    """The catalog files are inconsistent."""


@dataclass(frozen=True)
class Catalog:
    items: dict[str, Item]

    def __getitem__(self, code: str) -> Item:
        return self.items[code]

    def __contains__(self, code: object) -> bool:
        return code in self.items

    def __len__(self) -> int:
        return len(self.items)

    def by_class(self, klass: str) -> list[Item]:
        return [item for item in self.items.values() if item.klass == klass]


def _load_details(details_dir: Path) -> dict[str, dict]:
    details: dict[str, dict] = {}
    if not details_dir.is_dir():
        return details
    for path in sorted(details_dir.glob("*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8")):
            details[entry["code"]] = entry
    return details


def load_catalog(csv_path: Path | None = None, details_dir: Path | None = None) -> Catalog:
    """Read the catalog csv and merge the per-item details."""
    csv_path = csv_path or asset_path("catalog", "business-items.csv")
    details = _load_details(details_dir or asset_path("catalog", "details"))
    items: dict[str, Item] = {}
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["code"].strip()
            if row["class"] not in CLASSES:
                raise CatalogError(f"{code}: unknown class {row['class']!r}")
            extra = details.get(code, {})
            items[code] = Item(
                code=code,
                klass=row["class"],
                name_zh=row["name_zh"].strip(),
                name_en=row["name_en"].strip(),
                synonyms=tuple(extra.get("synonyms", ())),
                documents=tuple(extra.get("documents", ())),
                channels=tuple(Channel(c["name"], c.get("path", "")) for c in extra.get("channels", ())),
                link=extra.get("link", ""),
                articles=tuple(Article(a["source"], a["article"]) for a in extra.get("articles", ())),
            )
    unknown = set(details) - set(items)
    if unknown:
        raise CatalogError(f"details for unknown items: {sorted(unknown)}")
    return Catalog(items)


@cache
def default_catalog() -> Catalog:
    """The shipped catalog (loaded once)."""
    return load_catalog()


# -- the editable catalog in the database ----------------------------------------------------------

EDITABLE_FIELDS = ("name_zh", "name_en", "synonyms", "documents", "channels", "link", "articles")


def now_ms() -> int:
    return int(time.time() * 1000)


def item_to_dict(item: Item) -> dict[str, Any]:
    """The item as plain JSON-able data (the history's before/after)."""
    return {
        "code": item.code, "class": item.klass, "name_zh": item.name_zh, "name_en": item.name_en,
        "synonyms": list(item.synonyms), "documents": list(item.documents),
        "channels": [{"name": c.name, "path": c.path} for c in item.channels],
        "link": item.link,
        "articles": [{"source": a.source, "article": a.article} for a in item.articles],
    }


def item_from_dict(data: dict[str, Any]) -> Item:
    return Item(
        code=data["code"], klass=data["class"], name_zh=data["name_zh"], name_en=data["name_en"],
        synonyms=tuple(data.get("synonyms", ())), documents=tuple(data.get("documents", ())),
        channels=tuple(Channel(c["name"], c.get("path", "")) for c in data.get("channels", ())),
        link=data.get("link", ""),
        articles=tuple(Article(a["source"], a["article"]) for a in data.get("articles", ())),
    )


@dataclass(frozen=True)
class Change:
    """One recorded change of a catalog item or a knowledge entry."""

    version: int
    at_ms: int
    actor: str
    action: str  # seed, create, edit, review, import
    before: dict[str, Any] | None
    after: dict[str, Any]
    note: str = ""

    @property
    def changed_fields(self) -> list[str]:
        if self.before is None:
            return sorted(self.after)
        return [key for key in self.after if self.before.get(key) != self.after.get(key)]


def changes_from_rows(rows: Iterable[sqlite3.Row]) -> list[Change]:
    return [Change(row["version"], row["at_ms"], row["actor"], row["action"],
                   json.loads(row["before"]) if row["before"] else None, json.loads(row["after"]),
                   row["note"]) for row in rows]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _item_from_row(row: sqlite3.Row) -> Item:
    return item_from_dict({
        "code": row["code"], "class": row["klass"], "name_zh": row["name_zh"],
        "name_en": row["name_en"], "synonyms": json.loads(row["synonyms"]),
        "documents": json.loads(row["documents"]), "channels": json.loads(row["channels"]),
        "link": row["link"], "articles": json.loads(row["articles"]),
    })


class CatalogStore:
    """The catalog in the database: read, edit with history, seed from the shipped files.

    Methods taking ``conn`` run inside a transaction the caller holds (an import
    writes the catalog and the knowledge base in one); the others open their own.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def seed_if_empty(self, catalog: Catalog | None = None, actor: str = "shipped") -> int:
        """Load the shipped catalog into an empty database; return the items added."""
        with self.store.transaction() as conn:
            if conn.execute("SELECT 1 FROM kb_meta WHERE key = 'catalog_seeded'").fetchone():
                return 0
            catalog = catalog or default_catalog()
            for item in catalog.items.values():
                self.write_item(conn, item, actor, action="seed")
            conn.execute("INSERT INTO kb_meta (key, value) VALUES ('catalog_seeded', ?)",
                         (str(now_ms()),))
        return len(catalog)

    def catalog(self) -> Catalog:
        """The current catalog (codes in the client's order)."""
        rows = self.store.conn.execute("SELECT * FROM catalog_items ORDER BY rowid").fetchall()
        return Catalog({row["code"]: _item_from_row(row) for row in rows})

    def codes(self) -> set[str]:
        return {row[0] for row in self.store.conn.execute("SELECT code FROM catalog_items")}

    def item(self, code: str) -> Item:
        row = self.store.conn.execute("SELECT * FROM catalog_items WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise KeyError(code)
        return _item_from_row(row)

    def version(self, code: str) -> int:
        row = self.store.conn.execute("SELECT version FROM catalog_items WHERE code = ?",
                                      (code,)).fetchone()
        if row is None:
            raise KeyError(code)
        return int(row[0])

    def update_item(self, item: Item, actor: str, note: str = "") -> bool:
        """Save an edited item as its next version; False if nothing changed."""
        with self.store.transaction() as conn:
            return self.write_item(conn, item, actor, action="edit", note=note)

    def write_item(self, conn: sqlite3.Connection, item: Item, actor: str, *, action: str,
                   note: str = "") -> bool:
        """Insert (seed only) or update ``item`` and record the change; False if unchanged."""
        if not actor:
            raise CatalogError("a change needs the name of who made it")
        row = conn.execute("SELECT * FROM catalog_items WHERE code = ?", (item.code,)).fetchone()
        after = item_to_dict(item)
        values = (item.name_zh, item.name_en, _dumps(after["synonyms"]), _dumps(after["documents"]),
                  _dumps(after["channels"]), item.link, _dumps(after["articles"]))
        stamp = now_ms()
        if row is None:
            if action != "seed":
                raise CatalogError(f"unknown item code {item.code!r}: the client's codes are fixed")
            if item.klass not in CLASSES:
                raise CatalogError(f"{item.code}: unknown class {item.klass!r}")
            conn.execute(
                "INSERT INTO catalog_items (code, klass, name_zh, name_en, synonyms, documents, "
                "channels, link, articles, version, updated_by, updated_ms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                (item.code, item.klass, *values, actor, stamp))
            before, version = None, 1
        else:
            current = _item_from_row(row)
            if item.klass != current.klass:
                raise CatalogError(f"{item.code} belongs to {current.klass}; the client's classes "
                                   f"are fixed")
            if item == current:
                return False
            before, version = item_to_dict(current), row["version"] + 1
            conn.execute(
                "UPDATE catalog_items SET name_zh = ?, name_en = ?, synonyms = ?, documents = ?, "
                "channels = ?, link = ?, articles = ?, version = ?, updated_by = ?, updated_ms = ? "
                "WHERE code = ?", (*values, version, actor, stamp, item.code))
        conn.execute(
            "INSERT INTO catalog_history (code, version, at_ms, actor, action, before, after, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (item.code, version, stamp, actor, action, _dumps(before) if before else None,
             _dumps(after), note))
        return True

    def history(self, code: str) -> list[Change]:
        """Every version of the item, oldest first."""
        return changes_from_rows(self.store.conn.execute(
            "SELECT * FROM catalog_history WHERE code = ? ORDER BY id", (code,)))


def studio_catalog(conn: sqlite3.Connection) -> Catalog:
    """The catalog the studio works with: every item as stored (edits included), in the
    client's order; an item the database does not hold yet comes from the shipped files.

    The desk reads this before the knowledge base seeded the database (first run), and
    reports may run on a database without the catalog table: both get the shipped catalog.
    """
    shipped = default_catalog()
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row  # whatever factory the caller's connection uses
    try:
        rows = cursor.execute("SELECT * FROM catalog_items ORDER BY rowid").fetchall()
    except sqlite3.OperationalError:  # no catalog table (an old or foreign database)
        return shipped
    if not rows:
        return shipped
    stored = {row["code"]: _item_from_row(row) for row in rows}
    items = {code: stored.pop(code, item) for code, item in shipped.items.items()}
    items.update(stored)  # codes the shipped files lack (none, as codes are fixed) stay visible
    return Catalog(items)


def edited(item: Item, **changes: Any) -> Item:
    """``item`` with some editable fields replaced (lists become tuples)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise CatalogError(f"not editable: {sorted(unknown)} (codes and classes are fixed)")
    fixed: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value
                             for key, value in changes.items()}
    return replace(item, **fixed)


def check_item(item: Item, regulations: Any = None) -> list[str]:
    """What is wrong with an item (empty if nothing); ``regulations`` checks the articles."""
    problems = []
    if not item.name_zh.strip():
        problems.append("the Chinese name is empty")
    for channel in item.channels:
        if not channel.name.strip():
            problems.append("a channel without a name")
    for article in item.articles:
        if not article.source.strip() or not article.article.strip():
            problems.append("an article without a file or an article number")
        elif regulations is not None:
            problem = regulations.check(article.source, article.article)
            if problem:
                problems.append(problem)
    return problems
