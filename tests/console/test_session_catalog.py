"""The studio's catalog, edited in the app, names items on cards and in reports at once and
after a restart (real SQLite file; the desk's models: tests/ui/test_catalog_follow.py)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest

from videohelp.console.reports.build import build_report_from
from videohelp.console.reports.period import DateRange, day_of_ms
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.catalog import Catalog, default_catalog, edited, studio_catalog
from videohelp.core.knowledge import KnowledgeBase
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings
from videohelp.core.store import Store
from videohelp.queue.comments import IncomingComment, StoredComment
from videohelp.queue.triage.storage import TriageUpdate, apply_triage
from videohelp.streaming.cards import CardRenderer

CODE = "DL03"
OLD_NAME = default_catalog()[CODE].name_zh  # 驾驶证期满换证
NEW_NAME = "驾驶证到期换新证"


def _settings() -> Settings:
    settings = Settings()
    for name, value in (("program.width", 640), ("program.height", 360), ("program.fps", 25)):
        settings.set(name, value)
    return settings


def _session(qloop, data_dir: Path) -> ShowSession:
    session = ShowSession(data_paths(data_dir), _settings(), SessionOptions(actor="tester", triage=False))
    qloop.run_until_complete(session.start())
    return session


@pytest.fixture
def session(qloop, data_dir):
    session = _session(qloop, data_dir)
    yield session
    qloop.run_until_complete(session.stop())


def rename(database: Path, code: str = CODE, name: str = NEW_NAME) -> None:
    """Rename an item as the knowledge dock's item editor saves it (its own connection)."""
    kb = KnowledgeBase.open(database)  # seeds the catalog, as the desk does on first use
    try:
        store = kb.catalog_store
        assert store.update_item(edited(store.item(code), name_zh=name, name_en="Licence renewal"),
                                 actor="张警官", note="the client renamed it")
    finally:
        kb.close()


def _comment(qloop, session: ShowSession, text: str = "驾照到期了怎么换", msg_id: str = "k1"
             ) -> StoredComment:
    result = qloop.run_until_complete(session.pipeline.submit(
        [IncomingComment("app", msg_id, "u1", "杭州小王", text, 1_700_000_000_000)]))
    (stored,) = result.stored
    return stored


def _badge_name_box(renderer: CardRenderer) -> tuple[slice, slice]:
    """Where the qa card writes the item's name (see streaming/templates/qa.py)."""
    pad, badge_h = renderer.px(28), renderer.px(46)
    left = pad + renderer.px(150)
    return slice(int(pad), int(np.ceil(pad + badge_h)) + 1), slice(int(left), None)


def test_a_saved_rename_reaches_new_cards_and_the_card_on_air_keeps_its_picture(
        session, qloop, qtbot, data_dir) -> None:
    comment = _comment(qloop, session)
    before = session.qa_card(comment, "带身份证到车管所或在交管12123办理。", CODE)
    shipped = CardRenderer(640, 360, catalog=default_catalog())
    want_old = shipped.render("qa", before.data)
    assert np.array_equal(before.rgba, want_old.rgba)
    assert qloop.run_until_complete(session.take_question(comment, "带身份证到车管所。", CODE))
    on_air = session.program.on_air()["qa"].rgba.copy()

    rename(data_paths(data_dir).database)
    with qtbot.waitSignal(session.catalogChanged, timeout=1000) as changed:
        assert qloop.run_until_complete(session.reload_catalog())[CODE].name_zh == NEW_NAME
    catalog: Catalog = changed.args[0]
    assert catalog is session.catalog is session.renderer.catalog
    assert catalog[CODE].name_zh == NEW_NAME and catalog[CODE].klass == "驾驶证"
    assert catalog["MV01"] == default_catalog()["MV01"]  # other items as they were
    # Already on air: unchanged (broadcast-correct) until it is updated or taken again.
    assert np.array_equal(session.program.on_air()["qa"].rgba, on_air)

    after = session.qa_card(comment, "带身份证到车管所或在交管12123办理。", CODE)
    assert session.renderer.item(CODE).name_zh == NEW_NAME
    assert np.array_equal(after.rgba, CardRenderer(640, 360, catalog=catalog).render("qa", after.data).rgba)
    # Only the item's name beside the class badge changed; the badge and the rest are the same.
    assert after.rgba.shape == before.rgba.shape
    rows, columns = _badge_name_box(session.renderer)
    differs = np.any(after.rgba != before.rgba, axis=2)
    assert differs[rows, columns].any()
    outside = differs.copy()
    outside[rows, columns] = False
    assert not outside.any()

    # The next question taken with the same words shows the new name.
    again = _comment(qloop, session, msg_id="k2")
    assert qloop.run_until_complete(session.take_question(again, "带身份证到车管所。", CODE))
    assert not np.array_equal(session.program.on_air()["qa"].rgba, on_air)
    # Saving nothing new reads the catalog but says nothing.
    seen: list[object] = []
    session.catalogChanged.connect(seen.append)
    assert qloop.run_until_complete(session.reload_catalog()) == catalog
    assert seen == []


