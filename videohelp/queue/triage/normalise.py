"""How viewers type, folded to one form before anything is scored (pure; data in files).

In order, for every comment:

1. traditional -> simplified characters, with OpenCC's own dictionaries
   (``opencc`` on PyPI, the project's maintained binding: its ``t2s`` phrase
   and character tables, ~1.4 µs a comment);
2. NFKC (full width -> half width), lower case, collapsed spaces (``lexicon.fold``);
3. numbers in Chinese characters -> digits (``numerals.tsv``: 七十岁 -> 70岁,
   一二一二三 -> 12123; 科目一 and 一下 stay words);
4. the lexicon (``lexicon.tsv`` and every ``lexicon/*.tsv``: English words,
   pinyin initials, homophone typos, A照/B照/C照/D照, a bare 牌子; and the
   studio's own ``<data dir>/triage/lexicon/*.tsv``), leftmost-longest.

Then a comment is read as clauses (``clauses``): cut at punctuation, emoji and
spaces. A clause made only of ``fillers.txt`` phrases (greetings, praise,
thanks, filler words) is set aside; ``question-words.txt`` says which clauses
have a question's shape. Everything here is data the studio can extend.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videohelp.queue.triage.lexicon import Lexicon, LexiconError, fold

log = logging.getLogger(__name__)

# A clause ends at anything that is not a CJK ideograph, latin letter or digit
# (punctuation, emoji, spaces); "?" is kept as part of the clause before it.
_CLAUSE = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+\??")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"


def _t2s() -> Any:
    """OpenCC's traditional -> simplified converter (None when the package is missing)."""
    try:
        import opencc
    except ImportError:  # a clear log line, and simplified text still works
        log.error("opencc is not installed: traditional characters are not converted")
        return None
    return opencc.OpenCC("t2s")


def read_list(path: Path) -> list[str]:
    """Non-blank lines that are not ``#`` comments, folded."""
    if not path.exists():
        return []
    return [fold(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True)
class Numerals:
    digits: dict[str, str]
    units: tuple[str, ...]

    @classmethod
    def load(cls, path: Path) -> Numerals:
        digits: dict[str, str] = {}
        units: list[str] = []
        if path.exists():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                parts = line.split("\t")
                if parts[0] == "digit" and len(parts) >= 3 and parts[1] and parts[2].isdigit():
                    digits[parts[1]] = parts[2]
                elif parts[0] == "unit" and len(parts) >= 2 and parts[1]:
                    units.append(parts[1])
                else:
                    raise LexiconError(f"{path}:{number}: expected 'digit<TAB>字<TAB>n' "
                                       "or 'unit<TAB>word'")
        return cls(digits, tuple(sorted(units, key=len, reverse=True)))

    def _pattern(self) -> re.Pattern[str]:
        chars = re.escape("".join(self.digits)) + "十百"
        units = "|".join(re.escape(u) for u in self.units) or "(?!)"
        return re.compile(f"[{chars}]{{3,}}|[{chars}]+(?=(?:{units}))")

    def convert(self, text: str, pattern: re.Pattern[str] | None = None) -> str:
        pattern = pattern or self._pattern()
        return pattern.sub(lambda m: self._value(m.group()), text)

    def _value(self, run: str) -> str:
        if "十" not in run and "百" not in run:
            return "".join(self.digits.get(c, c) for c in run)
        total, current = 0, 0
        for char in run:
            if char == "百":
                total += (current or 1) * 100
                current = 0
            elif char == "十":
                total += (current or 1) * 10
                current = 0
            elif char in self.digits:
                current = int(self.digits[char])
        return str(total + current)


def _filler_pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        parts.append("".join(f"[{_CJK}]{{1,4}}" if p == "*" else re.escape(p)
                             for p in re.split(r"(\*)", phrase) if p))
    return re.compile("(?:" + "|".join(parts) + ")+" if parts else "(?!)")


class Normaliser:
    """Everything between a viewer's text and the features: see the module doc."""

    def __init__(self, triage_dir: Path, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.numerals = Numerals.load(triage_dir / "numerals.tsv")
        self._numerals = self.numerals._pattern()
        self._fillers = _filler_pattern(read_list(triage_dir / "fillers.txt"))
        words = read_list(triage_dir / "question-words.txt")
        self._question = re.compile("|".join(
            re.escape(w[:-1]) + r"\??(?:\s|$)" if w.endswith("$") and len(w) > 1 else re.escape(w)
            for w in words) or "(?!)")
        self._t2s = _t2s()

    def normalise(self, text: str) -> str:
        if self._t2s is not None:
            text = self._t2s.convert(text)
        return self.lexicon.replace(self.numerals.convert(fold(text), self._numerals))

    @staticmethod
    def clauses(normalised: str) -> list[str]:
        return _CLAUSE.findall(normalised)

    def is_filler(self, clause: str) -> bool:
        return self._fillers.fullmatch(clause.rstrip("?")) is not None

    def has_question_shape(self, clause: str) -> bool:
        return self._question.search(clause) is not None

    def content(self, normalised: str) -> list[str]:
        """The clauses that are not fillers (all of them when every one is)."""
        clauses = self.clauses(normalised)
        kept = [c for c in clauses if not self.is_filler(c)]
        return kept or clauses
