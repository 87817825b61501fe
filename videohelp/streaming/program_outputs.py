"""The outputs of one program, started and stopped while it runs, and their options.

``ProgramOutputs`` owns the program's audio input, its mix, its encoders and
a set of ``Output``s fed by one ``ProgramEngine``; the session (desk) and
``videohelp serve`` both use it, so that "start an output" means the same
thing everywhere. Outputs with equal encoder settings share one encoder
(``SharedEncoder``): three platforms and a recording cost one x264 encode.
An output whose destination asks for another profile (``output_config``: a
vertical crop, a lower bitrate) gets an encoder of its own, shared in turn
with any other output of the same profile. A profile of another shape than
the program (a vertical crop) composites cards laid out for its own frame
(``profile_cards``), on its own encoder thread: the program's 16:9 cards would
be cut.

``status()`` is a snapshot of every output (state, bitrate, drops,
reconnects, which encoder) for the desk, the seats and ``serve``'s status
log, which is written every ``STATUS_LOG_S`` while outputs run.

Program sources are switched here (``set_source``), not on the engine: the
mix (``videohelp.streaming.mixer``) follows the picture, so a clip's sound goes
out with it and stops when the program cuts away.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from videohelp.core.backoff import Backoff
from videohelp.streaming.audio import AudioError, AudioInput, SilentAudio, open_audio
from videohelp.streaming.cards import CardRenderer
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.mixer import ProgramAudio, source_audio_of
from videohelp.streaming.output_config import (
    Destination,
    parse_destinations,
    parse_profile,
    resolve_target,
)
from videohelp.streaming.outputs import Output, OutputError, parse_target
from videohelp.streaming.profile_cards import ProfileCards, needs_own_cards
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.shared_encoder import SharedEncoder
from videohelp.streaming.sources import Source, SourceError, open_source

log = logging.getLogger(__name__)

# What ``start_from_args`` raises for bad options (ValueError: an unknown x264 preset).
OUTPUT_ERRORS = (SourceError, OutputError, AudioError, ValueError)
# A status listener gets an event name and its data (no stream keys), on any thread:
# "output.state" when an output changes state, "output.status" every STATUS_LOG_S.
StatusListener = Callable[[str, dict[str, Any]], None]


def settings_for(width: int, height: int, fps: int, preset: str | None = None,
                 video_bitrate: int | None = None) -> EncoderSettings:
    """Encoder settings for a program: above 720p x264 ``ultrafast`` (what fits 0.8 of a
    core at 1080p30), else ``veryfast``; bitrates platforms accept for the size."""
    default_rate = 4_500_000 if height > 720 else 3_000_000 if height > 480 else 1_500_000
    return EncoderSettings(width, height, fps,
                           preset=preset or ("ultrafast" if height > 720 else "veryfast"),
                           video_bitrate=video_bitrate or default_rate)


class ProgramOutputs(QObject):
    """The program's outputs, its audio input and the mix of that input with the source's sound.

    Signals:
        outputsChanged(list): the running outputs' names (no stream keys), after a start or stop.
        outputStateChanged(str, str, str): an output's name, its new state and why.
        outputStatsChanged(str, object): an output's name and its ``OutputStats``.
    """

    outputsChanged = Signal(list)
    outputStateChanged = Signal(str, str, str)
    outputStatsChanged = Signal(str, object)

    STATUS_LOG_S = 10.0
    # Profiles of another shape composite their own cards (``profile_cards``). False cuts the
    # program's composite instead, the way before: for comparing the cost (bench/pipeline.py).
    OWN_CARDS = True

    def __init__(self, engine: ProgramEngine, settings: EncoderSettings,
                 parent: QObject | None = None, *, profiles: Mapping[str, str] | None = None,
                 destinations: Mapping[str, str] | None = None,
                 renderer: CardRenderer | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.settings = settings
        # The program's card renderer: a profile of another shape renders its cards with its
        # theme and catalog (``profile_cards``); without one, the default theme and catalog.
        self.renderer = renderer
        self.audio: AudioInput | SilentAudio = SilentAudio()  # the microphone or line input
        self.mixer = ProgramAudio(self.audio)  # what every output takes its sound from
        self.source: Source | None = None  # set by start_from_args; closed by stop_all
        self._outputs: list[Output] = []
        # Each running output's name -> the target as asked (a destination's name, a URL, a
        # recording's pattern): what crash recovery restarts it from (console.recovery).
        self.asked: dict[str, str] = {}
        self._encoders: dict[EncoderSettings, SharedEncoder] = {}
        self.profiles: dict[str, EncoderSettings] = {}
        self.destinations: dict[str, Destination] = {}
        self.config_error: str | None = None  # a bad outputs.* setting, told, not fatal
        try:
            self.configure(profiles or {}, destinations or {})
        except OutputError as exc:
            self.config_error = str(exc)
            log.warning("output settings: %s", exc)
        self._listeners: list[StatusListener] = []
        self.status_every = self.STATUS_LOG_S
        self._status_stop = threading.Event()
        self._status_thread: threading.Thread | None = None

    def configure(self, profiles: Mapping[str, str], destinations: Mapping[str, str]) -> None:
        """Encoder profiles and named destinations (``output_config``); ``OutputError`` if bad."""
        parsed = {name: parse_profile(text, self.settings) for name, text in profiles.items()}
        found = parse_destinations(destinations)
        for destination in found.values():
            if destination.profile and destination.profile not in parsed:
                raise OutputError(f"destination {destination.name!r}: no profile "
                                  f"{destination.profile!r} (profiles: "
                                  f"{', '.join(parsed) or 'none'})")
        self.profiles, self.destinations = parsed, found

    def outputs(self) -> list[Output]:
        return list(self._outputs)

    def encoders(self) -> list[SharedEncoder]:
        return list(self._encoders.values())

    def resolve(self, target: str, profile: str | None = None) -> tuple[str, str, EncoderSettings]:
        """(target, label, settings) for a destination's name or a URL/file, checked."""
        label = ""
        destination = self.destinations.get(target)
        if destination is not None:
            label, profile = destination.name, profile or destination.profile or None
            target = resolve_target(destination.target)
        if profile and profile not in self.profiles:
            raise OutputError(f"no encoder profile {profile!r} (profiles: "
                              f"{', '.join(self.profiles) or 'none'})")
        settings = self.profiles[profile] if profile else self.settings
        parse_target(target)  # OutputError with the reason
        return target, label, settings

    def start(self, target: str, profile: str | None = None, *,
              backoff: Backoff | None = None) -> Output:
        """Start pushing or recording the program to ``target`` (a URL, a file or a configured
        destination's name), sharing the encoder of any output with the same settings;
        ``OutputError`` if unusable."""
        url, label, settings = self.resolve(target, profile)
        parsed = dataclasses.replace(parse_target(url), label=label)
        if any(running.target.url == parsed.url for running in self._outputs):
            raise OutputError(f"{parsed.name} is already running")
        names = self.names()
        if parsed.name in names:  # two keys on one server look alike without them
            parsed = dataclasses.replace(parsed, label=_unique(parsed.name, names))
        encoder = self._encoder_for(settings)
        output = Output(parsed, settings, self.mixer, encoder=encoder, backoff=backoff,
                        parent=self)
        name = output.name
        # Direct: re-emitted on the muxer thread, and Qt queues them to each receiver.
        # (Queued to us instead, they would pile up where no Qt loop runs: ``serve``.)
        direct = Qt.ConnectionType.DirectConnection
        output.stateChanged.connect(
            lambda state, message: self._state(output, state, message), direct)
        output.statsChanged.connect(lambda stats: self.outputStatsChanged.emit(name, stats),
                                    direct)
        self._outputs.append(output)
        self.asked[name] = target
        output.start(self.engine)
        self._start_status_log()
        self.outputsChanged.emit(self.names())
        return output

    def _encoder_for(self, settings: EncoderSettings) -> SharedEncoder:
        encoder = self._encoders.get(settings)
        if encoder is None:
            own_cards = self.OWN_CARDS and needs_own_cards(settings, self.settings.width,
                                                           self.settings.height)
            cards = ProfileCards(settings, self.engine.fps, self.renderer) if own_cards else None
            encoder = self._encoders[settings] = SharedEncoder(settings, self.mixer, cards=cards)
            encoder.start()
            if cards is not None:  # the frame before the program's cards, its own on it
                self.engine.add_clean_tap(encoder.submit_clean)
            else:
                self.engine.add_sink(encoder.submit)
            log.info("encoder %s started%s", encoder.label,
                     " with cards laid out for its frame" if own_cards else "")
        return encoder

    def _release(self, encoder: SharedEncoder | None) -> None:
        if encoder is None or any(o.encoder is encoder for o in self._outputs):
            return
        self.engine.remove_sink(encoder.submit)
        self.engine.remove_clean_tap(encoder.submit_clean)
        self._encoders.pop(encoder.settings, None)
        encoder.stop()
        log.info("encoder %s stopped", encoder.label)

    def stop(self, output: Output | str) -> bool:
        """Stop one output (the object, its target or its name); False if no such output."""
        found = next((o for o in self._outputs
                      if o is output or output in (o.target.url, o.name)), None)
        if found is None:
            return False
        self._outputs.remove(found)
        self.asked.pop(found.name, None)
        encoder = found.encoder
        found.stop()
        self._release(encoder)
        self.outputsChanged.emit(self.names())
        return True

    def stop_all(self) -> None:
        """Stop every output, then close the audio input (and the source we opened)."""
        for output in list(self._outputs):
            self.stop(output)
        self._status_stop.set()
        if self._status_thread is not None:
            self._status_thread.join(2.0)
            self._status_thread = None
        self.mixer.close()
        self.audio.close()
        if self.source is not None:
            self.source.close()

    def names(self) -> list[str]:
        return [output.name for output in self._outputs]

    # -- status: the desk, the seats, serve's log -------------------------------------------
    def add_status_listener(self, listener: StatusListener) -> None:
        """``listener(event, data)`` on any thread: ``output.state`` at every state change,
        ``output.status`` (all outputs) every ``STATUS_LOG_S``; no stream keys."""
        self._listeners.append(listener)

    def status(self) -> list[dict[str, Any]]:
        """Every output's state and figures now (names without stream keys)."""
        return [output_status(output) for output in self._outputs]

    def _state(self, output: Output, state: str, message: str) -> None:
        self.outputStateChanged.emit(output.name, state, message)
        self._tell("output.state", output_status(output))

    def _tell(self, event: str, data: dict[str, Any]) -> None:
        for listener in list(self._listeners):
            try:
                listener(event, data)
            except Exception:
                log.exception("output status listener failed")

    def _start_status_log(self) -> None:
        if self._status_thread is not None:
            return
        self._status_stop.clear()
        self._status_thread = threading.Thread(target=self._status_log, name="output status",
                                               daemon=True)
        self._status_thread.start()

    def _status_log(self) -> None:
        while not self._status_stop.wait(self.status_every):
            statuses = self.status()
            if not statuses:
                continue
            for status in statuses:
                log.info("%s", format_status(status))
            self._tell("output.status", {"outputs": statuses})


    def set_audio(self, spec: str) -> None:
        """Switch the program's audio input, live; ``AudioError`` (nothing changed) if bad."""
        fresh = open_audio(spec)
        old, self.audio = self.audio, fresh
        self.mixer.set_input(fresh)  # each output's tap swaps its input half
        old.close()

    def set_source(self, source: Source) -> None:
        """Cut the program to ``source``: its picture on the engine, its sound (if it has
        any) into the mix; the old source is closed and its sound stops at once."""
        self.engine.set_source(source)
        self.mixer.set_source(source_audio_of(source))

    def swap_source(self, source: Source) -> Source:
        """Like ``set_source``, but the old source stays open and is returned (its sound
        leaves the mix at once): for putting it back later (``clip_air``)."""
        old = self.engine.swap_source(source)
        self.mixer.set_source(source_audio_of(source))
        return old


