"""``videohelp replay``, ``videohelp export comments`` and ``serve``'s arguments, as a user runs them."""

from __future__ import annotations

import asyncio
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.queue.ingest_support import TOKENS, running_console

NOW_MS = int(time.time() * 1000)


def recording(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else
                              json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
                    encoding="utf-8")
    return path


def line(msg_id: str, text: str, ts: int = NOW_MS, user: str = "u1") -> dict:
    return {"id": msg_id, "platform": "douyin", "user": {"id": user, "name": "杭州小王"},
            "text": text, "ts": ts}


async def run_cli(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "videohelp", *args, cwd=REPO,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.asyncio
async def test_replay_sends_a_recording_and_reports_what_was_refused(tmp_path: Path) -> None:
    good = [line(f"r{i}", f"第{i}个问题", user=f"u{i}") for i in range(40)]
    path = recording(tmp_path / "show.jsonl", [*good[:20], "{not json", line("bad", "  "),
                                                *good[20:], ""])
    async with running_console(tmp_path / "videohelp.sqlite3") as console:
        args = ("replay", str(path), "--url", console.url(), "--token", TOKENS["douyin"],
                "--rate", "400", "--data-dir", str(tmp_path / "data"))
        code, out, err = await run_cli(*args)
        assert code == 1, out + err
        assert "41 items" in out and "40 acknowledged" in out
        assert "1 rejected (empty_text x1)" in out and "1 unreadable lines" in out
        assert "line 21: not JSON" in err
        assert len(console.rows()) == 40
        # Replayed again: acknowledged again, stored once; with a prefix, stored anew.
        code, out, _ = await run_cli(*args)
        assert "40 acknowledged" in out and len(console.rows()) == 40
        clean = recording(tmp_path / "clean.jsonl", good[:5])
        code, out, _ = await run_cli("replay", str(clean), "--url", console.url(), "--token",
                                     TOKENS["douyin"], "--id-prefix", "run2-", "--restamp",
                                     "--data-dir", str(tmp_path / "data"))
        assert code == 0 and "5 acknowledged" in out
        assert len(console.rows()) == 45
        assert ("douyin", "run2-r0") in console.rows()


@pytest.mark.asyncio
async def test_replay_keeps_the_recorded_pace_without_rate(tmp_path: Path) -> None:
    path = recording(tmp_path / "paced.jsonl", [line("p1", "一", NOW_MS),
                                                line("p2", "二", NOW_MS + 400),
                                                line("p3", "三", NOW_MS + 800)])
    async with running_console(tmp_path / "videohelp.sqlite3") as console:
        started = time.monotonic()
        code, out, _ = await run_cli("replay", str(path), "--url", console.url(), "--token",
                                     TOKENS["douyin"], "--data-dir", str(tmp_path / "data"))
        assert code == 0 and "3 acknowledged" in out
        received = [row[0] for row in console.rows("SELECT received_ms FROM comments ORDER BY id")]
    assert time.monotonic() - started >= 0.8
    assert received[2] - received[0] >= 700


@pytest.mark.asyncio
async def test_replay_with_a_wrong_token_or_no_console_exits_2(tmp_path: Path) -> None:
    path = recording(tmp_path / "x.jsonl", [line("a", "问题")])
    async with running_console(tmp_path / "videohelp.sqlite3") as console:
        code, _, err = await run_cli("replay", str(path), "--url", console.url(), "--token",
                                     "wrong", "--data-dir", str(tmp_path / "data"))
        assert code == 2 and "refused the token" in err
        port = console.server.port
    code, _, err = await run_cli("replay", str(path), "--url", f"ws://127.0.0.1:{port}/ingest",
                                 "--token", "t", "--connect-timeout", "1",
                                 "--data-dir", str(tmp_path / "data"))
    assert code == 2 and "could not reach" in err
    code, _, err = await run_cli("replay", str(tmp_path / "missing.jsonl"), "--url", "ws://x",
                                 "--token", "t", "--data-dir", str(tmp_path / "data"))
    assert code == 2 and "no such file" in err


@pytest.mark.asyncio
async def test_export_writes_every_comment_with_originals_and_masks(tmp_path: Path) -> None:
    database = tmp_path / "data" / "videohelp.sqlite3"
    database.parent.mkdir()
    async with running_console(database) as console:
        path = recording(tmp_path / "in.jsonl", [
            line("e1", "我的手机13812345678，车牌浙A12345怎么年检"),
            line("e2", "驾照怎么换", user="u2"),
        ])
        code, _, _ = await run_cli("replay", str(path), "--url", console.url(), "--token",
                                   TOKENS["douyin"], "--data-dir", str(tmp_path / "data"))
        assert code == 0
    code, out, _ = await run_cli("export", "comments", "--data-dir", str(tmp_path / "data"))
    assert code == 0
    records = [json.loads(text) for text in out.splitlines()]
    assert [r["msg_id"] for r in records] == ["e1", "e2"]
    first = records[0]
    assert first["platform"] == "douyin" and first["user_id"] == "u1"
    assert first["user_name"] == "杭州小王" and first["user_name_masked"] == "杭**王"
    assert "13812345678" in first["text"] and "13812345678" not in first["text_masked"]
    assert first["state"] == "new" and first["ts_ms"] == NOW_MS and first["time"].startswith("20")
    target = tmp_path / "comments.csv"
    code, _, err = await run_cli("export", "--data-dir", str(tmp_path / "data"), "comments",
                                 "--format", "csv", "--output", str(target))
    assert code == 0 and "2 comments written" in err
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for spreadsheet programs
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["text_masked"] for r in rows] == [records[0]["text_masked"], "驾照怎么换"]
    code, _, err = await run_cli("export", "comments", "--data-dir", str(tmp_path / "empty"))
    assert code == 1 and "no database" in err


def test_serve_refuses_a_malformed_token_argument(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "videohelp", "serve", "--data-dir", str(tmp_path),
         "--ingest-token", "douyin"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "PLATFORM=TOKEN" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "videohelp", "serve", "--data-dir", str(tmp_path),
         "--ingest-token", "Dou Yin=x"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "must be 1-32" in result.stderr
