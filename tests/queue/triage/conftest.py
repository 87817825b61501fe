"""One trained engine for the whole test session (building takes a couple of seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from videohelp.queue.triage.corpus import Knowledge
from videohelp.queue.triage.engine import TriageEngine

REPO = Path(__file__).resolve().parents[3]
EVAL_SET = REPO / "bench" / "data" / "triage-eval.jsonl"


def read_labelled(path: Path) -> list[tuple[str, list[str]]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [(row["text"], row["items"]) for row in rows]


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return Knowledge.load()


@pytest.fixture(scope="session")
def shared_engine(knowledge: Knowledge) -> TriageEngine:
    return TriageEngine(knowledge)


@pytest.fixture
def engine(shared_engine: TriageEngine) -> TriageEngine:
    """A private copy: tests that teach it do not change what other tests see."""
    return shared_engine.clone()