def _unique(name: str, names: list[str]) -> str:
    number = 2
    while f"{name} #{number}" in names:
        number += 1
    return f"{name} #{number}"


def output_status(output: Output) -> dict[str, Any]:
    """One output's status snapshot: what the desk, the seats and the log show."""
    stats = output.stats
    encoder = output.encoder
    return {"name": output.name, "state": str(output.state), "message": output.message,
            "kbps": round(stats.bitrate / 1000) if stats else 0,
            "fps": round(stats.fps, 1) if stats else 0.0,
            "dropped_packets": stats.dropped_packets if stats else 0,
            "dropped_frames": encoder.dropped if encoder is not None else 0,
            "reconnects": output.reconnects,
            "queued": stats.queued if stats else 0,
            "encoder": encoder.label if encoder is not None else ""}


def format_status(status: dict[str, Any]) -> str:
    """One line of ``serve``'s status log."""
    return (f"output {status['name']}: {status['state']}, {status['kbps']} kbit/s, "
            f"{status['fps']} fps, dropped {status['dropped_packets']} packets / "
            f"{status['dropped_frames']} frames, {status['reconnects']} reconnects "
            f"[encoder {status['encoder']}]")


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """``--source``, ``--output``, ``--record``, ``--audio``, ``--x264-preset``."""
    group = parser.add_argument_group("program output")
    group.add_argument("--source", metavar="SPEC",
                       help="program source: test, camera:0, file:PATH, clip:PATH or a stream "
                            "URL (default: test)")
    group.add_argument("--output", action="append", default=[], metavar="URL|NAME",
                       help="push the program to URL (rtmp://, rtmps://, udp://; srt:// if "
                            "FFmpeg has it) or to a destination named in the setting "
                            "outputs.destinations; repeatable; outputs with the same encoder "
                            "settings share one encode")
    group.add_argument("--record", action="append", default=[], metavar="FILE",
                       help="record the program to FILE (.mp4, .mkv, ...; strftime fields such "
                            "as %%Y%%m%%d-%%H%%M are filled in; never overwrites); repeatable")
    group.add_argument("--audio", metavar="SPEC", default="silent",
                       help="microphone or line input, mixed with the sound of the source: "
                            "silent, auto, alsa:DEVICE or lavfi:GRAPH (default: silent)")
    group.add_argument("--x264-preset", metavar="PRESET",
                       help="x264 preset (default: ultrafast above 720p, else veryfast)")
    group.add_argument("--status-every", metavar="SECONDS", type=float,
                       default=ProgramOutputs.STATUS_LOG_S,
                       help="log every output's state, bitrate, drops and reconnects this often "
                            "(default: %(default)g)")


