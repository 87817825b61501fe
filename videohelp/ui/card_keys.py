"""Every card on a key: the current item's 一键办理 QR, the expert card, lower thirds, ticker, clock.

Each key puts its card on air through the show's action service (as the
desk's actor: the role table decides, the audit log records) and, pressed
while the card is up, takes it off again. The lower third key steps through
the rundown's lower thirds (host, presenter...). What a key did, or why it
was refused, shows in the desk's banner in words.
"""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import QCoreApplication

from videohelp.core.roles import Action
from videohelp.queue.seat_protocol import Request
from videohelp.ui.words import card_name

# The desk's window, typed loosely: it makes these keys, so naming its class here would make
# the two modules import each other (the same as desk_actions).
MainWindow = Any

_rids = itertools.count(1)
MOTION = {"transition": "fade", "seconds": 0.3}


def _tr(text: str) -> str:
    return QCoreApplication.translate("CardKeys", text)


class CardKeys:
    """The card keys of one desk (``window``)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._lower_third = 0

    @property
    def session(self):
        return self.window.session

    def _entries(self, layer: str) -> list[Any]:
        return [e for e in self.window.rundown.entries if e.layer == layer]

    def _on_air(self, layer: str) -> bool:
        return layer in self.session.program.on_air()

    def _take(self, layer: str, template: str, data: dict[str, Any]) -> None:
        request = Request(Action.TAKE, f"desk-card-{next(_rids)}", layer=layer, template=template,
                          data=data, raw=dict(MOTION))
        self._perform(request, _tr("{card} on screen").format(card=card_name(template, layer)))

    def _clear(self, layer: str) -> None:
        request = Request(Action.CLEAR, f"desk-card-{next(_rids)}", layer=layer,
                          raw={"out": "fade"})
        self._perform(request, _tr("{card} off screen").format(card=card_name(layer, layer)))

    def _perform(self, request: Request, done: str) -> None:
        self.window.operatorActed.emit()

        async def run() -> None:
            if await self.session.act(request) is not None:  # refused: actionFailed says why
                self.window.notify(done)

        self.session.spawn(run())

    def _toggle_rundown(self, layer: str) -> None:
        if self._on_air(layer):
            self._clear(layer)
            return
        entries = self._entries(layer)
        if not entries:
            self.window.notify(_tr("No {card} in the rundown").format(card=card_name(layer, layer)),
                               "warn")
            return
        self._take(layer, entries[0].template, entries[0].data)

    # -- the keys -------------------------------------------------------------------------
    def item_qr(self) -> None:
        """K: the 一键办理 QR code of the selected question's item (or the chosen answer's)."""
        if self._on_air("qr"):
            self._clear("qr")
            return
        chosen = self.window.answers.chosen()
        comment = self.window.selected_comment()
        item = (chosen.entry.item if chosen is not None and chosen.entry is not None else None) \
            or (comment.item if comment is not None else None)
        if not item:
            self.window.notify(_tr("Select a question filed under an item first"), "warn")
            return
        self._take("qr", "qr", {"item": item})

    def expert_card(self) -> None:
        """X: the expert card for the answer chosen in the expert dock (again: off)."""
        qa_card = self.session.program.on_air().get("qa")
        if qa_card is not None and qa_card.template == "expert":  # in place of the Q&A card
            self._clear("qa")
            return
        dock = self.window.docks.get("experts")
        current = getattr(dock, "current_question", None)
        if current is not None and current() is not None:
            dock.put_on_air()  # type: ignore[union-attr]  # the experts' answer, as edited
            return
        # Else the answer chosen for the selected question, as an expert card.
        comment, chosen = self.window.selected_comment(), self.window.answers.chosen()
        if comment is None or chosen is None:
            self.window.notify(_tr("Choose a question with an answer first"), "warn")
            return
        entry = chosen.entry
        item = entry.item if entry is not None else comment.item
        # A draft answer needs the officer's confirmation here as on a Q&A card (Enter twice).
        confirmed = entry is not None and (comment.id, entry.id) in self.window._confirmed
        request = Request(Action.TAKE, f"desk-card-{next(_rids)}", comment=comment.id,
                          template="expert", answer=chosen.text, item=item,
                          entry=entry.id if entry is not None else None, confirm=confirmed,
                          raw={"transition": "cut", "out": "cut"})
        self._perform(request, _tr("{card} on screen").format(card=card_name("expert")))

    def lower_third(self) -> None:
        """L: the rundown's next lower third (host, presenter, ... in turn)."""
        entries = self._entries("lower_third")
        if not entries:
            self.window.notify(_tr("No {card} in the rundown").format(card=card_name("lower_third")),
                               "warn")
            return
        entry = entries[self._lower_third % len(entries)]
        self._lower_third += 1
        self._take("lower_third", entry.template, entry.data)

    def lower_third_off(self) -> None:
        """Shift+L: the lower third off."""
        self._clear("lower_third")

    def ticker(self) -> None:
        """T: the rundown's ticker on (again: off)."""
        self._toggle_rundown("ticker")

    def clock(self) -> None:
        """C: the clock on (again: off)."""
        self._toggle_rundown("clock")
