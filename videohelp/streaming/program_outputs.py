"""The outputs of one program, started and stopped while it runs, and their options.

``ProgramOutputs`` owns the program's audio input, its mix and a set of
``Output``s fed by one ``ProgramEngine``; the session (desk) and ``videohelp
serve`` both use it, so that "start an output" means the same thing
everywhere. Each output encodes on its own thread: a push and a recording
running together cost two x264 encodes (they may want different settings; see
docs/output.md).

Program sources are switched here (``set_source``), not on the engine: the
mix (``videohelp.streaming.mixer``) follows the picture, so a clip's sound goes
out with it and stops when the program cuts away.
"""

from __future__ import annotations

import argparse
import logging

from PySide6.QtCore import QObject, Qt, Signal

from videohelp.streaming.audio import AudioError, AudioInput, SilentAudio, open_audio
from videohelp.streaming.encoder import EncoderSettings
from videohelp.streaming.mixer import ProgramAudio, source_audio_of
from videohelp.streaming.outputs import Output, OutputError, parse_target
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.sources import Source, SourceError, open_source

log = logging.getLogger(__name__)

# What ``start_from_args`` raises for bad options (ValueError: an unknown x264 preset).
OUTPUT_ERRORS = (SourceError, OutputError, AudioError, ValueError)


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

    def __init__(self, engine: ProgramEngine, settings: EncoderSettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.settings = settings
        self.audio: AudioInput | SilentAudio = SilentAudio()  # the microphone or line input
        self.mixer = ProgramAudio(self.audio)  # what every output takes its sound from
        self.source: Source | None = None  # set by start_from_args; closed by stop_all
        self._outputs: list[Output] = []

    def outputs(self) -> list[Output]:
        return list(self._outputs)

    def start(self, target: str) -> Output:
        """Start pushing or recording the program to ``target``; ``OutputError`` if unusable."""
        output = Output(target, self.settings, self.mixer, parent=self)
        if any(running.target.url == output.target.url for running in self._outputs):
            raise OutputError(f"{output.name} is already running")
        name = output.name
        # Direct: re-emitted on the encoder thread, and Qt queues them to each receiver.
        # (Queued to us instead, they would pile up where no Qt loop runs: ``serve``.)
        direct = Qt.ConnectionType.DirectConnection
        output.stateChanged.connect(
            lambda state, message: self.outputStateChanged.emit(name, state, message), direct)
        output.statsChanged.connect(lambda stats: self.outputStatsChanged.emit(name, stats),
                                    direct)
        self._outputs.append(output)
        output.start(self.engine)
        self.outputsChanged.emit(self.names())
        return output

    def stop(self, output: Output | str) -> bool:
        """Stop one output (the object, its target or its name); False if no such output."""
        found = next((o for o in self._outputs
                      if o is output or output in (o.target.url, o.name)), None)
        if found is None:
            return False
        self._outputs.remove(found)
        found.stop()
        self.outputsChanged.emit(self.names())
        return True

    def stop_all(self) -> None:
        """Stop every output, then close the audio input (and the source we opened)."""
        for output in list(self._outputs):
            self.stop(output)
        self.mixer.close()
        self.audio.close()
        if self.source is not None:
            self.source.close()

    def names(self) -> list[str]:
        return [output.name for output in self._outputs]

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


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """``--source``, ``--output``, ``--record``, ``--audio``, ``--x264-preset``."""
    group = parser.add_argument_group("program output")
    group.add_argument("--source", metavar="SPEC",
                       help="program source: test, camera:0, file:PATH, clip:PATH or a stream "
                            "URL (default: test)")
    group.add_argument("--output", action="append", default=[], metavar="URL",
                       help="push the program to URL (rtmp://, rtmps://, srt://, udp://); "
                            "repeatable")
    group.add_argument("--record", action="append", default=[], metavar="FILE",
                       help="record the program to FILE (.mp4, .mkv, ...; strftime fields such "
                            "as %%Y%%m%%d-%%H%%M are filled in; never overwrites); repeatable")
    group.add_argument("--audio", metavar="SPEC", default="silent",
                       help="microphone or line input, mixed with the sound of the source: "
                            "silent, auto, alsa:DEVICE or lavfi:GRAPH (default: silent)")
    group.add_argument("--x264-preset", metavar="PRESET",
                       help="x264 preset (default: ultrafast above 720p, else veryfast)")


def start_from_args(args: argparse.Namespace, engine: ProgramEngine, width: int, height: int,
                    fps: int) -> ProgramOutputs:
    """``apply_output_args`` on new outputs of ``engine``."""
    outputs = ProgramOutputs(engine, settings_for(width, height, fps, args.x264_preset))
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
    for url in args.output:
        if "://" not in url:
            raise OutputError(f"--output takes a stream URL; record files with --record: {url}")
    targets = [*args.output, *args.record]
    for target in targets:
        parse_target(target)  # raises OutputError
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