def start_from_args(args: argparse.Namespace, engine: ProgramEngine, width: int, height: int,
                    fps: int, *, profiles: Mapping[str, str] | None = None,
                    destinations: Mapping[str, str] | None = None) -> ProgramOutputs:
    """``apply_output_args`` on new outputs of ``engine``. ``profiles`` and ``destinations``
    are the settings ``outputs.profiles`` and ``outputs.destinations`` (``output_config``)."""
    outputs = ProgramOutputs(engine, settings_for(width, height, fps, args.x264_preset),
                             profiles=profiles, destinations=destinations)
    apply_output_args(args, outputs, width, height, fps)
    return outputs


def apply_output_args(args: argparse.Namespace, outputs: ProgramOutputs, width: int, height: int,
                      fps: int) -> None:
    """Apply ``add_output_arguments``' options to ``outputs``: source, audio, outputs.

    Everything is checked before anything starts, so that a typo in the last
    ``--record`` does not leave a push running: ``SourceError``,
    ``AudioError``, ``OutputError`` (or ValueError: an unknown x264 preset) with the reason.
    """
    settings_for(width, height, fps, args.x264_preset)  # ValueError: bad preset
    outputs.status_every = max(0.2, args.status_every)
    if outputs.config_error:
        raise OutputError(outputs.config_error)
    for url in args.output:
        if "://" not in url and url not in outputs.destinations:
            raise OutputError(f"--output takes a stream URL or a destination named in the "
                              f"setting outputs.destinations; record files with --record: {url}")
    targets = [*args.output, *args.record]
    for target in targets:
        outputs.resolve(target)  # raises OutputError
    source = open_source(args.source, width, height, fps) if args.source else None
    try:
        outputs.set_audio(args.audio)
    except AudioError:
        if source is not None:
            source.close()
        raise
    if source is not None:
        outputs.set_source(source)
        outputs.source = source
    for target in targets:
        output = outputs.start(target)
        log.info("output %s started", output.name)