def test_after_a_restart_the_edited_catalog_is_used_from_the_start(qloop, qtbot, data_dir) -> None:
    first = _session(qloop, data_dir)
    assert first.catalog[CODE].name_zh == OLD_NAME
    qloop.run_until_complete(first.stop())
    rename(data_paths(data_dir).database)

    second = ShowSession(data_paths(data_dir), _settings(), SessionOptions(actor="tester", triage=False))
    with qtbot.waitSignal(second.catalogChanged, timeout=2000):
        qloop.run_until_complete(second.start())  # nobody calls reload_catalog
    try:
        assert second.catalog[CODE].name_zh == NEW_NAME
        assert second.renderer.item(CODE).name_zh == NEW_NAME
        comment = _comment(qloop, second)
        card = second.qa_card(comment, "", CODE)
        want = CardRenderer(640, 360, catalog=second.catalog).render("qa", card.data)
        old = CardRenderer(640, 360, catalog=default_catalog()).render("qa", card.data)
        assert np.array_equal(card.rgba, want.rgba) and not np.array_equal(card.rgba, old.rgba)
    finally:
        qloop.run_until_complete(second.stop())


def _question_for(qloop, session: ShowSession, code: str) -> StoredComment:
    """A stored comment filed under ``code`` as triage files it (its writer, its signal's rows)."""
    comment = _comment(qloop, session)
    (triaged,) = qloop.run_until_complete(session.pipeline.run_in_writer(
        apply_triage, [TriageUpdate(comment.id, True, code, 0.93)]))
    return triaged


def test_the_daily_report_names_items_as_edited(session, qloop, data_dir, videohelp_cmd, tmp_path) -> None:
    question = _question_for(qloop, session, CODE)
    day = DateRange.single(day_of_ms(question.received_ms))
    database = data_paths(data_dir).database

    def names(report) -> tuple[set[str], set[str]]:
        top = {item.name for klass in report.classes for item in klass.items if item.code == CODE}
        followup = {row.item_name for row in report.followup if row.item == CODE}
        return top, followup

    assert names(build_report_from(database, day)) == ({OLD_NAME}, {OLD_NAME})
    rename(database)
    assert names(build_report_from(database, day)) == ({NEW_NAME}, {NEW_NAME})
    # `videohelp report` (another process on the same data directory) reads the same.
    out = tmp_path / "review.html"
    done = subprocess.run([*videohelp_cmd, "report", "--data-dir", str(data_dir), "--date",
                           day.first.isoformat(), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert NEW_NAME in html and OLD_NAME not in html


def test_studio_catalog_falls_back_to_the_shipped_items(tmp_path: Path) -> None:
    store = Store(tmp_path / "videohelp.sqlite3")
    try:
        assert studio_catalog(store.conn) == default_catalog()  # never seeded
        kb = KnowledgeBase(store)
        kb.seed_if_empty()
        assert studio_catalog(store.conn) == default_catalog()
        renamed = edited(kb.catalog_store.item("EB01"), name_zh="电动车上牌")
        kb.catalog_store.update_item(renamed, actor="张警官")
        catalog = studio_catalog(store.conn)
        assert catalog["EB01"] == renamed and list(catalog.items) == list(default_catalog().items)
    finally:
        store.close()
    bare = sqlite3.connect(":memory:")  # a database without the catalog table
    assert studio_catalog(bare) == default_catalog()
    bare.close()


@pytest.mark.slow
def test_serve_renders_cards_with_the_studio_catalog(videohelp_cmd, data_dir, qapp) -> None:
    """``videohelp serve`` on a data directory whose catalog was edited in a desk."""
    from websockets.sync.client import connect

    from videohelp.streaming.overlay import png_base64

    (data_dir / "settings.json").write_text(json.dumps(
        {"program.width": 640, "program.height": 360, "program.fps": 25}))
    rename(data_paths(data_dir).database)
    env = {key: value for key, value in os.environ.items()
           if key not in ("QT_QPA_PLATFORM", "VIDEOHELP_CONTROL_TOKEN")}
    token = "catalog-test-token"
    data = {"question": "驾照到期了怎么换", "item": CODE}
    with subprocess.Popen([*videohelp_cmd, "serve", "--port", "0", "--control-token", token,
                           "--data-dir", str(data_dir)],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env) as serve:
        try:
            assert serve.stdout is not None
            line = serve.stdout.readline()
            assert "videohelp: serving ws://" in line, line
            url = line.split("serving ", 1)[1].split()[0]
            take = subprocess.run([*videohelp_cmd, "card", "take", "--url", url, "--token", token,
                                   "--template", "qa", "--data", json.dumps(data, ensure_ascii=False)],
                                  capture_output=True, text=True, timeout=60, env=env)
            assert take.returncode == 0, take.stderr
            with connect(url.rstrip("/") + "/overlay/ws", open_timeout=10) as page:
                hello = json.loads(page.recv(timeout=10))
        finally:
            serve.send_signal(signal.SIGINT)
            assert serve.wait(timeout=30) == 0
    (layer,) = [layer for layer in hello["layers"] if layer["layer"] == "qa"]
    store = Store(data_paths(data_dir).database)
    try:
        catalog = studio_catalog(store.conn)
    finally:
        store.close()
    assert catalog[CODE].name_zh == NEW_NAME
    want = CardRenderer(640, 360, catalog=catalog).render("qa", data)
    shipped = CardRenderer(640, 360, catalog=default_catalog()).render("qa", data)
    assert layer["card"]["png"] == png_base64(want.base_rgba())
    assert layer["card"]["png"] != png_base64(shipped.base_rgba())
