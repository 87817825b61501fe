"""The client's 108 business items in 4 classes, with what the desk needs of each.

The codes and names come from ``assets/catalog/business-items.csv`` (the
client's list, codes fixed); synonyms, documents, channels and governing
articles from ``assets/catalog/details/*.json``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from videohelp.assets import asset_path

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
