"""Pure parts: rate limits, masking before triage, client tokens, the held-out set's independence."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import REPO
from videohelp.queue.answering.answerer import Withdrawal, strip_personal, usable
from videohelp.queue.answering.clients import (
    ClientError,
    ClientRegistry,
    add_client,
    env_clients,
    read_clients,
    revoke_client,
)
from videohelp.queue.answering.limits import RateLimiter, retry_after
from videohelp.queue.answering.policy import AnswerPolicy, confidence


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_refuses_with_the_wait_and_refills() -> None:
    clock = Clock()
    limit = RateLimiter(rate_per_s=0.5, burst=2, clock=clock)
    assert [limit.take("v") for _ in range(2)] == [0.0, 0.0]
    assert limit.take("v") == pytest.approx(2.0)
    assert retry_after(limit.take("v")) == "2"
    clock.now = 2.0
    assert limit.take("v") == 0.0
    assert limit.take("w") == 0.0  # another key has its own bucket


def test_buckets_of_passing_viewers_do_not_pile_up() -> None:
    clock = Clock()
    limit = RateLimiter(rate_per_s=0.1, burst=3, clock=clock)
    for viewer in range(10_000):
        clock.now += 0.01  # a new viewer every 10 ms; a bucket is full again after 30 s
        limit.take(viewer)
    assert len(limit) <= 3001


def test_personal_numbers_are_dropped_before_triage() -> None:
    assert strip_personal("驾照到期了怎么换 电话13812345678").split() == ["驾照到期了怎么换", "电话"]
    assert "12345" not in strip_personal("浙A12345的车年检")


def test_policy_and_confidence() -> None:
    assert confidence(0.8, 0.1, 0.05) == pytest.approx(0.7)
    assert confidence(0.3, 0.4, 0.0) == 0.0
    with pytest.raises(ValueError):
        AnswerPolicy(1.5)


def test_withdrawn_entries_stay_out_until_a_later_version(tmp_path: Path) -> None:
    from dataclasses import replace

    from videohelp.core.knowledge import load_shipped

    entry = replace(load_shipped()[0], status="reviewed", reviewed_by="a", reviewed_at="2026-01-01")
    assert usable([entry]) == [entry]
    assert usable([entry], [Withdrawal(entry.id, entry.version)]) == []
    again = replace(entry, version=entry.version + 1)
    assert usable([again], [Withdrawal(entry.id, entry.version)]) == [again]
    assert usable([replace(entry, status="draft")]) == []


def test_client_tokens_are_stored_hashed_owner_only_and_revocable(tmp_path: Path) -> None:
    path = tmp_path / "answer-clients.json"
    token = add_client(path, "app")
    assert token not in path.read_text()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    registry = ClientRegistry(path, recheck_s=0.0)
    assert registry.authenticate(token).name == "app"
    assert registry.authenticate(token + "x") is None and registry.authenticate(None) is None
    with pytest.raises(ClientError):
        add_client(path, "app")
    revoke_client(path, "app")
    assert registry.authenticate(token) is None
    assert read_clients(path)[0].revoked
    with pytest.raises(ClientError):
        add_client(path, "Bad Name")
    (env,) = env_clients("zlb:secret-token-1")
    assert ClientRegistry(None, [env]).authenticate("secret-token-1").name == "zlb"
    with pytest.raises(ClientError):
        env_clients("no-separator")


def test_the_held_out_set_shares_no_line_with_what_triage_learns_or_the_tuning_set() -> None:
    from videohelp.queue.triage.corpus import Knowledge, examples

    held_out = [json.loads(line) for line in
                (REPO / "bench" / "data" / "answering-heldout.jsonl").read_text().splitlines()]
    texts = {row["text"] for row in held_out}
    assert len(texts) == len(held_out) >= 200
    assert sum(1 for row in held_out if not row["items"]) >= 50
    learnt = {example.text for example in examples(Knowledge.load(), 0.3, 0.5)}
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    from answering import tuning_set  # bench/answering.py: the lines the threshold is chosen on

    tuning = {text for text, _ in tuning_set()}
    assert len(tuning) > 1_000
    assert not texts & learnt and not texts & tuning
