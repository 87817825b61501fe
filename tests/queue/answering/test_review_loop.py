"""The knowledge base and the service: a reviewed expert answer is used at once; a wrong
answer withdraws its entry until it is reviewed again; the daily review counts."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.queue.answering.support import (
    ANSWERED_QUESTION,
    DRAFT_ITEM,
    DRAFT_QUESTION,
    poll,
    prepare,
    running_service,
)
from videohelp.console.reports.build import build_report_from
from videohelp.console.reports.period import DateRange, day_index, day_of_index
from videohelp.console.reports.present import figure_rows
from videohelp.console.reports.render_html import render_html
from videohelp.core.knowledge import Entry, KnowledgeBase
from videohelp.core.store import Store
from videohelp.queue.answering.log import mark_wrong, off_air_counts, recent_answers

pytestmark = pytest.mark.asyncio


async def test_an_expert_answer_saved_and_reviewed_is_used_at_once(tmp_path: Path) -> None:
    paths = prepare(tmp_path / "data")
    async with running_service(paths) as svc:
        first = (await svc.ask(DRAFT_QUESTION)).json()
        assert first["reason"] == "no_reviewed_answer"
        kb = KnowledgeBase.open(paths.database)
        try:
            saved = kb.save(Entry(
                f"{DRAFT_ITEM}-X001", DRAFT_ITEM, ("二手车过户要带什么材料",),
                "买卖双方身份证明、登记证书、行驶证和来历证明，车辆到场查验。",
                "专家组答复：转移登记时提交双方身份证明、机动车登记证书、行驶证、"
                "二手车销售发票等来历证明，并交验车辆。",
                "机动车登记规定(2021-12-17).md", "第二十五条"), "expert:李工")
            still_draft = (await svc.ask(DRAFT_QUESTION)).json()
            assert still_draft["answered"] is False  # saved, not yet reviewed: never given
            kb.mark_reviewed(saved.id, "王警官")
        finally:
            kb.close()

        async def answered() -> dict | None:
            body = (await svc.ask(DRAFT_QUESTION)).json()
            return body if body["answered"] else None
        body = await poll(answered, timeout=5)
        assert body["answer"]["id"] == f"{DRAFT_ITEM}-X001"
        assert body["answer"]["source"]["article"] == "第二十五条"


async def test_a_wrong_answer_withdraws_its_entry_until_it_is_reviewed_again(
        tmp_path: Path) -> None:
    paths = prepare(tmp_path / "data")
    async with running_service(paths) as svc:
        given = (await svc.ask(ANSWERED_QUESTION)).json()["answer"]["id"]
        await svc.hook.service.wait_stored()
        store = Store(paths.database)
        try:
            (answer,) = recent_answers(store)
            assert (answer.entry_id, answer.wrong) == (given, False)
            assert mark_wrong(store, answer.id, "王警官", "换证年龄规定已变") == given
            assert recent_answers(store)[0].wrong
        finally:
            store.close()

        async def withdrawn() -> bool:
            body = (await svc.ask(ANSWERED_QUESTION)).json()
            return body.get("answer", {}).get("id") != given
        await poll(withdrawn, timeout=5)
        for _ in range(3):  # and stays withdrawn
            assert (await svc.ask(ANSWERED_QUESTION)).json().get("answer", {}).get("id") != given
        kb = KnowledgeBase.open(paths.database)
        try:
            kb.mark_reviewed(given, "李警官", "checked against the amended rule")
        finally:
            kb.close()

        async def back() -> bool:
            body = (await svc.ask(ANSWERED_QUESTION)).json()
            return body.get("answer", {}).get("id") == given
        await poll(back, timeout=5)


async def test_the_daily_review_counts_asked_answered_and_passed_on(tmp_path: Path) -> None:
    paths = prepare(tmp_path / "data")
    async with running_service(paths) as svc:
        await svc.ask(ANSWERED_QUESTION)
        await svc.ask(DRAFT_QUESTION)
        await svc.ask("哈哈哈主播好")
        await svc.hook.service.wait_stored()
    report = build_report_from(
        paths.database, DateRange.single(day_of_index(day_index(int(time.time() * 1000)))))
    assert (report.figures.asked_off_air, report.figures.auto_answered,
            report.figures.passed_on) == (3, 1, 1)
    rows = {zh: value for zh, _, value in figure_rows(report.figures)}
    assert (rows["场外提问"], rows["智能问答自动解答"], rows["转交演播室"]) == ("3", "1", "1")
    assert "转交演播室" in render_html(report)
    conn = sqlite3.connect(paths.database)
    try:
        counts = off_air_counts(conn, 0, 2**62)
        conn.execute("INSERT INTO shows (started_ms, ended_ms, actor) VALUES (0, 2305843009213693952,"
                     " 'desk')")
        on_air = off_air_counts(conn, 0, 2**62)
    finally:
        conn.close()
    assert counts == {"asked": 3, "asked_off_air": 3, "answered": 1, "passed_on": 2,
                      "passed_questions": 1, "wrong": 0}
    assert on_air["asked_off_air"] == 0 and on_air["asked"] == 3
