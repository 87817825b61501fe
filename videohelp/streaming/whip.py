"""WHIP ingest (RFC 9725): a phone's camera and microphone, or OBS, as the program source.

``WhipSource`` is a program source like the camera: ``read()`` gives the newest received
picture (I420 at the program's size) or, when nothing arrived for ``hold_s``, the NO SIGNAL
slate; its ``audio`` (a ``SourceAudio``) goes into the program mix. It never waits: late or
lost packets degrade the picture (aiortc's decoder conceals, frames repeat), the program
goes on at its own rate.

``WhipIngest`` is the signalling: ``publish(offer)`` answers an SDP offer with an aiortc
``RTCPeerConnection`` whose tracks feed the source; one publisher at a time (a republish,
the phone back from a network change, replaces the previous one at once); ``end(id)`` is
the WHIP ``DELETE``. The HTTP side is ``whip_http``.

No STUN or TURN server is used (aiortc would default to a public one): the console is on the
studio network or reached over a VPN. A console that listens on loopback only keeps media
on loopback too (``loopback_only``): its own candidates are 127.0.0.1 and the offer's other
candidates are dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from videohelp.streaming import frames
from videohelp.streaming.capture import _slate
from videohelp.streaming.source_audio import PICTURE_DELAY_S, SourceAudio

log = logging.getLogger(__name__)

_LOOPBACK = ("127.", "::1")


class WhipError(Exception):
    """A WHIP request that cannot be served; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class WhipSource:
    """The newest WHIP picture, or the NO SIGNAL slate (see the module docstring)."""

    def __init__(self, width: int, height: int, *, hold_s: float = 2.0) -> None:
        frames.check_size(width, height)
        self.width, self.height = width, height
        self.hold_s = hold_s
        self.description = "WHIP"
        self.audio = SourceAudio("WHIP")
        self.frames = 0
        self.received_size: tuple[int, int] | None = None
        self.status = "waiting"
        self._newest: np.ndarray | None = None
        self._newest_at = 0.0
        self._lock = threading.Lock()
        self._slate = _slate(width, height, "WHIP")

    def read(self) -> np.ndarray:
        with self._lock:
            frame, at = self._newest, self._newest_at
        if frame is None or time.monotonic() - at > self.hold_s:
            return self._slate.copy()
        return frame.copy()

    def publish_frame(self, frame: Any) -> None:
        """A decoded ``av.VideoFrame``: scaled and converted to the program's I420 (swscale)."""
        self.received_size = (frame.width, frame.height)  # what the publisher sends now
        image = frame.reformat(width=self.width, height=self.height, format="yuv420p").to_ndarray()
        with self._lock:
            self._newest, self._newest_at = image, time.monotonic()
        self.frames += 1
        self.status = "live"

    def publish_audio(self, frame: Any) -> None:
        """A decoded ``av.AudioFrame``. Stamped ``PICTURE_DELAY_S`` ahead: the mixer asks for
        a source's sound before its picture airs, so sound stamped "now" would be read too
        late and lost; the sound is that much behind the picture instead (documented)."""
        self.audio.present = True
        self.audio.push_frame(frame, time.monotonic() + PICTURE_DELAY_S)

    def ended(self) -> None:
        """The publisher left: the slate after ``hold_s``, the sound stops at once."""
        self.status = "waiting"
        self.audio.restart()

    def close(self) -> None:
        self.status = "closed"


class WhipIngest:
    """WHIP sessions feeding one ``WhipSource`` (see the module docstring)."""

    def __init__(self, source: WhipSource, *, loopback_only: bool = True,
                 setup_timeout_s: float = 10.0) -> None:
        self.source = source
        self.loopback_only = loopback_only
        self.setup_timeout_s = setup_timeout_s
        self.sessions: dict[str, Any] = {}  # id -> RTCPeerConnection
        self._tasks: set[asyncio.Task] = set()
        # Scaling a 720p picture to a 1080p program costs ~7 ms (measured under load): on its
        # own thread, not the console's loop (ingest and seats share it).
        self._convert = ThreadPoolExecutor(1, thread_name_prefix="whip-video")
        self._closing = False

    async def publish(self, offer_sdp: str) -> tuple[str, str]:
        """Answer ``offer_sdp``; return (session id, answer SDP). Replaces any publisher."""
        from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

        if "m=video" not in offer_sdp and "m=audio" not in offer_sdp:
            raise WhipError(400, "the offer has no audio or video")
        if self.loopback_only:
            offer_sdp = _loopback_candidates(offer_sdp)
        for session in list(self.sessions):  # one picture on program: the newest publisher wins
            await self.end(session)
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        session = secrets.token_urlsafe(12)

        @pc.on("track")
        def on_track(track: Any) -> None:
            task = asyncio.ensure_future(self._consume(session, track))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            log.info("WHIP %s: %s", session, pc.connectionState)
            if pc.connectionState in ("failed", "closed"):
                await self.end(session)

        self.sessions[session] = pc
        try:
            with _host_addresses(self.loopback_only):
                async with asyncio.timeout(self.setup_timeout_s):
                    await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
                    await pc.setLocalDescription(await pc.createAnswer())
        except TimeoutError:
            await self.end(session)
            raise WhipError(503, "could not set up the connection in time") from None
        except (ValueError, KeyError, AttributeError) as exc:  # aiortc's refusals of an SDP
            await self.end(session)
            raise WhipError(400, f"unusable offer: {exc}") from None
        log.info("WHIP publisher %s connected", session)
        return session, pc.localDescription.sdp

    async def end(self, session: str) -> bool:
        pc = self.sessions.pop(session, None)
        if pc is None:
            return False
        await pc.close()
        if not self.sessions:
            self.source.ended()
        log.info("WHIP publisher %s ended", session)
        return True

    async def close(self) -> None:
        self._closing = True
        for session in list(self.sessions):
            await self.end(session)
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._convert.shutdown(wait=False)

    async def _consume(self, session: str, track: Any) -> None:
        from aiortc.mediastreams import MediaStreamError

        video = track.kind == "video"
        while session in self.sessions:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if session not in self.sessions:
                return
            try:
                if video:
                    await asyncio.get_running_loop().run_in_executor(
                        self._convert, self.source.publish_frame, frame)
                else:
                    self.source.publish_audio(frame)
            except RuntimeError:
                if self._closing:  # the converter shut down with the ingest
                    return
                log.exception("WHIP %s frame dropped", track.kind)
            except Exception:  # one bad frame is a glitch, never the end of the source
                log.exception("WHIP %s frame dropped", track.kind)


def _loopback_candidates(sdp: str) -> str:
    """The offer without ICE candidates off loopback (a loopback console talks to nobody else)."""
    lines = []
    for line in sdp.splitlines():
        if line.startswith("a=candidate:"):
            parts = line.split()
            if len(parts) > 4 and not parts[4].startswith(_LOOPBACK):
                continue
        lines.append(line)
    return "\r\n".join(lines) + "\r\n"


@contextlib.contextmanager
def _host_addresses(loopback_only: bool):  # type: ignore[no-untyped-def]
    """aioice offers every interface but loopback and has no option for it: while a loopback
    console gathers, it offers 127.0.0.1 only (gathering happens inside setLocalDescription)."""
    import aioice.ice

    if not loopback_only:
        yield
        return
    original = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"] if use_ipv4 else []
    try:
        yield
    finally:
        aioice.ice.get_host_addresses = original
