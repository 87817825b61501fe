"""Layers on the program timeline: transitions in and out, auto-out, crawls (pure, no I/O).

Time is counted in program frames: frame N is the N-th frame the engine
composites, so a transition of 12 frames lasts 12 frames even if the machine
falls behind, and tests can step frame by frame. A layer is immutable; every
change (take, update, clear, auto-out) makes a new one, so the worker thread
always sees a whole layer.

A layer's *progress* goes from 0 (off) to 1 (fully on) while it enters and
back to 0 while it leaves. Taking a layer that is still leaving continues
from where it is, so nothing jumps. What the progress means on screen (an
opacity or an offset) is the transition's kind: cut, fade or slide.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from videohelp.streaming.cards import RenderedCard
from videohelp.streaming.compositor import PHASES, PreparedLayer, prepare_layer

TRANSITIONS = ("cut", "fade", "slide")


class LayerError(ValueError):
    """A layer change that cannot be made (e.g. an update of a layer that is not on air)."""


@dataclass(frozen=True)
class Transition:
    kind: str = "cut"
    frames: int = 0

    @classmethod
    def of(cls, kind: str, seconds: float, fps: int) -> Transition:
        """A transition of ``kind`` lasting ``seconds`` at ``fps`` (a cut lasts no frame)."""
        if kind not in TRANSITIONS:
            raise LayerError(f"unknown transition {kind!r}; known: {', '.join(TRANSITIONS)}")
        if not 0 <= seconds <= 5:
            raise LayerError("a transition lasts 0 to 5 seconds")
        frames = 0 if kind == "cut" else max(1, round(seconds * fps))
        return cls(kind if frames else "cut", frames)


CUT = Transition()


def ease(progress: float) -> float:
    """Smoothstep: starts and ends gently, symmetric for in and out."""
    p = min(1.0, max(0.0, progress))
    return p * p * (3 - 2 * p)


@dataclass(frozen=True)
class Look:
    """How a layer appears in one frame."""

    opacity: float
    dx: int
    dy: int


@dataclass(frozen=True)
class Layer:
    name: str
    card: RenderedCard
    prepared: PreparedLayer
    strip: PreparedLayer | None  # the crawl's strip, if the card scrolls
    z: int
    enter: Transition = CUT
    leave: Transition = CUT
    leaving: bool = False
    start_frame: int = 0         # first frame of the current motion
    start_progress: float = 0.0  # progress just before it
    out_at: int | None = None    # frame at which the automatic out starts
    crawl_from: int = 0          # frame at which the crawl started

    def progress(self, frame: int) -> float:
        motion = self.leave if self.leaving else self.enter
        if motion.frames == 0:
            return 0.0 if self.leaving else 1.0
        step = (frame - self.start_frame + 1) / motion.frames
        value = self.start_progress - step if self.leaving else self.start_progress + step
        return min(1.0, max(0.0, value))

    def finished(self, frame: int) -> bool:
        """Gone: it has left completely by ``frame``."""
        return self.leaving and self.progress(frame) <= 0.0

    def look(self, frame: int, frame_w: int, frame_h: int) -> Look:
        motion = self.leave if self.leaving else self.enter
        visible = ease(self.progress(frame))
        if motion.kind == "fade":
            return Look(visible, 0, 0)
        if motion.kind == "slide" and visible < 1.0:
            card = self.card
            width, height = card.size
            distance = {"left": (-(card.x + width), 0), "right": (frame_w - card.x, 0),
                        "top": (0, -(card.y + height)), "bottom": (0, frame_h - card.y)}
            dx, dy = distance.get(card.enter_from, distance["left"])
            return Look(1.0 if visible > 0 else 0.0, round(dx * (1 - visible)),
                        round(dy * (1 - visible)))
        return Look(1.0 if visible > 0 else 0.0, 0, 0)

    def travelled(self, frame: int, fps: int) -> int:
        """Pixels the crawl has scrolled by ``frame`` (a whole number per frame: even motion)."""
        if self.card.crawl is None:
            return 0
        return max(0, frame - self.crawl_from) * pixels_per_frame(self.card.crawl.px_per_s, fps)

    # -- changes ------------------------------------------------------------------
    def leave_at(self, frame: int, transition: Transition | None = None) -> Layer:
        """This layer starting to leave at ``frame`` (from wherever it is)."""
        if self.leaving:
            return self
        return replace(self, leaving=True, leave=transition or self.leave,
                       start_frame=frame, start_progress=self.progress(frame - 1), out_at=None)

    def with_card(self, card: RenderedCard) -> Layer:
        """The same layer, same motion and crawl position, showing ``card`` (an update)."""
        prepared, strip = prepare(card, slides=self.slides)
        return replace(self, card=card, prepared=prepared, strip=strip)

    @property
    def slides(self) -> bool:
        return "slide" in (self.enter.kind, self.leave.kind)


def pixels_per_frame(px_per_s: float, fps: int) -> int:
    return max(1, round(px_per_s / fps))


def prepare(card: RenderedCard, *, slides: bool = False) -> tuple[PreparedLayer, PreparedLayer | None]:
    """The composite-ready base image and crawl strip of ``card`` (once per change).

    A crawl lands on odd and even pixels, and so may a slide: the placements
    they need are built here, on the taking thread, not on the program's.
    """
    base = prepare_layer(card.base_rgba(), card.x, card.y)
    crawl = card.crawl
    strip = None
    if crawl is not None:
        strip = prepare_layer(crawl.strip, card.x + crawl.x, card.y + crawl.y)
        strip.warm(tuple(phase for phase in PHASES if phase[1] == strip.y % 2))
    if slides:
        base.warm()
        if strip is not None:
            strip.warm()
    return base, strip


def new_layer(name: str, card: RenderedCard, z: int, frame: int, *, enter: Transition,
              leave: Transition, duration_frames: int | None,
              previous: Layer | None = None) -> Layer:
    """A layer taken at ``frame``; if ``previous`` is on air, the card replaces it in place."""
    prepared, strip = prepare(card, slides="slide" in (enter.kind, leave.kind))
    out_at = frame + duration_frames if duration_frames else None
    if previous is not None and not previous.leaving:
        # Taking over a card on air: swap between two frames, keep its progress (no flicker).
        return replace(previous, card=card, prepared=prepared, strip=strip, z=z, leave=leave,
                       out_at=out_at, crawl_from=frame)
    start = previous.progress(frame - 1) if previous is not None else 0.0
    return Layer(name, card, prepared, strip, z, enter=enter, leave=leave, leaving=False,
                 start_frame=frame, start_progress=start, out_at=out_at, crawl_from=frame)
