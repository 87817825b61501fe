"""One encode, many destinations: H.264 + AAC encoded once, the packets fanned out.

A platform push and a recording with the same settings used to run an x264
encode each (about 0.2 cores more per output at 1080p30). A ``SharedEncoder``
encodes the program once, on its own thread, and hands every packet to each
attached ``PacketSink`` (a destination's bounded queue, ``output_worker``);
each destination muxes the same packets into its own container and network
connection. Outputs that need another size or bitrate (a vertical crop for
Douyin, a weak uplink) get an encoder of their own: ``ProgramOutputs`` keys
encoders by their ``EncoderSettings``.

A destination that joins or reconnects mid-stream must start at a keyframe.
``request_keyframe`` makes the next frame an IDR (``pict_type = I`` with
x264's ``forced-idr``); the others just see one more keyframe in their GOP and
are never restarted.

Threads: ``submit`` (program thread) only appends to a bounded ``FrameQueue``
that drops the oldest frame when full; the encoder thread encodes and calls
``sink.put_many`` with each frame's packets on every sink, which never
blocks. So neither a slow encoder nor a slow destination ever delays the
program, and a slow destination never delays the encoder or the other
destinations. The pushes of an encoder are one sink together, its FLV
fan-out (``flv_fanout``): the packets are muxed to FLV once for all of them.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

import av
import numpy as np
from av.codec.context import Flags
from av.video.frame import PictureType

from videohelp.streaming import frames, workers
from videohelp.streaming.audio import SAMPLE_RATE, AudioFeed, AudioTap
from videohelp.streaming.encoder import (
    _BT601,
    _LIMITED_RANGE,
    AAC_FRAME,
    AUDIO_LEAD_S,
    EncoderSettings,
    FrameQueue,
)

if TYPE_CHECKING:
    from videohelp.streaming.layers import Layer
    from videohelp.streaming.profile_cards import ProfileCards

log = logging.getLogger(__name__)

AUDIO_TIME_BASE = Fraction(1, SAMPLE_RATE)


@dataclass(frozen=True)
class EncodedPacket:
    """One encoded packet, immutable: a recording builds its own ``av.Packet`` from it."""

    video: bool
    data: bytes
    pts: int  # in ``time_base``
    dts: int
    time_base: Fraction
    keyframe: bool
    # pts in seconds, computed once: every destination's queue reads it for every packet.
    seconds: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "seconds",
                           self.pts * self.time_base.numerator / self.time_base.denominator)


@dataclass(frozen=True)
class StreamParams:
    """What a muxer needs to describe the encoder's two streams (SPS/PPS, AAC config)."""

    settings: EncoderSettings
    video_extradata: bytes
    audio_extradata: bytes


class Fanout(Protocol):
    """What the encoder knows of its pushes' FLV fan-out (``flv_fanout.FlvFanout``)."""

    def detach(self, sink: Any) -> None: ...

    def close(self) -> None: ...


class PacketSink(Protocol):
    def put_many(self, packets: list[EncodedPacket]) -> None:
        """Take a frame's packets, in order (called on the encoder thread; must never
        block; must not change the list)."""


def fit(frame: np.ndarray, settings: EncoderSettings) -> np.ndarray:
    """The program frame at the encoder's size: scaled, or with ``crop`` cut to the
    encoder's shape first (a vertical 720x1280 from the middle of a 16:9 program)."""
    if frame.ndim == 3:  # a BGR picture (a test, a still): x264 takes I420
        frame = frames.from_bgr(frame)
    if settings.crop:
        return frames.crop_resize(frame, settings.width, settings.height)
    return frames.resize(frame, settings.width, settings.height)


