"""The daily review's 锦囊口袋 section: clips played, item airings against questions asked,
the most-asked items without a clip, and the editor's note in the 车管资讯 script."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from videohelp.assets import asset_path
from videohelp.console.pocket.library import ClipLibrary, ClipSpec
from videohelp.console.pocket.plays import end_play, record_play
from videohelp.console.reports.build import build_report
from videohelp.console.reports.period import DateRange, day_start_ms
from videohelp.console.reports.render_html import render_html
from videohelp.core.knowledge import KnowledgeBase

DAY = date(2026, 3, 2)


def test_the_review_counts_clips_against_questions(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "videohelp.sqlite3")
    try:
        noon = day_start_ms(DAY) + 12 * 3_600_000
        with kb.store.transaction() as conn:
            asked = {"DL03": 5, "MV01": 4, "EB01": 2, "OL01": 1}
            n = 0
            for item, count in asked.items():
                for _ in range(count):
                    n += 1
                    conn.execute(
                        "INSERT INTO comments (platform, msg_id, user_id, user_name, "
                        "user_name_masked, text, text_masked, ts_ms, received_ms, state, "
                        "is_question, item) VALUES ('douyin', ?, ?, 'x', 'x', '问', '问', ?, ?, "
                        "'answered', 1, ?)", (f"m{n}", f"u{n}", noon, noon + n, item))
        library = ClipLibrary(kb.store, tmp_path)
        codes = kb.catalog_store.codes()
        added = library.add([
            ClipSpec(asset_path("pocket", "dl03-renewal.mp4"), "驾驶证到期换证三步走", ("DL03",)),
            ClipSpec(asset_path("pocket", "eb01-plates.mp4"), "电动自行车上牌", ("EB01",))],
            codes, actor="t").added
        for clip_id, kind, item in ((added[0], "air", "DL03"), (added[0], "air", None),
                                    (added[0], "preview", None), (added[1], "preview", None)):
            play = record_play(kb.store, clip_id, kind, "desk", item)
            end_play(kb.store, play, 6.0, "end")
        with kb.store.transaction() as conn:
            conn.execute("UPDATE pocket_plays SET at_ms = ?", (noon + 100,))
            # A play on another day is not this day's.
            conn.execute("INSERT INTO pocket_plays (clip_id, kind, at_ms, actor) VALUES "
                         "(?, 'air', ?, 'desk')", (added[1], noon + 86_400_000))
        report = build_report(kb.store.conn, DateRange.single(DAY))
    finally:
        kb.close()
    clips = report.clips
    assert [(r["title"], r["airings"], r["previews"], r["seconds"]) for r in clips.played] == [
        ("驾驶证到期换证三步走", 2, 1, 12.0), ("电动自行车上牌", 0, 1, 0.0)]
    assert [(r["item"], r["asked"], r["airings"], r["clips"]) for r in clips.items] == [
        ("DL03", 5, 2, 1), ("EB01", 2, 0, 1)]
    assert [(r["item"], r["asked"]) for r in clips.to_record] == [("MV01", 4), ("OL01", 1)]
    assert "【锦囊口袋待录制：MV01 新车注册登记（上牌）（问了4次）" in report.script
    html = render_html(report)
    assert "待录制的锦囊" in html and "驾驶证到期换证三步走" in html
    assert "Clips to record next" in render_html(report, language="en")
    assert "MV01 新车注册登记（上牌）" in html
