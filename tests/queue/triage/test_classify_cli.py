"""``videohelp classify`` end to end, in a subprocess: JSON lines in, decisions out."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.queue.triage.conftest import EVAL_SET
from videohelp.core.store import Store
from videohelp.queue.triage.storage import record_correction


def _run(cmd: list[str], stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*cmd, "classify", *args], input=stdin, capture_output=True,
                          timeout=120, check=False)


@pytest.mark.slow
def test_good_and_bad_lines_each_get_one_answer_in_order(videohelp_cmd) -> None:
    lines = [
        json.dumps({"id": 1, "text": "驾照丢了怎么补"}, ensure_ascii=False),
        "not json at all",
        json.dumps({"id": "x", "text": "666"}),
        "",  # blank lines are skipped
        json.dumps([1, 2]),
        json.dumps({"id": 4, "text": 5}),
        json.dumps({"id": 5, "text": "\u202e反转"}, ensure_ascii=False),
        json.dumps({"id": {"a": 1}, "text": "驾照"}, ensure_ascii=False),
        json.dumps({"text": "电瓶车上牌要带啥"}, ensure_ascii=False),
    ]
    stdin = ("\n".join(lines) + "\n").encode() + b"\xff\xfe broken utf-8\n"
    done = _run(videohelp_cmd, stdin)
    assert done.returncode == 2, done.stderr.decode()  # some lines were bad, none lost
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == 9
    first, bad_json, chatter, not_object, not_text, bidi, bad_id, no_id, bad_utf8 = out
    assert first["id"] == 1 and first["is_question"] and first["item"] == "DL06"
    assert first["class"] == "驾驶证" and len(first["candidates"]) == 3
    assert {"item", "score"} == set(first["candidates"][0]) and len(first["answers"]) == 3
    assert chatter == {**chatter, "id": "x", "is_question": False, "item": None, "answers": []}
    assert no_id["id"] is None and no_id["item"] == "EB01"
    assert bad_json["error"] == "bad_json" and bad_json["line"] == 2
    assert not_object["error"] == "bad_request" and not_text["id"] == 4
    assert bidi["error"] == "bidi_control" and bidi["id"] == 5
    assert bad_id["error"] == "bad_request" and bad_utf8["error"] == "invalid_utf8"


@pytest.mark.slow
def test_a_data_directory_brings_the_studios_corrections(videohelp_cmd, data_dir) -> None:
    # Without the correction this text is filed elsewhere (test_corrections.py checks).
    store = Store(data_dir / "videohelp.sqlite3")
    record_correction(store, "本本上面的二维码扫不出来", "OL19", "王警官")
    store.close()
    stdin = json.dumps({"id": 1, "text": "本本上面的二维码扫不出来"}, ensure_ascii=False).encode()
    taught = _run(videohelp_cmd, stdin, "--data-dir", str(data_dir))
    assert taught.returncode == 0, taught.stderr.decode()
    assert json.loads(taught.stdout)["item"] == "OL19"


@pytest.mark.slow
def test_ten_thousand_lines_take_a_few_seconds(videohelp_cmd, tmp_path: Path) -> None:
    texts = [json.loads(line)["text"] for line in EVAL_SET.read_text(encoding="utf-8").splitlines()]
    stdin = "".join(json.dumps({"id": i, "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n"
                    for i in range(10_000)).encode()
    started = time.perf_counter()
    done = _run(videohelp_cmd, stdin)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode().splitlines()
    assert len(out) == 10_000 and json.loads(out[-1])["id"] == 9_999
    # ~7 s of CPU measured, start-up included; generous for a busy 2-core machine.
    assert elapsed < 60
