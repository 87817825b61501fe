"""The 24-hour answers link an item's reviewed 锦囊 on the published site (issues 18 and 19)."""

from __future__ import annotations

from pathlib import Path

from videohelp.console.pocket.answer_clips import PublishedClips, answer_clips
from videohelp.core.settings import Settings
from videohelp.core.store import Store


def _store_with_clips(path: Path) -> None:
    store = Store(path)
    with store.transaction() as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(pocket_clips)")]
        for number, (title, status, item) in enumerate(
                [("换证三步走", "reviewed", "DL03"), ("草稿短片", "draft", "DL03"),
                 ("电动车上牌", "reviewed", "EB01")], start=1):
            values = {column: 0 for column in columns}
            values.update({"id": number, "title": title, "status": status, "path": f"/x/{number}.mp4",
                           "tags": "", "presenter": "", "link": "", "video_codec": "h264",
                           "audio_codec": "", "sha256": f"{number:064d}"})
            values = {k: v for k, v in values.items() if k in columns}
            conn.execute(f"INSERT INTO pocket_clips ({', '.join(values)}) VALUES "
                         f"({', '.join('?' * len(values))})", list(values.values()))
            conn.execute("INSERT INTO pocket_clip_items (clip_id, item) VALUES (?, ?)", (number, item))
    store.close()


def test_reviewed_clips_become_links_to_the_item_on_the_site(tmp_path: Path) -> None:
    database = tmp_path / "videohelp.sqlite3"
    _store_with_clips(database)
    now = [0.0]
    clips = PublishedClips(database, "https://jj.example.gov.cn/pocket/", clock=lambda: now[0])
    assert clips("DL03") == [{"title": "换证三步走", "url": "https://jj.example.gov.cn/pocket/#DL03"}]
    assert clips("MV01") == []  # no clip, no link; a draft clip is never offered


def test_no_site_no_clips_and_a_store_without_the_library_is_no_error(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    assert answer_clips(tmp_path / "videohelp.sqlite3", settings)("DL03") == ()
    settings.set("pocket.site_url", "javascript:alert(1)")
    assert answer_clips(tmp_path / "videohelp.sqlite3", settings)("DL03") == ()
    missing = PublishedClips(tmp_path / "none.sqlite3", "https://x.example")
    assert missing("DL03") == []
