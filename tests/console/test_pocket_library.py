"""The clip library: adding files and folders, the sheet, bad files refused with nothing
half-added, copies private, moved files reported by ``check``."""

from __future__ import annotations

import csv
import stat
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.console.pocket_support import good_clip, sound_only, truncated
from videohelp.console.pocket.library import ClipLibrary, ClipSpec
from videohelp.console.pocket.plays import end_play, record_play
from videohelp.console.pocket.sheet import CLIP_COLUMNS, export_sheet, import_sheet
from videohelp.core.knowledge import KnowledgeBase


@pytest.fixture
def library(tmp_path: Path):
    (tmp_path / "data").mkdir()
    kb = KnowledgeBase.open(tmp_path / "data" / "videohelp.sqlite3")
    yield ClipLibrary(kb.store, tmp_path / "data"), kb.catalog_store.codes()
    kb.close()


def _count(lib: ClipLibrary) -> tuple[int, int]:
    conn = lib.store.conn
    return (conn.execute("SELECT count(*) FROM pocket_clips").fetchone()[0],
            conn.execute("SELECT count(*) FROM pocket_clip_items").fetchone()[0])


def _write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, CLIP_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_clip_is_probed_with_pictures_and_copied_privately(library, tmp_path) -> None:
    lib, codes = library
    clip_file = good_clip(tmp_path / "换证.mp4", 2.0)
    report = lib.add([ClipSpec(clip_file, "驾驶证到期换证三步走", ("DL01",), ("换证", "到期"))],
                     codes, actor="tester", copy=True)
    assert report.applied and report.clean and len(report.added) == 1
    clip = lib.get(report.added[0])
    assert clip.copied and clip.source_path == str(clip_file.resolve())
    assert abs(clip.duration_s - 2.0) < 0.15 and (clip.width, clip.height) == (320, 180)
    assert clip.video_codec == "h264" and clip.audio_codec == "aac" and clip.items == ("DL01",)
    copy = Path(clip.path)
    assert copy.parent == tmp_path / "data" / "pocket" and copy.read_bytes() == clip_file.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    thumb, strip = lib.pictures(clip.id)
    thumb_img = cv2.imdecode(np.frombuffer(thumb, np.uint8), cv2.IMREAD_COLOR)
    strip_img = cv2.imdecode(np.frombuffer(strip, np.uint8), cv2.IMREAD_COLOR)
    assert thumb_img.shape[1] == 320 and strip_img.shape[1] == 800
    # The strip runs through the clip: red first, then green, blue last (BGR means).
    thirds = [strip_img[:, x:x + 160].reshape(-1, 3).mean(axis=0).argmax() for x in (0, 320, 640)]
    assert thirds == [2, 1, 0]
    # Adding it again updates, never duplicates.
    again = lib.add([ClipSpec(clip_file, "换证三步走", ("DL01", "DL02"))], codes, actor="t", copy=True)
    assert again.updated == [clip.id] and _count(lib) == (1, 2)


@pytest.mark.parametrize("make, reason", [
    (lambda d: truncated(good_clip(d / "src.mp4", 2.0), d / "bad.mp4"), "truncated or damaged"),
    (lambda d: truncated(good_clip(d / "src.mp4", 3.0, faststart=True), d / "bad.mp4"),
     "cut off or damaged"),
    (lambda d: sound_only(d / "bad.m4a"), "no video stream"),
    (lambda d: d / "nowhere.mp4", "no such file"),
], ids=["truncated-mp4", "truncated-faststart", "no-video", "missing"])
def test_an_unplayable_file_is_refused_and_nothing_is_added(library, tmp_path, make,
                                                            reason) -> None:
    lib, codes = library
    good = good_clip(tmp_path / "good.mp4")
    bad = make(tmp_path)
    specs = [ClipSpec(good, "好的", ("DL01",)), ClipSpec(bad, "坏的", ("DL01",))]
    report = lib.add(specs, codes, actor="t", copy=True)
    assert not report.applied and len(report.problems) == 1
    assert reason in str(report.problems[0]) and bad.name in str(report.problems[0])
    assert _count(lib) == (0, 0)
    assert not (tmp_path / "data" / "pocket").exists() or not any(
        (tmp_path / "data" / "pocket").iterdir())
    accepted = lib.add(specs, codes, actor="t", copy=True, accept_good_rows=True)
    assert accepted.applied and len(accepted.added) == 1 and _count(lib) == (1, 1)


