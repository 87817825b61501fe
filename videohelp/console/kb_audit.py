"""Checks of knowledge entries against their sources and each other (pure, no I/O).

What an officer must see before an answer goes on air, and what the shipped base is
tested for:

- ``unsupported_figures``: numbers in an answer that the cited article does not hold
  (a fine quoted from the neighbouring article is the usual slip). The on-air answer is
  checked against the cited article alone; the full answer may also name other
  articles of the same regulation (``第九十九条规定……``) and take figures from them.
- ``outdated_terms``: words that were true once and are wrong on air now (Hangzhou's
  districts abolished in 2021, the vehicle-inspection cycle replaced in October 2022).
- ``near_duplicates``: two entries of different items answering alike (viewers get the
  same card under two items; one of them should say what its own item is about).
- ``conflicts``: two entries of one item whose similar questions get different figures
  (the MV29 plate-retention rules, national against Hangzhou's older ones).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from videohelp.core.regulations import chinese_number

_CN = "零〇一二两三四五六七八九十百千万"
# A Chinese numeral counts as a figure only before a unit: 一般/一次性/统一 are words.
_UNIT = r"(?:个工作日|工作日|个月|月|年|日|天|元|分钟|分|次|周岁|岁|小时|公里|倍|项|辆|米|千克|公斤|%|％)"
_FIGURE = re.compile(rf"(?<![A-Za-z\d.])(\d+(?:\.\d+)?万?)(?![A-Za-z\d])|([{_CN}]+)(?={_UNIT})")
_ANY_NUMBER = re.compile(rf"(\d+(?:\.\d+)?万?)|([{_CN}]+)")
# An article the full answer names: 第九十九条, or 《道路交通安全法》第九十一条 in another text.
_ARTICLE_MENTION = re.compile(r"(?:《([^》]+)》)?(第[零一二两三四五六七八九十百千]+条)")
# Numbers that are names, not figures: the 12123 app, emergency numbers, the 172nd
# ministry order. Years (1900-2099) are dates of the rules, not figures of them.
NOT_FIGURES = frozenset({12123.0, 110.0, 122.0, 120.0, 172.0})

# Hangzhou's 2021 redistricting abolished 下城 (into 拱墅) and 江干 (into 上城/钱塘).
ABOLISHED_DISTRICTS = ("下城", "江干")
# The 2017 inspection cycle (6 years biennial, then yearly) that October 2022 replaced
# for non-operating small cars: inspections at years 6 and 10 within ten years.
_OLD_CYCLE = re.compile(r"(超过|满)\s*[6六]\s*年[^。；]{0,6}每年")


class _Regulations(Protocol):
    regulations: dict[str, Any]

    def article(self, file: str, reference: str) -> Any: ...


def _file_titled(regulations: _Regulations, title: str | None, default: str) -> str:
    if not title:
        return default
    title = title.replace("〈", "《").replace("〉", "》")
    for file, regulation in regulations.regulations.items():
        if regulation.title == title or file.startswith(title):
            return file
    return default


def _value(digits: str | None, chinese: str | None) -> float | None:
    try:
        if digits:
            return float(digits[:-1]) * 10000 if digits.endswith("万") else float(digits)
        if chinese:
            if "万" in chinese:
                high, _, low = chinese.partition("万")
                return float((chinese_number(high) if high else 1) * 10000
                             + (chinese_number(low) if low else 0))
            return float(chinese_number(chinese))
    except ValueError:
        return None
    return None


def figures(text: str) -> set[float]:
    """The figures an answer states: 30日, 二百元, 2万, 12分 (not article numbers or codes like C6)."""
    text = re.sub(rf"第[{_CN}\d]+[条款项章]", "", text)
    found = {_value(*m.groups()) for m in _FIGURE.finditer(text)}
    return {v for v in found if v is not None and v not in NOT_FIGURES and not 1900 <= v < 2100}


def numbers(text: str) -> set[float]:
    """Every number a regulation text holds, digits or Chinese numerals."""
    found = {_value(*m.groups()) for m in _ANY_NUMBER.finditer(text)}
    return {v for v in found if v is not None}


def unsupported_figures(entry: Any, regulations: _Regulations) -> dict[str, list[float]]:
    """Figures of the on-air and full answers that the cited article(s) do not hold."""
    try:
        article = regulations.article(entry.source_file, entry.source_article)
    except (ValueError, KeyError):
        return {}  # a citation that does not resolve is check_entry's finding, not ours
    cited = numbers(article.text)
    missing: dict[str, list[float]] = {}
    short = sorted(figures(entry.short_answer) - cited)
    if short:
        missing["short_answer"] = short
    named = set(cited)
    for match in _ARTICLE_MENTION.finditer(entry.full_answer):
        file = _file_titled(regulations, match.group(1), entry.source_file)
        try:
            named |= numbers(regulations.article(file, match.group(2)).text)
        except (ValueError, KeyError):
            continue
    full = sorted(figures(entry.full_answer) - named)
    if full:
        missing["full_answer"] = full
    return missing


def outdated_terms(text: str) -> list[str]:
    """What in an on-air text is no longer true (empty if nothing)."""
    found = [f"{name} (district abolished in 2021)" for name in ABOLISHED_DISTRICTS if name in text]
    if _OLD_CYCLE.search(text):
        found.append("the pre-October-2022 inspection cycle (yearly after 6 years)")
    return found


_NOISE = re.compile(r"[\s，。；、：（）()《》〈〉“”\"',.;:!?！？0-9A-Za-z]")


def _bigrams(text: str) -> frozenset[str]:
    text = _NOISE.sub("", text)
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def similarity(a: Any, b: Any) -> float:
    """Jaccard similarity of two entries' answers (on-air and full), by character bigrams."""
    ga = _bigrams(a.short_answer + a.full_answer)
    gb = _bigrams(b.short_answer + b.full_answer)
    return len(ga & gb) / max(1, len(ga | gb))


