"""``videohelp serve`` is the same console as the desk: comments it stores get triaged.

Issue 14: ``serve`` wired its own console and left triage out, so a day filled
through it showed every question under 未分拣 in the daily review.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from websockets.asyncio.client import connect

from tests.queue.ingest_support import batch, comment
from videohelp.console.reports.build import build_report_from
from videohelp.console.reports.period import DateRange, day_of_ms

QUESTIONS = ("驾照到期了怎么换证", "新能源车牌怎么申请", "违章罚款在哪里交", "年检需要带什么材料")


def _untriaged(database: Path) -> int:
    conn = sqlite3.connect(database)
    try:
        return conn.execute("SELECT count(*) FROM comments WHERE is_question IS NULL").fetchone()[0]
    finally:
        conn.close()


async def _send(url: str) -> None:
    async with connect(url, additional_headers={"Authorization": "Bearer tok-0123456789abcdef"},
                       open_timeout=10, close_timeout=2) as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "hello"
        await ws.send(batch([comment(f"s{i}", text, user=f"u{i}") for i, text in enumerate(QUESTIONS)]))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "ack"


def test_serve_triages_what_it_stores_and_the_review_counts_the_questions(videohelp_cmd,
                                                                          data_dir) -> None:
    (data_dir / "settings.json").write_text(json.dumps(
        {"program.width": 640, "program.height": 360, "program.fps": 25}))
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    process = subprocess.Popen(
        [*videohelp_cmd, "serve", "--data-dir", str(data_dir), "--port", "0",
         "--ingest-token", "douyin=tok-0123456789abcdef"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("videohelp: serving ws://"), line
        url = line.split()[2].rstrip("/") + "/ingest"
        asyncio.run(_send(url))
        database = data_dir / "videohelp.sqlite3"
        deadline = time.monotonic() + 90  # the engine builds in seconds; a loaded machine is slower
        while _untriaged(database) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _untriaged(database) == 0
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    today = day_of_ms(int(time.time() * 1000))  # the show's day (Hangzhou time)
    report = build_report_from(database, DateRange(today, today))
    assert report.figures.untriaged == 0
    assert report.figures.questions == len(QUESTIONS)
