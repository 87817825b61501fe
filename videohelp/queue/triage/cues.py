"""Online versus counter, car versus e-bike, where the words say so (pure; data in files).

``cues.tsv`` lists words by kind (online, counter, ebike, car); ``pairs.tsv``
pairs a special item with the general one it mirrors (OL15 二手车网上预约 with
MV02 二手车过户, EB06 with MV19) and names the cue kind of each. A comment
without a cue of the special item's kind has that item's score lowered
(二手车过户 is MV02, 号牌褪色 is MV19); one with only the special kind's cue
has the general item's lowered. Both kinds, or neither pair: no change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from videohelp.queue.triage.lexicon import LexiconError, fold


@dataclass(frozen=True)
class Pair:
    special: str
    general: str
    special_kind: str
    general_kind: str


class Cues:
    def __init__(self, words: dict[str, list[str]], pairs: list[Pair],
                 classes: list[str], penalty: float) -> None:
        self.kinds = sorted(words)
        self._patterns = {kind: re.compile("|".join(re.escape(w) for w in sorted(
            set(found), key=len, reverse=True))) for kind, found in words.items() if found}
        index = {label: i for i, label in enumerate(classes)}
        self.pairs = [p for p in pairs if p.special in index and p.general in index]
        self._index = index
        self.penalty = penalty
        self._vectors: dict[frozenset[str], np.ndarray] = {}

    @classmethod
    def load(cls, triage_dir: Path, classes: list[str], penalty: float) -> Cues:
        words: dict[str, list[str]] = {}
        pairs: list[Pair] = []
        for name, width in (("cues.tsv", 2), ("pairs.tsv", 4)):
            path = triage_dir / name
            if not path.exists():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                parts = [p.strip() for p in line.split("\t")]
                if len(parts) != width or not all(parts):
                    raise LexiconError(f"{path}:{number}: expected {width} tab-separated fields")
                if width == 2:
                    words.setdefault(parts[0], []).append(fold(parts[1]))
                else:
                    pairs.append(Pair(*parts))
        return cls(words, pairs, classes, penalty)

    def kinds_in(self, normalised: str) -> frozenset[str]:
        return frozenset(kind for kind, pattern in self._patterns.items()
                         if pattern.search(normalised))

    def _vector(self, kinds: frozenset[str]) -> np.ndarray:
        found = self._vectors.get(kinds)
        if found is None:
            found = np.zeros(len(self._index), dtype=np.float32)
            lowered: set[str] = set()
            for pair in self.pairs:
                has_special, has_general = pair.special_kind in kinds, pair.general_kind in kinds
                if not has_special:
                    lowered.add(pair.special)
                elif not has_general:
                    lowered.add(pair.general)
            for label in lowered:
                found[self._index[label]] = -self.penalty
            self._vectors[kinds] = found
        return found

    def apply(self, scores: np.ndarray, normalised: list[str]) -> None:
        """Lower the scores the words argue against (in place)."""
        if not self.pairs or not self.penalty:
            return
        for row, text in enumerate(normalised):
            scores[row] += self._vector(self.kinds_in(text))