# Measured on the shipped base (454 entries, before the audit fixes): the pairs the audit
# called near-identical score 0.58-0.79; parallel items citing one article (engine vs
# body change) score up to 0.69, so they are allowed by name in the tests, not by a
# higher threshold.
DUPLICATE_THRESHOLD = 0.58


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    score: float


def near_duplicates(entries: Sequence[Any], threshold: float = DUPLICATE_THRESHOLD) -> list[Pair]:
    """Pairs of entries filed under different items that answer alike, most alike first.

    Shared bigrams are counted through an inverted index rather than comparing every
    pair's sets: 0.9 s -> about 0.2 s for the 454 shipped entries.
    """
    grams = [_bigrams(e.short_answer + e.full_answer) for e in entries]
    postings: dict[str, list[int]] = {}
    for index, entry_grams in enumerate(grams):
        for gram in entry_grams:
            postings.setdefault(gram, []).append(index)
    pairs = []
    for i, entry_grams in enumerate(grams):
        shared: dict[int, int] = {}
        for gram in entry_grams:
            for j in postings[gram]:
                if j > i:
                    shared[j] = shared.get(j, 0) + 1
        for j, common in shared.items():
            if entries[i].item == entries[j].item:
                continue
            score = common / max(1, len(entry_grams) + len(grams[j]) - common)
            if score >= threshold:
                pairs.append(Pair(entries[i].id, entries[j].id, round(score, 2)))
    return sorted(pairs, key=lambda p: -p.score)


# Question similarity above which two answers of one item answer the same thing. The
# shipped base's closest same-item pairs with different figures score 0.26 (DL09: age 60
# vs 70, different licences), so 0.3 flags same-question pairs without those.
CONFLICT_QUESTION_SIMILARITY = 0.3
_DISAGREE = ("不一致", "矛盾", "冲突")


def _notes_disagreement(a: Any, b: Any) -> bool:
    """``a``'s note says it disagrees with ``b`` (names b's id, or b's other source)."""
    note = a.change_note
    if not any(word in note for word in _DISAGREE):
        return False
    if b.id in note:
        return True
    title = b.source_file.split("(")[0].removesuffix(".md")
    return b.source_file != a.source_file and title in note and b.source_article in note


def conflicts(entries: Iterable[Any]) -> list[Pair]:
    """Pairs of entries of one item that disagree.

    Either one says so in its change note (naming the other entry, or the other's
    regulation and article: MV29's national against Hangzhou rules), or both answer
    alike questions with different figures on air.
    """
    by_item: dict[str, list[Any]] = {}
    for entry in entries:
        by_item.setdefault(entry.item, []).append(entry)
    found = []
    for group in by_item.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if _notes_disagreement(a, b) or _notes_disagreement(b, a):
                    found.append(Pair(a.id, b.id, 1.0))
                    continue
                fa, fb = figures(a.short_answer), figures(b.short_answer)
                if not fa or not fb or fa & fb:
                    continue
                qa, qb = _bigrams("".join(a.questions)), _bigrams("".join(b.questions))
                score = len(qa & qb) / max(1, len(qa | qb))
                if score >= CONFLICT_QUESTION_SIMILARITY:
                    found.append(Pair(a.id, b.id, round(score, 2)))
    return found
