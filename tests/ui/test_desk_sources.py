"""Issue 15: the program's source switched from the desk, through the show's ``source`` action.

The program engine runs for real (640x360, 25 fps): the desk's program monitor shows the
test pattern, then the chosen file's picture; the role table decides who may cut; the choice
is remembered; a cut made elsewhere (a producer's seat) shows in the desk's selector.
"""

from __future__ import annotations

import numpy as np

from tests.streaming.rtmp_server import make_clip
from videohelp.console.show_events import Actor
from videohelp.core.roles import Action
from videohelp.queue.seat_protocol import Request
from videohelp.ui.source_picker import ASK_FILE, ASK_STREAM, source_label

from ..loop_support import spin_until
from .desk_support import desk_with_expert_dock

MAGENTA = (200, 0, 200)  # the same in BGR and RGB; not a colour of the test pattern's first bar


def _patch(window) -> np.ndarray:
    """The mean colour (BGR) of a patch of the program monitor's picture: the left bar."""
    image = window.preview.current_image()
    assert image is not None
    step = image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), np.uint8, step * image.height())
    pixels = raw.reshape(image.height(), step)[:, :image.width() * 3].reshape(
        image.height(), image.width(), 3)
    h, w = image.height(), image.width()
    return pixels[int(h * 0.4):int(h * 0.5), int(w * 0.01):int(w * 0.06)].reshape(-1, 3).mean(0)


def _is(colour: tuple[int, int, int]):
    return lambda patch: np.abs(patch - colour).mean() < 20


def test_the_presenter_cuts_the_program_from_test_pattern_to_a_file(qloop, qtbot, data_dir,
                                                                    tmp_path) -> None:
    clip = tmp_path / "magenta.mp4"
    make_clip(clip, seconds=2, fps=10, colours=(MAGENTA,))
    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False, role="presenter",
                               actor="主持人") as (window, _dock):
        picker, session = window.source_picker, window.session
        assert picker.combo.isEnabled() and picker.combo.currentData() == "test"
        assert picker.combo.currentText() == source_label("test")
        offered = [picker.combo.itemData(i) for i in range(picker.combo.count())]
        assert offered[0] == "test" and {ASK_FILE, ASK_STREAM} <= set(offered)
        spin_until(qloop, lambda: window.preview.current_image() is not None)
        grey = (191, 191, 191)  # the test pattern's first bar
        spin_until(qloop, lambda: _is(grey)(_patch(window)))

        picker.choose_file(str(clip))
        spin_until(qloop, lambda: _is(MAGENTA)(_patch(window)), timeout=10)
        assert session.console.sources.current.spec == f"file:{clip}"
        spin_until(qloop, lambda: session.settings["desk.source"] == f"file:{clip}")  # remembered
        assert picker.combo.currentData() == f"file:{clip}"
        assert picker.combo.currentText() == source_label(f"file:{clip}")  # 文件：magenta.mp4
        spin_until(qloop, lambda: any(r["action"] == "source" for r in _audit(session)))
        (row,) = [r for r in _audit(session) if r["action"] == "source"]
        assert (row["seat"], row["role"], row["outcome"], row["target"]) == (
            "主持人", "presenter", "ok", "file:magenta.mp4")

        # A file that is not there: refused in words, the program and the setting unchanged.
        failures: list[str] = []
        session.actionFailed.connect(failures.append)
        picker.choose_file(str(tmp_path / "gone.mp4"))
        spin_until(qloop, lambda: failures)
        assert "gone.mp4" in failures[0] and str(tmp_path) not in failures[0]  # its name only
        assert "gone.mp4" in window.banner.message()
        assert session.settings["desk.source"] == f"file:{clip}"
        assert _is(MAGENTA)(_patch(window))

        # A producer's seat (or a stream deck) cuts back: the desk's selector follows.
        qloop.run_until_complete(session.actions.perform(
            Actor.of("制片", "producer"), Request(Action.SOURCE, "seat-1", source="test:SEAT")))
        spin_until(qloop, lambda: picker.combo.currentData() == "test:SEAT")
        spin_until(qloop, lambda: _is(grey)(_patch(window)))

        # The remembered source comes back at the next start.
        picker.restore()
        spin_until(qloop, lambda: session.console.sources.current.spec == f"file:{clip}")


def test_the_officer_sees_the_source_but_may_not_cut(qloop, qtbot, data_dir,
                                                     run_until_signal) -> None:
    with desk_with_expert_dock(qloop, qtbot, data_dir, triage=False) as (window, _dock):
        picker, session = window.source_picker, window.session
        assert not picker.combo.isEnabled() and picker.combo.toolTip()
        (message,) = run_until_signal(session.actionFailed, lambda: picker.choose("test:X"),
                                      timeout=5)
        assert "officer" in message or "民警" in message
        assert session.console.sources.current.spec == "test"
        assert session.settings["desk.source"] == "test"


def _audit(session) -> list[dict]:
    from videohelp.core.store import Store

    store = Store(session.paths.database)
    try:
        return [dict(row) for row in store.conn.execute(
            "SELECT seat, role, action, outcome, target FROM audit_log ORDER BY id")]
    finally:
        store.close()