class SharedEncoder:
    """H.264 + AAC of the program at one ``EncoderSettings``, for any number of sinks."""

    def __init__(self, settings: EncoderSettings, audio: AudioFeed, *, queue_len: int = 8,
                 cards: ProfileCards | None = None) -> None:
        self.settings = settings
        # Cards of its own (another shape than the program): fed by ``submit_clean``.
        self.cards = cards
        self._audio_feed = audio
        self._tap: AudioTap | None = None
        self.queue = FrameQueue(queue_len)
        self._sinks: list[PacketSink] = []
        self._sinks_lock = threading.Lock()
        self._keyframe = threading.Event()
        self.ready = threading.Event()  # the codecs are open: ``params`` is set
        self.params: StreamParams | None = None
        self.error: str | None = None
        self.dropped = 0  # program frames thrown away because this encoder fell behind
        self.frames = 0
        self.keyframes_forced = 0
        # The one FLV serialisation of this encoder's packets for every push
        # (``flv_fanout.fanout_of`` makes it when the first push connects).
        self.flv: Fanout | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"encoder {settings.width}x{settings.height}")
        workers.register(self)

    @property
    def label(self) -> str:
        s = self.settings
        crop = " crop" if s.crop else ""
        return f"{s.width}x{s.height}{crop} {s.fps} fps {s.video_bitrate // 1000} kbit/s {s.preset}"

    # -- any thread -------------------------------------------------------------------
    def start(self) -> None:
        self._tap = self._audio_feed.tap()
        self._thread.start()

    def submit(self, frame: np.ndarray, frame_no: int = 0) -> None:
        """A program frame (the program thread; never blocks, never copies)."""
        if self.queue.put(frame, time.monotonic()):
            self.dropped += 1

    def submit_clean(self, frame: np.ndarray, layers: tuple[Layer, ...], frame_no: int) -> None:
        """A program frame before its cards (the engine's clean tap, program thread): with
        ``cards``, this encoder copies its window and composites its own cards later."""
        assert self.cards is not None
        if self.queue.put((self.cards.window(frame), layers, frame_no), time.monotonic()):
            self.dropped += 1

    def attach(self, sink: PacketSink) -> None:
        """Send every packet from now on to ``sink`` (which asks for a keyframe if the next
        picture is not one: asking here would make two in a row when it is)."""
        with self._sinks_lock:
            self._sinks = [*self._sinks, sink]

    def detach(self, sink: PacketSink) -> None:
        with self._sinks_lock:
            self._sinks = [each for each in self._sinks if each is not sink]

    def sinks(self) -> int:
        return len(self._sinks)

    def request_keyframe(self) -> None:
        """Make the next encoded frame an IDR (a destination joined or lost packets)."""
        self._keyframe.set()

    def switch_audio(self, audio: AudioFeed) -> None:
        """Take the sound from ``audio`` from the next AAC frame on."""
        old_feed, old_tap = self._audio_feed, self._tap
        self._audio_feed = audio
        if old_tap is not None:
            self._tap = audio.tap()
            old_feed.untap(old_tap)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)
        if self._tap is not None:
            self._audio_feed.untap(self._tap)
            self._tap = None
        if self.flv is not None and not self._thread.is_alive():
            self.flv.close()

    def stop_for_exit(self) -> threading.Thread:
        self._stop.set()
        return self._thread

    # -- the encoder thread ---------------------------------------------------------------
    def _run(self) -> None:
        workers.lower_priority()  # before x264 starts its threads: they inherit it
        try:
            video, sound = self._open()
        except Exception as exc:  # an x264 option this build lacks: every sink fails
            self.error = f"cannot start the encoder: {exc}"
            log.error("encoder %s: %s", self.label, self.error)
            self.ready.set()
            return
        self.ready.set()
        try:
            self._encode_until_stopped(video, sound)
        except Exception as exc:  # a bug or a broken codec: say so, the program goes on
            self.error = f"the encoder stopped: {exc}"
            log.exception("encoder %s stopped", self.label)

    def _encode_until_stopped(self, video: av.VideoCodecContext,
                              sound: av.AudioCodecContext) -> None:
        fps = self.settings.fps
        time_base = Fraction(1, fps)
        first_at: float | None = None
        last_pts, samples = -1, 0
        while not self._stop.is_set():
            item = self.queue.get(timeout=0.2)
            if item is None:
                continue
            picture, at = item
            first_at = at if first_at is None else first_at
            pts = max(last_pts + 1, round((at - first_at) * fps))
            last_pts = pts
            fitted = (self.cards.compose(*picture) if self.cards is not None
                      else fit(picture, self.settings))
            frame = av.VideoFrame.from_numpy_buffer(fitted, format="yuv420p")
            frame.pts, frame.time_base = pts, time_base
            if self._keyframe.is_set():
                self._keyframe.clear()
                frame.pict_type = PictureType.I
                self.keyframes_forced += 1
            batch: list[EncodedPacket] = []
            self._wrap(video.encode(frame), True, batch)
            self.frames += 1
            # Audio up to this frame's end and AUDIO_LEAD_S beyond (see encoder.AUDIO_LEAD_S).
            until = ((pts + 1) / fps + AUDIO_LEAD_S) * SAMPLE_RATE
            while samples + AAC_FRAME <= until:
                tap = self._tap
                chunk = tap.read(AAC_FRAME) if tap is not None else np.zeros((2, AAC_FRAME),
                                                                             np.float32)
                audio_frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                audio_frame.sample_rate = SAMPLE_RATE
                audio_frame.pts, audio_frame.time_base = samples, AUDIO_TIME_BASE
                samples += AAC_FRAME
                self._wrap(sound.encode(audio_frame), False, batch)
            # A frame's packets go out together: each destination wakes once per frame, not
            # once per packet (the AAC frames take well under a millisecond to encode).
            if batch:
                for sink in self._sinks:  # a copy-on-write list: attach/detach replace it
                    sink.put_many(batch)

    def _open(self) -> tuple[av.VideoCodecContext, av.AudioCodecContext]:
        s = self.settings
        video = av.CodecContext.create("libx264", "w")
        assert isinstance(video, av.VideoCodecContext)
        video.width, video.height, video.pix_fmt = s.width, s.height, "yuv420p"
        video.time_base, video.framerate = Fraction(1, s.fps), Fraction(s.fps)
        video.bit_rate = s.video_bitrate
        video.color_primaries = video.color_trc = video.colorspace = _BT601
        video.color_range = _LIMITED_RANGE
        # forced-idr: a requested keyframe is an IDR, where a player may start decoding.
        video.options = {**s.x264_options(), "forced-idr": "1"}
        video.flags |= Flags.global_header  # SPS/PPS as extradata: FLV and MP4 want them there
        video.open()
        sound = av.CodecContext.create("aac", "w")
        assert isinstance(sound, av.AudioCodecContext)
        sound.sample_rate, sound.layout, sound.format = SAMPLE_RATE, "stereo", "fltp"
        sound.time_base = AUDIO_TIME_BASE
        sound.bit_rate = s.audio_bitrate
        sound.flags |= Flags.global_header
        sound.open()
        self.params = StreamParams(s, bytes(video.extradata or b""),
                                   bytes(sound.extradata or b""))
        return video, sound

    def _wrap(self, packets: list[av.Packet], video: bool, into: list[EncodedPacket]) -> None:
        for packet in packets:
            if packet.pts is None:
                continue
            into.append(EncodedPacket(video, bytes(packet), packet.pts,
                                      packet.pts if packet.dts is None else packet.dts,
                                      packet.time_base or (Fraction(1, self.settings.fps)
                                                           if video else AUDIO_TIME_BASE),
                                      packet.is_keyframe if video else True))