def test_the_sheet_is_checked_row_by_row_and_round_trips(library, tmp_path) -> None:
    lib, codes = library
    good_clip(tmp_path / "a.mp4")
    good_clip(tmp_path / "b.mp4", tone_hz=None)
    rows = [
        {"file": "a.mp4", "title": "驾驶证换证", "items": "DL01", "tags": "换证\n到期",
         "presenter": "王警官", "status": "reviewed", "link": "https://gab.122.gov.cn/"},
        {"file": "b.mp4", "title": "过户要点", "items": "MV02 MV03", "tags": "", "presenter": "",
         "status": "", "link": ""},
        {"file": "missing.mp4", "title": "不在", "items": "DL01", "tags": "", "presenter": "",
         "status": "", "link": ""},
        {"file": "a.mp4", "title": "重复", "items": "ZZ99", "tags": "", "presenter": "",
         "status": "maybe", "link": "ftp://x"},
    ]
    sheet = _write_csv(tmp_path / "clips.csv", rows)
    report = import_sheet(lib, sheet, codes, actor="t")
    assert not report.applied and _count(lib) == (0, 0)
    text = [str(p) for p in report.problems]
    # The first row's tags cell takes two lines of the file.
    assert len(text) == 2 and text[0].startswith("line 5: ") and "no such file" in text[0]
    assert text[1].startswith("line 6: ") and "ZZ99" in text[1] and "maybe" in text[1]
    assert "ftp://x" in text[1] and "same file as line 2" in text[1]
    report = import_sheet(lib, sheet, codes, actor="t", accept_good_rows=True)
    assert report.applied and report.added == 2 and _count(lib) == (2, 3)
    clip = lib.clips("DL01")[0]
    assert (clip.title, clip.tags, clip.presenter, clip.status) == (
        "驾驶证换证", ("换证", "到期"), "王警官", "reviewed")
    assert not lib.clips("MV03")[0].audio_codec
    for name in ("out.csv", "out.xlsx"):
        assert export_sheet(lib, tmp_path / name) == 2
        again = import_sheet(lib, tmp_path / name, codes, actor="t")
        assert again.applied and again.clean and (again.added, again.updated) == (0, 2)
        assert _count(lib) == (2, 3)
    broken = tmp_path / "broken.csv"
    broken.write_text("file,title\nx,y\n", encoding="utf-8")
    unusable = import_sheet(lib, broken, codes, actor="t")
    assert unusable.unreadable and "missing columns: items" in str(unusable.problems[0])


def test_a_moved_file_is_reported_not_a_crash_and_plays_are_counted(library, tmp_path) -> None:
    lib, codes = library
    clip_file = good_clip(tmp_path / "a.mp4")
    clip_id = lib.add([ClipSpec(clip_file, "换证", ("DL01",))], codes, actor="t").added[0]
    assert lib.check() == []
    clip_file.rename(tmp_path / "moved.mp4")
    problems = lib.check()
    assert len(problems) == 1 and "missing" in problems[0][1] and str(clip_file) in problems[0][1]
    assert lib.missing(lib.get(clip_id)) is not None
    play = record_play(lib.store, clip_id, "air", "desk", "DL01")
    record_play(lib.store, clip_id, "preview", "desk")
    end_play(lib.store, play, 1.04, "end")
    clip = lib.get(clip_id)
    assert (clip.plays, clip.previews) == (1, 1)


def test_the_command_line_adds_a_folder_lists_and_checks(tmp_path, videohelp_cmd) -> None:
    folder = tmp_path / "clips"
    (folder / "sub").mkdir(parents=True)
    good_clip(folder / "驾驶证换证.mp4")
    good_clip(folder / "sub" / "过户.mp4")
    data = ["--data-dir", str(tmp_path / "data")]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*videohelp_cmd, "pocket", *args, *data], capture_output=True,
                              text=True, timeout=60)

    done = run("add", str(folder), "--item", "DL01", "--tag", "换证")
    assert done.returncode == 0, done.stderr
    assert "2 added" in done.stdout
    listed = run("list", "--search", "过户")
    assert listed.returncode == 0 and "过户" in listed.stdout and "1 clips" in listed.stdout
    (folder / "sub" / "过户.mp4").unlink()
    checked = run("check")
    assert checked.returncode == 1 and "过户" in checked.stderr and "missing" in checked.stderr
    bad = run("add", str(tmp_path / "nope.mp4"))
    assert bad.returncode == 1 and "no such file" in bad.stderr and "nothing added" in bad.stdout
