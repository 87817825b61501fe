"""What triage learns from: labelled examples drawn from the shipped knowledge.

- the catalog: each item's name (and its parts) and synonyms;
- the knowledge base: every viewer-style question variant of every entry;
- ``assets/triage/chatter.txt``: what is not a question;
- the studio's corrections (``corrections.py``), which weigh more.

The held-out evaluation set (bench/data/triage-eval.jsonl) is never read here.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from videohelp.assets import asset_path
from videohelp.core.catalog import Catalog, CatalogStore, load_catalog
from videohelp.core.knowledge import KnowledgeBase
from videohelp.core.store import Store

log = logging.getLogger(__name__)

CHATTER = "chatter"
_NAME_PARTS = re.compile(r"[：:（）()、，,／/]+")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str  # an item code, or CHATTER
    weight: float = 1.0
    source: str = ""


@dataclass(frozen=True, slots=True)
class KbEntry:
    id: str
    item: str
    questions: tuple[str, ...]
    short_answer: str
    full_answer: str = ""


@dataclass(frozen=True)
class Knowledge:
    """The shipped material triage is built from."""

    catalog: Catalog
    kb: tuple[KbEntry, ...]
    chatter: tuple[str, ...]
    lexicon_path: Path
    phrasings: tuple[tuple[str, str], ...] = ()  # (text, item): viewer-style training lines
    studio_dir: Path | None = None  # <data dir>/triage: the studio's own lexicon files
    # (text, item): a phrasing's further accepted items (``items[1:]``), taught to the
    # centroids only (``examples``), so they rank among the candidates without the
    # classifier learning to hesitate.
    also: tuple[tuple[str, str], ...] = ()

    @property
    def triage_dir(self) -> Path:
        """The shipped triage data: lexicon files, fillers, numerals, cues."""
        return self.lexicon_path.parent

    @property
    def lexicon_paths(self) -> tuple[Path, ...]:
        """Shipped ``lexicon.tsv`` and ``lexicon/*.tsv``, then the studio's (which win)."""
        paths = [self.lexicon_path, self.triage_dir / "lexicon"]
        if self.studio_dir is not None:
            paths.append(self.studio_dir / "lexicon")
        return tuple(paths)

    @classmethod
    def load(cls, assets: Path | None = None) -> Knowledge:
        """Load from the shipped assets (or an assets directory laid out the same way)."""
        root = assets or asset_path()
        catalog = load_catalog(root / "catalog" / "business-items.csv",
                               root / "catalog" / "details")
        phrasings = list(load_phrasings(root / "triage" / "examples", catalog))
        return cls(catalog, tuple(load_kb(root / "kb", catalog)),
                   tuple(read_lines(root / "triage" / "chatter.txt")),
                   root / "triage" / "lexicon.tsv",
                   tuple((text, items[0]) for text, items in phrasings),
                   also=tuple((text, code) for text, items in phrasings for code in items[1:]
                              if code != CHATTER))


    @classmethod
    def from_store(cls, store: Store, assets: Path | None = None) -> Knowledge:
        """The studio's current catalog and KB from the database (edits included);
        what the database does not have yet comes from the shipped files. The
        studio's lexicon files are ``triage/lexicon/*.tsv`` beside the database."""
        shipped = cls.load(assets)
        catalog, kb = shipped.catalog, shipped.kb
        try:
            stored = CatalogStore(store).catalog()
            if len(stored):
                catalog = stored
            entries = KnowledgeBase(store).entries()
            if entries:
                kb = tuple(KbEntry(e.id, e.item, tuple(e.questions), e.short_answer, e.full_answer)
                           for e in entries if e.item in catalog)
        except sqlite3.Error as exc:  # a database without the knowledge tables
            log.warning("triage learns from the shipped knowledge only: %s", exc)
        studio = Path(store.path).parent / "triage" if isinstance(store.path, Path) else None
        return cls(catalog, kb, shipped.chatter, shipped.lexicon_path, shipped.phrasings, studio,
                   shipped.also)


def read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def load_kb(kb_dir: Path, catalog: Catalog) -> Iterable[KbEntry]:
    """Every KB entry of a known item; a broken line is logged and skipped."""
    for path in sorted(kb_dir.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                entry = KbEntry(str(raw["id"]), str(raw["item"]),
                                tuple(str(q) for q in raw.get("questions", ())),
                                str(raw.get("short_answer", "")),
                                str(raw.get("full_answer", "")))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("%s:%d: unusable KB line (%s)", path.name, number, exc)
                continue
            if entry.item not in catalog:
                log.warning("%s:%d: KB entry %s for unknown item %s", path.name, number,
                            entry.id, entry.item)
                continue
            yield entry


def load_phrasings(examples_dir: Path, catalog: Catalog) -> Iterable[tuple[str, list[str]]]:
    """Viewer-style training lines ``{"text", "items"}``: (text, its known items, best
    first); ``[CHATTER]`` for ``"items": []``. The first item is the label.

    Written apart from the held-out evaluation set, in viewers' words (typos,
    pinyin, emoji), which the KB's tidy question variants lack.
    """
    for path in sorted(examples_dir.glob("*.jsonl")) if examples_dir.is_dir() else ():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                text, items = str(raw["text"]), [str(code) for code in raw["items"]]
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("%s:%d: unusable example (%s)", path.name, number, exc)
                continue
            if items and items[0] in catalog:
                yield text, [code for code in items if code in catalog]
            elif not items:
                yield text, [CHATTER]
            else:
                log.warning("%s:%d: example for unknown item %s", path.name, number, items[0])


def name_phrases(name_zh: str) -> list[str]:
    """新车注册登记（上牌） -> the whole name, 新车注册登记, 上牌."""
    parts = [p for p in _NAME_PARTS.split(name_zh) if len(p) >= 2]
    return [name_zh, *parts] if len(parts) > 1 else [name_zh]


# How viewers wrap an item's name into a question; with the catalog's synonyms
# these make extra (weaker) examples, so a short question that names an item
# reads as a question about it rather than as chatter.
TEMPLATES = ("{}怎么办", "{}要带什么材料", "{}去哪里办", "{}要多久", "请问{}", "{}能网上办吗")


def examples(knowledge: Knowledge, answer_weight: float = 0.0,
             template_weight: float = 0.0, also_weight: float = 0.0) -> list[Example]:
    """The labelled examples from catalog, KB and chatter list (no corrections).

    With ``answer_weight`` > 0 the KB's answers count too, as weaker examples:
    they are in the officers' words, not the viewers', but they name the
    item's own terms. With ``also_weight`` > 0 a phrasing's further accepted
    items get it as examples of source ``"also"``, which only the centroids
    learn from (``model.LinearModel.train``).
    """
    found: list[Example] = []
    for item in knowledge.catalog.items.values():
        for phrase in name_phrases(item.name_zh):
            found.append(Example(phrase, item.code, 1.0, "name"))
        for synonym in item.synonyms:
            found.append(Example(synonym, item.code, 1.0, "synonym"))
        if template_weight > 0:
            for term in item.synonyms:
                for template in TEMPLATES:
                    found.append(Example(template.format(term), item.code, template_weight,
                                         "template"))
    for entry in knowledge.kb:
        for question in entry.questions:
            found.append(Example(question, entry.item, 1.0, "kb"))
        if answer_weight > 0:
            for answer in (entry.short_answer, entry.full_answer):
                if answer:
                    found.append(Example(answer, entry.item, answer_weight, "answer"))
    for text, label in knowledge.phrasings:
        found.append(Example(text, label, 1.0, "phrasing"))
    for line in knowledge.chatter:
        found.append(Example(line, CHATTER, 1.0, "chatter"))
    if also_weight > 0:
        found.extend(Example(text, label, also_weight, "also") for text, label in knowledge.also)
    return without_conflicts(found)


def without_conflicts(found: list[Example]) -> list[Example]:
    """Drop every example whose wording is taught for two items (issue 16).

    A KB variant or phrasing filed under two items (the same words for 补领
    and 换领, say) only teaches the model to hesitate between them; the
    catalog's own names and synonyms stay.
    """
    labels: dict[str, set[str]] = {}
    for example in found:
        if example.source == "also":
            continue  # a second accepted item on purpose, for the centroids only
        labels.setdefault(example.text.strip().lower(), set()).add(example.label)
    conflicted = {text for text, seen in labels.items() if len(seen) > 1}
    if not conflicted:
        return found
    kept = [e for e in found if e.source in ("name", "synonym", "also")
            or e.text.strip().lower() not in conflicted]
    log.info("triage: %d examples dropped, their wording is taught for two items",
             len(found) - len(kept))
    return kept


def extra_words(knowledge: Knowledge, canonical_terms: Iterable[str]) -> set[str]:
    """Words the segmenter must keep whole: lexicon terms, synonyms, name parts."""
    words = {term for term in canonical_terms}
    for item in knowledge.catalog.items.values():
        words.update(p for p in name_phrases(item.name_zh) if len(p) <= 6)
        words.update(s for s in item.synonyms if len(s) <= 4)
    return {w.lower() for w in words}
