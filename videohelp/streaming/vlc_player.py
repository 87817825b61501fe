"""A libvlc player as a QObject: the return feed and 锦囊口袋 clip previews.

The return feed is what viewers see, pulled from the platform's URL: a
monitor two or three seconds behind the program, not the preview. Clips are
previewed here; a clip played *to program* is decoded by a source
(``open_source("clip:PATH")``) so that it is composited under the cards.

libvlc is driven from the main thread only (``VlcThreadError`` otherwise):
its calls may block on its own locks, and a widget's window id must only be
handed over from the GUI thread. libvlc reports events on its own threads;
each callback only emits ``_vlcEvent``, which a queued connection delivers
on the main thread, where the typed signals are emitted. Nothing calls back
into libvlc from a libvlc thread (that deadlocks).
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import vlc
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

HEADLESS_ARGS = ("--vout=dummy", "--aout=dummy")
_BASE_ARGS = ("--quiet", "--no-video-title-show", "--no-xlib")

# libvlc event -> (our state name or None, how to read its value)
_EVENTS: dict[str, str | None] = {
    "MediaPlayerOpening": "opening",
    "MediaPlayerBuffering": None,
    "MediaPlayerPlaying": "playing",
    "MediaPlayerPaused": "paused",
    "MediaPlayerStopped": "stopped",
    "MediaPlayerEndReached": "ended",
    "MediaPlayerEncounteredError": "error",
    "MediaPlayerLengthChanged": None,
    "MediaPlayerTimeChanged": None,
    "MediaPlayerPositionChanged": None,
}


class VlcThreadError(RuntimeError):
    """libvlc was called from a thread other than the main thread."""


class VlcPlayer(QObject):
    """Plays a URL or file with libvlc into a window (or nowhere, headless).

    Signals:
        stateChanged(str): opening, playing, paused, stopped, ended or error.
        lengthChanged(int): the media's length in ms, once known.
        timeChanged(int): the playback time in ms.
        positionChanged(float): the playback position, 0.0 to 1.0.
        endReached(): the media played to its end.
        errorOccurred(str): libvlc could not open or play the media.
    """

    stateChanged = Signal(str)
    lengthChanged = Signal(int)
    timeChanged = Signal(int)
    positionChanged = Signal(float)
    endReached = Signal()
    errorOccurred = Signal(str)
    _vlcEvent = Signal(str, object)  # the hop from libvlc's threads to ours

    def __init__(self, *, headless: bool = False, extra_args: tuple[str, ...] = (),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._check_thread()
        self._instance = vlc.Instance([*_BASE_ARGS, *(HEADLESS_ARGS if headless else ()),
                                       *extra_args])
        if self._instance is None:
            raise RuntimeError("libvlc could not start (is VLC installed? vlc-plugin-base)")
        self._player = self._instance.media_player_new()
        self._mrl = ""
        self.state = "stopped"
        self._closed = False
        self._vlcEvent.connect(self._on_vlc_event, Qt.ConnectionType.QueuedConnection)
        self._manager = self._player.event_manager()
        self._attached: list[Any] = []
        for name in _EVENTS:
            event_type = getattr(vlc.EventType, name)
            self._manager.event_attach(event_type, self._callback, name)
            self._attached.append(event_type)

    # -- libvlc threads: emit only ---------------------------------------------------
    def _callback(self, event: Any, name: str) -> None:
        value: object = None
        if name == "MediaPlayerLengthChanged":
            value = int(event.u.new_length)
        elif name == "MediaPlayerTimeChanged":
            value = int(event.u.new_time)
        elif name == "MediaPlayerPositionChanged":
            value = float(event.u.new_position)
        self._vlcEvent.emit(name, value)

    # -- main thread --------------------------------------------------------------------
    @Slot(str, object)
    def _on_vlc_event(self, name: str, value: object) -> None:
        if self._closed:
            return  # queued before close()
        if name == "MediaPlayerLengthChanged":
            self.lengthChanged.emit(value)
        elif name == "MediaPlayerTimeChanged":
            self.timeChanged.emit(value)
        elif name == "MediaPlayerPositionChanged":
            self.positionChanged.emit(value)
        state = _EVENTS.get(name)
        if state is None or state == self.state:
            return
        self.state = state
        self.stateChanged.emit(state)
        if state == "ended":
            self.endReached.emit()
        elif state == "error":
            self.errorOccurred.emit(f"cannot play {self._mrl}")

    @staticmethod
    def _check_thread() -> None:
        app = QCoreApplication.instance()
        on_main = (QThread.currentThread() is app.thread() if app is not None
                   else threading.current_thread() is threading.main_thread())
        if not on_main:
            raise VlcThreadError("libvlc may only be used from the main thread")

    def play(self, mrl: str, *, network_caching_ms: int = 1000) -> None:
        """Play a URL (``rtmp://``, ``http://``, ...) or a local file path."""
        self._check_thread()
        if "://" in mrl:
            media = self._instance.media_new(mrl, f":network-caching={network_caching_ms}")
        else:
            media = self._instance.media_new_path(mrl)
        self._mrl = mrl
        self._player.set_media(media)
        media.release()  # the player holds its own reference
        if self._player.play() != 0:
            self.state = "error"
            self.stateChanged.emit("error")
            self.errorOccurred.emit(f"cannot play {mrl}")

    def stop(self) -> None:
        self._check_thread()
        self._player.stop()

    def pause(self, paused: bool = True) -> None:
        self._check_thread()
        self._player.set_pause(1 if paused else 0)

    def set_volume(self, volume: int) -> bool:
        """0-100 (up to 200 amplifies); False if there is no audio output to set it on."""
        self._check_thread()
        return self._player.audio_set_volume(max(0, min(200, int(volume)))) == 0

    def volume(self) -> int:
        self._check_thread()
        return int(self._player.audio_get_volume())

    def set_muted(self, muted: bool) -> None:
        self._check_thread()
        self._player.audio_set_mute(muted)

    def set_position(self, position: float) -> None:
        """Seek to ``position`` (0.0-1.0) of a seekable media."""
        self._check_thread()
        self._player.set_position(max(0.0, min(1.0, float(position))))

    def position(self) -> float:
        self._check_thread()
        return float(self._player.get_position())

    def time_ms(self) -> int:
        self._check_thread()
        return int(self._player.get_time())

    def length_ms(self) -> int:
        self._check_thread()
        return int(self._player.get_length())

    def set_window(self, win_id: int) -> None:
        """Render into the native window ``win_id`` (a widget's ``winId()``, given by the UI)."""
        self._check_thread()
        if sys.platform.startswith("linux"):
            self._player.set_xwindow(int(win_id))
        elif sys.platform == "win32":
            self._player.set_hwnd(int(win_id))
        elif sys.platform == "darwin":
            self._player.set_nsobject(int(win_id))

    def close(self) -> None:
        """Stop and release libvlc; no signal comes after this."""
        self._check_thread()
        if self._closed:
            return
        self._closed = True
        for event_type in self._attached:
            self._manager.event_detach(event_type)
        self._attached.clear()
        self._player.stop()
        self._player.release()
        self._instance.release()
