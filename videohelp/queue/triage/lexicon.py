"""Viewer wordings folded to the catalog's terms (pure).

``assets/triage/lexicon.tsv`` maps what viewers type (驾照, 电瓶车, jsz, 科2,
年捡) to one canonical term (驾驶证, 电动自行车, 科目二, 年检). Matching is
leftmost-longest, so 驾照类型 becomes 准驾车型 rather than 驾驶证类型, and a
variant that begins or ends with a latin letter or digit only matches where
that end is not glued to more letters or digits: ``c1`` is C1 in "c1能开皮卡吗"
but nothing inside "abc123", ``12312`` is a typo of 12123 but not inside a phone
number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from videohelp.queue.normalize import normalize_text


def fold(text: str) -> str:
    """NFKC, lower case, collapsed spaces: the form every lookup works on."""
    return normalize_text(text).lower()


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


class LexiconError(ValueError):
    """A lexicon line cannot be used."""


def lexicon_files(*paths: Path) -> list[Path]:
    """The files of ``paths``: a file as is, a directory's ``*.tsv`` sorted; missing ones skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.tsv")))
        elif path.exists():
            found.append(path)
    return found


def read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise LexiconError(f"{path}:{number}: expected 'variant<TAB>canonical'")
        pairs.append((parts[0].strip(), parts[1].strip()))
    return pairs


@dataclass(frozen=True)
class Lexicon:
    """Variant -> canonical mapping with leftmost-longest replacement."""

    mapping: dict[str, str]

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> Lexicon:
        """Later pairs win; a canonical that is itself a variant is followed
        (架照 -> 驾照 -> 驾驶证), so files may name the everyday word."""
        mapping: dict[str, str] = {}
        for variant, canonical in pairs:
            key, value = fold(variant), fold(canonical)
            if key and value and key != value:
                mapping[key] = value
        for key, value in list(mapping.items()):
            seen = {key}
            while value in mapping and value not in seen:
                seen.add(value)
                value = mapping[value]
            mapping[key] = value
        return cls({k: v for k, v in mapping.items() if k != v})

    @classmethod
    def load(cls, *paths: Path) -> Lexicon:
        """Read ``variant<TAB>canonical`` lines of every file (a directory: its
        ``*.tsv`` files, in name order); blank lines and ``#`` comments are skipped."""
        pairs: list[tuple[str, str]] = []
        for path in lexicon_files(*paths):
            pairs.extend(read_pairs(path))
        return cls.from_pairs(pairs)

    @property
    def canonical_terms(self) -> set[str]:
        return set(self.mapping.values())

    @property
    def max_len(self) -> int:
        return max(map(len, self.mapping), default=0)

    def normalize(self, text: str) -> str:
        """Fold ``text`` and replace every variant, leftmost-longest, left to right."""
        return self.replace(fold(text))

    def replace(self, text: str) -> str:
        """Replace every variant in already folded ``text``, leftmost-longest."""
        mapping, sizes = self.mapping, self._sizes
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            char = text[i]
            candidates = sizes.get(char)
            # A match may not start inside a latin/digit run.
            if candidates is not None and not (i > 0 and _is_word_char(text[i - 1])
                                               and _is_word_char(char)):
                for size in candidates:  # longest first
                    end = i + size
                    if end > n:
                        continue
                    canonical = mapping.get(text[i:end])
                    if canonical is None:
                        continue
                    if end < n and _is_word_char(text[end - 1]) and _is_word_char(text[end]):
                        continue  # would cut a latin/digit run in two
                    out.append(canonical)
                    i = end
                    break
                else:
                    i = self._glued(text, i, out)
                continue
            out.append(char)
            i += 1
        return "".join(out)

    def _glued(self, text: str, i: int, out: list[str]) -> int:
        """At a latin run no variant matches whole: if the run is made entirely of latin
        variants glued together (jztj, escgh, ddcxsz), replace each; else keep the
        character. Returns where to go on."""
        if not _is_word_char(text[i]) or (i > 0 and _is_word_char(text[i - 1])):
            out.append(text[i])
            return i + 1
        end = i
        while end < len(text) and _is_word_char(text[end]):
            end += 1
        parts = self._split(text[i:end])
        if parts is None:
            out.append(text[i])
            return i + 1
        out.extend(self.mapping[part] for part in parts)
        return end

    def _split(self, run: str) -> list[str] | None:
        """``run`` as two or more latin variants (fewest parts), or None."""
        if len(run) > 24 or len(run) < 4:
            return None
        best: list[list[str] | None] = [None] * (len(run) + 1)
        best[0] = []
        for start in range(len(run)):
            done = best[start]
            if done is None:
                continue
            for size in self._sizes.get(run[start], ()):
                part = run[start:start + size]
                if len(part) == size and part in self.mapping:
                    found = best[start + size]
                    if found is None or len(found) > len(done) + 1:
                        best[start + size] = [*done, part]
        parts = best[len(run)]
        return parts if parts is not None and len(parts) >= 2 else None

    @cached_property
    def _sizes(self) -> dict[str, tuple[int, ...]]:
        """First character -> the lengths of the variants starting with it, longest first:
        only those are looked up (a few instead of every length up to the longest)."""
        found: dict[str, set[int]] = {}
        for variant in self.mapping:
            found.setdefault(variant[0], set()).add(len(variant))
        return {char: tuple(sorted(lengths, reverse=True)) for char, lengths in found.items()}
