#!/usr/bin/env python3
"""Triage development figures, for choosing changes WITHOUT the held-out set.

    .venv/bin/python bench/triage_dev.py                 # k-fold over the phrasings + dev file
    .venv/bin/python bench/triage_dev.py --confusions 30 # and the most frequent confusions
    .venv/bin/python bench/triage_dev.py --set ngram_max=3 --set model.centroid_weight=2
    .venv/bin/python bench/triage_dev.py --config "" --config "model.seeds=3"  # compare, same folds
    .venv/bin/python bench/triage_dev.py --kb-cv          # and bench/triage.py --cv's folds

Two development sets, neither of them bench/data/triage-eval.jsonl (which is
only scored at the end, by bench/triage.py):

- k-fold over the viewer-style phrasings (assets/triage/examples/*.jsonl):
  each fold's phrasings are left out of training (the catalog, KB and the
  other folds stay) and scored; a phrasing file can be kept out of the folds
  and always trained on with ``--train-only`` (to measure what new phrasings
  add without changing the folds);
- bench/data/triage-dev.jsonl: questions written for development from the
  catalog and the regulation texts, apart from the held-out set, never trained
  on (the package never reads bench/).

Figures as bench/triage.py: top-1 / top-3 over questions (a question judged
chatter is wrong), chatter vs question over all lines.
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from triage import cross_validate, memoise_features, read_set, with_settings  # noqa: E402

from videohelp.queue.triage.corpus import CHATTER, Knowledge, extra_words  # noqa: E402
from videohelp.queue.triage.engine import EngineParams, TriageEngine  # noqa: E402
from videohelp.queue.triage.lexicon import Lexicon  # noqa: E402
from videohelp.queue.triage.segment import Segmenter  # noqa: E402

DEV = REPO / "bench" / "data" / "triage-dev.jsonl"


class Tally:
    def __init__(self) -> None:
        self.questions = self.top1 = self.top3 = self.lines = self.chatter_ok = 0
        self.confusions: Counter[tuple[str, str]] = Counter()
        self.misses: Counter[str] = Counter()
        self.seen: Counter[str] = Counter()
        self.wrong: list[tuple[str, str, str]] = []  # (gold, filed, text)

    def add(self, decisions, labelled) -> None:
        for decision, (_, gold) in zip(decisions, labelled, strict=True):
            self.lines += 1
            self.chatter_ok += decision.is_question == bool(gold)
            if not gold:
                if decision.is_question:
                    self.confusions[(CHATTER, decision.item)] += 1
                continue
            self.questions += 1
            self.seen[gold[0]] += 1
            right = decision.is_question and decision.item in gold
            self.top1 += right
            self.top3 += decision.is_question and any(c.item in gold for c in decision.candidates)
            if not right:
                self.misses[gold[0]] += 1
                self.confusions[(gold[0], decision.item or CHATTER)] += 1
                self.wrong.append((gold[0], decision.item or CHATTER, decision.text))

    def line(self, name: str) -> str:
        q = max(self.questions, 1)
        return (f"{name:<16} {self.lines:>5} lines {self.questions:>5} q  top-1 {self.top1 / q:6.1%}"
                f"  top-3 {self.top3 / q:6.1%}  chatter {self.chatter_ok / max(self.lines, 1):6.1%}")


def evaluate(knowledge: Knowledge, segmenter: Segmenter, pool: list, params: EngineParams,
             folds: int, only_folds: int = 0) -> tuple[Tally, Tally]:
    """(k-fold over the phrasings, the dev file) for one setting."""
    cv = Tally()
    for fold in range(only_folds or folds):
        held = [(t, g) for t, g in pool if zlib.crc32(t.encode()) % folds == fold]
        engine = TriageEngine(knowledge, segmenter, params=params,
                              exclude_texts=frozenset(t for t, _ in held))
        cv.add(engine.classify([t for t, _ in held]), held)
    dev = Tally()
    if DEV.exists():
        labelled = read_set(DEV)
        engine = TriageEngine(knowledge, segmenter, params=params)
        dev.add(engine.classify([t for t, _ in labelled]), labelled)
    return cv, dev


def perturbed_dev(knowledge: Knowledge, segmenter: Segmenter, params: EngineParams,
                  name: str) -> None:
    """The dev file through each perturbation row: top-1 and question recall."""
    import triage_perturb

    engine = TriageEngine(knowledge, segmenter, params=params)
    labelled = read_set(DEV)
    cells = []
    for row in triage_perturb.ROWS:
        lines = triage_perturb.perturbed(labelled, row)
        tally = Tally()
        tally.add(engine.classify([t for t, _, _ in lines]), [(t, g) for t, g, _ in lines])
        q = max(tally.questions, 1)
        recall = tally.questions - sum(n for (g, f), n in tally.confusions.items()
                                       if f == CHATTER and g != CHATTER)
        cells.append(f"{row} {tally.top1 / q:.1%}/{recall / q:.1%}")
    print(f"dev perturbed (top-1/recall) [{name or 'defaults'}]: " + ", ".join(cells), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only-folds", type=int, default=0, help="score only the first N folds")
    parser.add_argument("--set", action="append", default=[], help="an EngineParams override")
    parser.add_argument("--train-only", action="append", default=[],
                        help="a phrasing file name always trained on, never scored")
    parser.add_argument("--config", action="append", default=[],
                        help="settings (space-separated) scored in turn on the same folds, "
                        "after the --set ones; repeat to compare several in one run")
    parser.add_argument("--kb-cv", action="store_true",
                        help="also bench/triage.py --cv (5-fold over KB variants + chatter)")
    parser.add_argument("--perturbed", action="store_true",
                        help="only the dev file changed as viewers write (bench/triage_perturb.py "
                        "rows), per setting: choose settings that keep those rows on dev lines")
    parser.add_argument("--confusions", type=int, default=0)
    parser.add_argument("--misses", default="", help="print the missed lines of these items "
                        "(comma-separated; development lines only)")
    args = parser.parse_args()
    params = with_settings(EngineParams(), args.set)
    knowledge = Knowledge.load()
    root = REPO / "videohelp" / "assets" / "triage" / "examples"
    train_only: set[str] = set()
    for name in args.train_only:
        train_only |= {t for t, _ in read_set(root / name)}
    # Every accepted item of a phrasing counts (the package trains on the first only).
    pool = [(t, g) for path in sorted(root.glob("*.jsonl")) for t, g in read_set(path)
            if t not in train_only]
    segmenter = Segmenter(extra_words(knowledge, Lexicon.load(*knowledge.lexicon_paths)
                                      .canonical_terms))
    memoise_features()
    configs = args.config or [""]
    if args.perturbed:
        for config in configs:
            perturbed_dev(knowledge, segmenter, with_settings(params, config.split()), config)
        return 0
    for config in configs:
        settings = [*args.set, *config.split()]
        cpu = time.process_time()
        cv, dev = evaluate(knowledge, segmenter, pool, with_settings(params, config.split()),
                           args.folds, args.only_folds)
        print(cv.line(f"{args.folds}-fold phrasings"))
        if dev.lines:
            print(dev.line("dev file"))
        if args.kb_cv:
            cross_validate(knowledge, params=with_settings(params, config.split()),
                           segmenter=segmenter)
        print(f"({time.process_time() - cpu:.0f} s CPU; {' '.join(settings) or 'defaults'})",
              flush=True)
    if args.confusions:
        both = cv.confusions + dev.confusions
        print("most frequent confusions (gold -> filed), k-fold + dev:")
        for (gold, filed), count in both.most_common(args.confusions):
            print(f"  {gold:>7} -> {filed:<7} {count}")
        seen = cv.seen + dev.seen
        misses = cv.misses + dev.misses
        weak = sorted(seen, key=lambda item: -misses[item] / seen[item])[:args.confusions]
        print("weakest items (misses / lines):",
              ", ".join(f"{item} {misses[item]}/{seen[item]}" for item in weak))
    wanted = set(filter(None, args.misses.split(",")))
    for gold, filed, text in sorted(cv.wrong + dev.wrong):
        if gold in wanted or "all" in wanted:
            print(f"  {gold} -> {filed}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