def add_streams(container: av.container.OutputContainer, params: StreamParams
                ) -> tuple[av.VideoStream, av.AudioStream]:
    """The encoder's two streams on ``container``, described for muxing (no codec opens)."""
    s = params.settings
    template = av.open(_Nowhere(), "w", format="mp4")  # any global-header format
    try:
        video_template = template.add_stream("libx264", rate=s.fps)
        audio_template = template.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        video = container.add_stream_from_template(video_template)
        audio = container.add_stream_from_template(audio_template)
    finally:
        template.close()
    context = video.codec_context
    context.width, context.height, context.pix_fmt = s.width, s.height, "yuv420p"
    context.time_base = video.time_base = Fraction(1, s.fps)
    context.framerate = Fraction(s.fps)
    context.bit_rate = s.video_bitrate
    context.color_primaries = context.color_trc = context.colorspace = _BT601
    context.color_range = _LIMITED_RANGE
    context.extradata = params.video_extradata
    sound = audio.codec_context
    sound.sample_rate, sound.layout, sound.format = SAMPLE_RATE, "stereo", "fltp"
    sound.time_base = audio.time_base = AUDIO_TIME_BASE
    sound.bit_rate = s.audio_bitrate
    sound.extradata = params.audio_extradata
    return video, audio


class _Nowhere:
    """The template container's file: nothing is ever written to it."""

    def write(self, data: bytes) -> int:
        return len(data)
