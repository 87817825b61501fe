"""Bad input gets its request or row named and a clear message, never a traceback (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.queue.ingest_support import bridge, running_console
from tests.queue.seat_support import recv, request, start_console


@pytest.mark.asyncio
async def test_an_empty_or_invalid_item_id_is_echoed_as_null(tmp_path: Path) -> None:
    async with running_console(tmp_path / "videohelp.sqlite3") as console, bridge(console) as b:
        for bad_id in ("", "x" * 200, "a\u0000b"):
            await b.send({"type": "comment", "id": bad_id, "user": {"id": "u1"}, "text": "你好",
                          "ts": 1_700_000_000_000})
            answer = await b.answer()
            assert answer["type"] == "error" and answer["id"] is None, answer


@pytest.mark.asyncio
async def test_a_huge_comment_id_is_not_found_not_internal(qapp, tmp_path: Path) -> None:
    console = await start_console(tmp_path)
    try:
        officer = await console.connect(console.add_seat("张警官", "officer"))
        await recv(officer)
        for action, fields in (("take", {"comment": 10**30}), ("flag", {"comment": 10**30}),
                               ("take", {"comment": 10**19, "template": "expert", "answer_id": 1}),
                               ("take", {"comment": 1, "template": "expert",
                                         "answer_id": 10**30})):
            reply, _ = await request(officer, action, rid=f"r-{action}", **fields)
            assert reply["type"] == "error" and reply["rid"] == f"r-{action}", reply
            assert reply["code"] in ("not_found", "bad_request"), reply
        # The connection is still good.
        reply, _ = await request(officer, "clear", rid="after", layer="qa")
        assert reply["rid"] == "after"
        await officer.close()
    finally:
        await console.stop()


def _kb_rows(videohelp_cmd, data: str, tmp_path: Path) -> tuple[list[str], list[str]]:
    import csv
    import subprocess

    exported = tmp_path / "kb.csv"
    done = subprocess.run([*videohelp_cmd, "kb", "export", str(exported), "--data-dir", data],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    with open(exported, encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert rows, "the fresh data directory has the shipped knowledge base"
    return header, rows[0]


@pytest.mark.slow
def test_kb_import_names_the_row_of_a_bad_version_and_keeps_the_good_rows(
        videohelp_cmd, tmp_path: Path) -> None:
    import csv
    import subprocess

    data = str(tmp_path / "data")
    header, row = _kb_rows(videohelp_cmd, data, tmp_path)
    at = {name: i for i, name in enumerate(header)}

    def variant(entry_id: str, version: str) -> list[str]:
        cells = list(row)
        cells[at["id"]], cells[at["version"]] = entry_id, version
        cells[at["short_answer"]] = f"{entry_id} 的回答"
        cells[at["questions"]] = f"{entry_id} 的问题"
        return cells

    item = row[at["item"]]
    path = tmp_path / "bad.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, variant(f"{item}-801", "99999999999999999999"),
                                      variant(f"{item}-802", "²"), variant(f"{item}-803", "2")])
    for accept in (False, True):
        done = subprocess.run([*videohelp_cmd, "kb", "import", str(path), "--data-dir", data,
                               *(["--accept-good-rows"] if accept else [])],
                              capture_output=True, text=True, timeout=60)
        assert "Traceback" not in done.stderr and done.returncode == 1, done.stderr
        assert f"{path}:line 2: version 99999999999999999999 is out of range" in done.stderr
        assert f"{path}:line 3: version '²' is not a whole number" in done.stderr
    assert "1 added" in done.stdout, done.stdout
    exported = tmp_path / "after.csv"
    subprocess.run([*videohelp_cmd, "kb", "export", str(exported), "--data-dir", data],
                   capture_output=True, text=True, timeout=60, check=True)
    text = exported.read_text(encoding="utf-8-sig")
    assert f"{item}-803 的回答" in text and f"{item}-801" not in text
