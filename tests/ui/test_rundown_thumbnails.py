"""Issue 15: the graphics rundown shows each card as it will look, rendered once.

The thumbnails come from the program's own card renderer (same templates and theme), are
cached (the half-second refresh and the repaints render nothing), and an automatic out's
time is listed with its card and counted down while it is on air.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import TestPatternSource
from videohelp.ui.card_thumbnails import BACKGROUND, THUMB_WIDTH
from videohelp.ui.rundown import RundownEntry, RundownPanel, load_rundown


class CountingRenderer(CardRenderer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.calls = 0

    def render(self, template, data):  # type: ignore[override]
        self.calls += 1
        return super().render(template, data)


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    raw = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * image.height())
    return raw.reshape(image.height(), image.bytesPerLine())[:, :image.width() * 4].reshape(
        image.height(), image.width(), 4)[:, :, :3]


def test_each_card_has_its_thumbnail_rendered_once(qtbot) -> None:
    renderer = CountingRenderer(640, 360)
    engine = ProgramEngine(TestPatternSource(640, 360), fps=10)
    entries = [*load_rundown(None),
               RundownEntry("人名条（10秒）", "lower_third", "lower_third",
                            {"name": "李警官", "rank": "二级警长"}, duration_s=10)]
    panel = RundownPanel(engine, renderer, entries, act=lambda _request: None)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: all(not panel.list.item(row).icon().isNull()
                                for row in range(panel.list.count())), timeout=5000)
    assert renderer.calls == len(entries)  # one render per card, none at start-up's expense
    background = np.array(BACKGROUND.getRgb()[:3])
    for row, entry in enumerate(entries):
        picture = _pixels(panel.list.item(row).icon().pixmap(THUMB_WIDTH, THUMB_WIDTH)
                          .toImage())
        assert picture.shape[1] >= THUMB_WIDTH - 1
        drawn = np.abs(picture.astype(int) - background).sum(axis=2) > 40
        assert drawn.mean() > 0.01, entry.label  # the card is in the picture
        if entry.template == "lower_third":  # where it will be: the lower part of the frame
            rows = np.nonzero(drawn.any(axis=1))[0]
            assert rows.mean() > picture.shape[0] / 2, entry.label
    # Refreshes, repaints and a language change render nothing again.
    for _ in range(5):
        panel.refresh_on_air()
    panel.retranslate()
    panel.repaint()
    assert renderer.calls == len(entries)
    # The automatic out: listed with its card, counted down on air.
    assert "10" in panel.list.item(len(entries) - 1).text()
    engine.take("lower_third", renderer.render("lower_third", entries[-1].data),
                duration_s=entries[-1].duration_s)
    panel.refresh_on_air()
    assert "10" in panel.on_air.text() or "9" in panel.on_air.text()
