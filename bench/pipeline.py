#!/usr/bin/env python3
"""Program output figures: the whole pipeline's CPU, against ffmpeg, and take latency.

    .venv/bin/python bench/pipeline.py                  # every figure, 60 s runs
    .venv/bin/python bench/pipeline.py --seconds 600    # the full ten minutes per run
    .venv/bin/python bench/pipeline.py --only versus    # one part: pipeline, versus, latency

Parts (each against a real nginx-rtmp on 127.0.0.1 where a stream is involved):

- pipeline: test pattern -> full card set (lower third, Q&A, ticker, QR) ->
  program engine at 30 fps -> x264 + AAC -> RTMP push, at 1080p30 ``ultrafast``
  and 720p30 ``veryfast``. Cores = CPU time / wall time of this process (every
  thread: source, compositing, preview, conversion, x264, muxing) plus the
  output's pusher process (the RTMP connection); late frames = frames
  the program thread finished after their deadline; dropped = frames the
  encoder queue threw away.
- versus: the same 1080p30 input, the same Q&A card PNG and the same x264/AAC
  settings, as fast as possible, alternating rounds: videohelp (source thread
  -> composite -> OpenCV I420 -> x264 thread) against ``ffmpeg -filter_complex
  overlay``; frames per second, their ratio and CPU per frame. Two inputs:
  raw BGR frames (what a camera gives; videohelp converts them to I420 with
  OpenCV on the source thread, as its camera reader does, ffmpeg with swscale)
  and an H.264 file (both decode and blend in I420). Also the BGR->I420
  conversion, OpenCV vs PyAV's swscale.
- latency: take -> next composited frame (frames and ms), and take -> first
  frame showing the card decoded by ffmpeg pulling from the RTMP server.
- simulcast: side by side in one run, 1080p30 ``ultrafast`` with the full card
  set: one RTMP push, then three RTMP pushes (three applications of one
  nginx-rtmp) and an MP4 recording sharing one encode (``ProgramOutputs``).
  Cores of each (this process plus its pushers), their ratio, late program
  frames, drops; then, with the four outputs running, take -> card visible in
  the frames ffmpeg decodes from each of the three platforms. Prints whether
  each of issue 22's goals is met.
- vertical: a 1080p30 push plus a ``720x1280 crop`` push (Douyin's profile,
  its own encoder) with the full card set, alternating rounds: the vertical
  output compositing cards laid out for its frame against cutting the
  program's composite (the way before); the difference is what its own cards
  cost. Also per frame: the crop window's copy (program thread), the
  vertical composite (its encoder thread), and a card's render at 720x1280.
"""

from __future__ import annotations

import argparse
import os
import queue
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import av
import cv2
import numpy as np

# The same card set as the compositing benchmark, so the figures compare.
from compose import CARDS
from PySide6.QtGui import QGuiApplication

from tests.streaming.rtmp_server import FrameGrabber, NginxRtmp
from videohelp.streaming import frames as program_frames
from videohelp.streaming.capture import to_i420
from videohelp.streaming.cards import CardRenderer, RenderedCard
from videohelp.streaming.compositor import composite, prepare_layer
from videohelp.streaming.encoder import (
    AVEncoder,
    EncoderSettings,
    FrameQueue,
    bgr_to_video_frame,
)
from videohelp.streaming.outputs import Output
from videohelp.streaming.program import ProgramEngine
from videohelp.streaming.program_outputs import ProgramOutputs
from videohelp.streaming.sources import TestPatternSource


def pump(app: QGuiApplication, seconds: float) -> None:
    """Let queued signals arrive (output states and stats) while time passes."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.05)


def cards(width: int, height: int) -> dict[str, RenderedCard]:
    renderer = CardRenderer(width, height)
    return {name: renderer.render(name, data) for name, data in CARDS.items()}


# -- pipeline ------------------------------------------------------------------------
def run_pipeline(app: QGuiApplication, server: NginxRtmp, width: int, height: int,
                 preset: str, seconds: float) -> dict[str, float]:
    settings = EncoderSettings(width, height, 30, preset=preset,
                               video_bitrate=4_500_000 if height > 720 else 3_000_000)
    engine = ProgramEngine(TestPatternSource(width, height), fps=30)
    for name, card in cards(width, height).items():
        engine.take(name, card)
    work = program_work_ms(engine, 150)
    output = Output(server.url(f"bench{height}"), settings)
    states: list[str] = []
    output.stateChanged.connect(lambda state, _message: states.append(state))
    engine.start()
    output.start(engine)
    pump(app, 2.0)  # connect, x264 warm-up
    stats0 = output.stats
    late0 = engine.late_frames
    frames0, bytes0 = (stats0.frames, stats0.bytes) if stats0 else (0, 0)
    pusher = output.pusher_pid
    assert pusher is not None, "no pusher process"
    cpu0, pusher0, wall0 = time.process_time(), process_cpu(pusher), time.monotonic()
    pump(app, seconds)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    pusher_cpu = process_cpu(pusher) - pusher0
    stats = output.stats
    output.stop()
    engine.stop()
    assert stats is not None and states.count("live") == 1 and "reconnecting" not in states, states
    return {"work_median": statistics.median(work), "work_p99": work[int(len(work) * 0.99)],
            "cores": (cpu + pusher_cpu) / wall, "pusher_cores": pusher_cpu / wall,
            "late": engine.late_frames - late0,
            "dropped": stats.dropped, "fps": (stats.frames - frames0) / wall,
            "kbps": (stats.bytes - bytes0) * 8 / wall / 1000}


def program_work_ms(engine: ProgramEngine, frames: int) -> list[float]:
    """What the program thread does per frame, without its pacing: read the source,
    composite the layers, scale the preview (sorted, in ms)."""
    times = []
    for _ in range(frames):
        started = time.perf_counter()
        frame = engine.render_frame()
        program_frames.preview_bgr(frame, engine.preview_width)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- versus ffmpeg -------------------------------------------------------------------
def make_inputs(work: Path, seconds: int) -> tuple[Path, Path]:
    """The same picture twice: an H.264 file and raw BGR frames (what a camera source gives)."""
    encoded, raw = work / "input.mp4", work / "input.bgr"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size=1920x1080:rate=30:duration={seconds}", "-c:v", "libx264",
                    "-preset", "veryfast", "-g", "60", "-pix_fmt", "yuv420p", str(encoded)],
                   check=True, timeout=300)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(encoded), "-f", "rawvideo",
                    "-pix_fmt", "bgr24", str(raw)], check=True, timeout=300)
    return encoded, raw


def ffmpeg_overlay(source: Path, png: Path, card: RenderedCard, settings: EncoderSettings,
                   out: Path) -> tuple[float, float]:
    """Wall time and CPU time (all of ffmpeg's threads) of the ffmpeg run."""
    raw = ["-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{settings.width}x{settings.height}",
           "-r", str(settings.fps)] if source.suffix == ".bgr" else []
    cpu0 = _children_cpu()
    started = time.monotonic()
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", *raw, "-i", str(source), "-i", str(png),
         "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
         "-filter_complex", f"[0:v][1:v]overlay={card.x}:{card.y}[v]", "-map", "[v]",
         "-map", "2:a", "-shortest", "-pix_fmt", "yuv420p",
         "-c:v", "libx264", "-preset", settings.preset, "-tune", settings.tune,
         "-g", str(settings.gop), "-keyint_min", str(settings.gop), "-sc_threshold", "0",
         "-b:v", str(settings.video_bitrate), "-maxrate", str(settings.video_bitrate),
         "-bufsize", str(settings.video_bitrate), "-c:a", "aac", "-b:a", "128k", str(out)],
        check=True, timeout=600)
    return time.monotonic() - started, _children_cpu() - cpu0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def read_frames(source: Path, settings: EncoderSettings, out: queue.Queue) -> None:
    """The source thread, as the live sources do it: decode the H.264 file to I420 (PyAV), or
    read raw BGR and convert it to I420 with OpenCV (the camera reader)."""
    if source.suffix == ".bgr":
        size = settings.width * settings.height * 3
        frame = np.empty((settings.height, settings.width, 3), np.uint8)
        with source.open("rb") as raw:
            while raw.readinto(memoryview(frame).cast("B")) == size:
                out.put(program_frames.from_bgr(frame))
    else:
        with av.open(str(source)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for decoded in container.decode(stream):
                out.put(to_i420(decoded))
    out.put(None)


def videohelp_compose(source: Path, card: RenderedCard, settings: EncoderSettings,
                      out: Path) -> tuple[float, float, int]:
    """Source thread -> composite (this thread) -> encoder thread, like the live pipeline."""
    layer = prepare_layer(card.rgba, card.x, card.y)
    frames: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=4)
    encode_queue = FrameQueue(maxlen=4)
    done = threading.Event()
    count = 0

    def encode() -> None:
        with av.open(str(out), "w") as container:
            encoder = AVEncoder(container, settings)
            index = 0
            while not (done.is_set() and len(encode_queue) == 0):
                item = encode_queue.get(timeout=0.1)
                if item is not None:
                    encoder.encode(item[0], index / settings.fps)
                    index += 1
            encoder.flush()

    cpu0 = time.process_time()
    started = time.monotonic()
    threads = [threading.Thread(target=read_frames, args=(source, settings, frames)),
               threading.Thread(target=encode)]
    for thread in threads:
        thread.start()
    while (frame := frames.get()) is not None:
        composite(frame, layer)
        encode_queue.put(frame, 0.0, block=True)  # offline: wait instead of dropping
        count += 1
    done.set()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, time.process_time() - cpu0, count


def conversion_ms() -> tuple[float, float]:
    bgr = program_frames.to_bgr(TestPatternSource(1920, 1080).read())

    def timed(func) -> float:
        func()
        start = time.perf_counter()
        for _ in range(50):
            func()
        return (time.perf_counter() - start) / 50 * 1000

    ours = timed(lambda: bgr_to_video_frame(bgr))
    pyav = timed(lambda: av.VideoFrame.from_ndarray(bgr, format="bgr24").reformat(
        format="yuv420p"))
    return ours, pyav


def run_versus(seconds: int, rounds: int, work: Path) -> dict[str, dict]:
    inputs = make_inputs(work, seconds)
    png = work / "card.png"
    card = cards(1920, 1080)["qa"]
    assert card.to_qimage().save(str(png)), "cannot write the card PNG"
    settings = EncoderSettings(1920, 1080, 30, preset="ultrafast")
    frames = seconds * 30
    results: dict[str, dict] = {}
    for source in inputs:
        ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
        for index in range(rounds):  # alternate, so that machine load hits both alike
            elapsed, cpu = ffmpeg_overlay(source, png, card, settings, work / f"ff{index}.mp4")
            theirs.append(frames / elapsed)
            theirs_cpu.append(cpu / frames * 1000)
            elapsed, cpu, count = videohelp_compose(source, card, settings,
                                                    work / f"vh{index}.mp4")
            assert count == frames, (count, frames)
            ours.append(frames / elapsed)
            ours_cpu.append(cpu / frames * 1000)
        results[source.suffix] = {
            "videohelp_fps": max(ours), "ffmpeg_fps": max(theirs), "ratio": max(ours) / max(theirs),
            "videohelp_all": ours, "ffmpeg_all": theirs,
            "videohelp_cpu_ms": min(ours_cpu), "ffmpeg_cpu_ms": min(theirs_cpu)}
    cv_ms, pyav_ms = conversion_ms()
    results["conversion"] = {"cvt_ms": cv_ms, "pyav_ms": pyav_ms}
    return results


# -- latency ---------------------------------------------------------------------------
def run_latency(app: QGuiApplication, server: NginxRtmp, takes: int) -> dict[str, list[float]]:
    width, height = 1920, 1080
    card = cards(width, height)["qa"]
    engine = ProgramEngine(TestPatternSource(width, height), fps=30)
    seen: list[tuple[float, int]] = []
    engine.add_sink(lambda frame, frame_no: seen.append((time.monotonic(), frame_no)))
    output = Output(server.url("latency"), EncoderSettings(width, height, 30, preset="ultrafast"))
    engine.start()
    output.start(engine)
    small = (640, 360)
    region = tuple(int(v * small[0] / width) for v in (card.x, card.y, card.x + card.size[0],
                                                       card.y + card.size[1]))
    grabber = FrameGrabber(server.url("latency"), *small)
    next_frame_ms, next_frames, stream_ms = [], [], []
    try:
        deadline = time.monotonic() + 20
        while grabber.count() < 10 and time.monotonic() < deadline:
            pump(app, 0.1)
        assert grabber.count() >= 10, "ffmpeg got no frames from the server"
        x0, y0, x1, y1 = region
        for _ in range(takes):
            clean = grabber.latest()[y0:y1, x0:x1].astype(np.int16)
            frame_before = seen[-1][1]
            taken = time.monotonic()
            engine.take("qa", card)
            while not seen or seen[-1][0] < taken:
                time.sleep(0.001)
            first = next(entry for entry in seen if entry[0] >= taken)
            next_frame_ms.append((first[0] - taken) * 1000)
            next_frames.append(first[1] - frame_before)
            arrived = None
            end = taken + 3
            while arrived is None and time.monotonic() < end:
                for at, frame in grabber.since(taken):
                    if np.abs(frame[y0:y1, x0:x1].astype(np.int16) - clean).mean() > 25:
                        arrived = at
                        break
                time.sleep(0.002)
            assert arrived is not None, "the card never showed in the stream"
            stream_ms.append((arrived - taken) * 1000)
            engine.clear("qa")
            pump(app, 1.0)
    finally:
        grabber.close()
        output.stop()
        engine.stop()
    return {"next_frame_ms": next_frame_ms, "next_frames": next_frames, "stream_ms": stream_ms}


# -- simulcast --------------------------------------------------------------------------
PLATFORMS = ("app", "zlb", "douyin")


def measure_cores(app: QGuiApplication, outputs: list[Output], seconds: float
                  ) -> tuple[float, float, dict[str, float]]:
    """(cores of this process and the outputs' pushers, pushers' share, cores per thread
    of this process by name) over ``seconds``."""
    pushers = [pid for output in outputs if (pid := output.pusher_pid) is not None]
    threads0 = thread_cpu()
    cpu0, wall0 = time.process_time(), time.monotonic()
    pushers0 = sum(process_cpu(pid) for pid in pushers)
    pump(app, seconds)
    wall = time.monotonic() - wall0
    pusher_cpu = sum(process_cpu(pid) for pid in pushers) - pushers0
    per_thread: dict[str, float] = {}
    for tid, (name, cpu) in thread_cpu().items():
        used = cpu - threads0.get(tid, (name, 0.0))[1]
        per_thread[name] = per_thread.get(name, 0.0) + used / wall
    return (time.process_time() - cpu0 + pusher_cpu) / wall, pusher_cpu / wall, per_thread


def thread_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds of each thread of this process, by kernel thread id, named by its Python
    thread (x264's and other native threads: "native", the main thread: "main")."""
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    main = threading.main_thread().native_id
    found = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended meanwhile
        tid = int(task.name)
        name = "main" if tid == main else names.get(tid, "native")
        # One name per kind: "output app" and "output zlb" stay apart, numbers do not matter.
        found[tid] = (name, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
    return found


def wait_live(app: QGuiApplication, outputs: list[Output], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not all(output.state == "live" for output in outputs):
        assert time.monotonic() < deadline, [(o.name, o.state) for o in outputs]
        pump(app, 0.1)


def run_simulcast(app: QGuiApplication, work: Path, seconds: float, rounds: int,
                  takes: int) -> dict:
    """Alternating rounds (one push, then three pushes + a recording, ...), so that the
    machine's load hits both alike; then take latency with the four outputs running."""
    width, height = 1920, 1080
    settings = EncoderSettings(width, height, 30, preset="ultrafast", video_bitrate=4_500_000)
    server = NginxRtmp(work / "platforms", applications=PLATFORMS)
    server.start()
    rendered = cards(width, height)
    result: dict = {"single": [], "shared": [], "loads": []}
    try:
        for index in range(rounds):
            for kind in ("single", "shared"):
                engine, outputs, running = simulcast_arm(app, work, server, settings, rendered,
                                                         kind, f"{kind}{index}")
                try:
                    late0, encoder = engine.late_frames, running[0].encoder
                    assert encoder is not None
                    frames0 = encoder.frames
                    cores, pushers, threads = measure_cores(app, running, seconds)
                    result[kind].append({
                        "cores": cores, "pushers": pushers, "threads": threads,
                        "late": engine.late_frames - late0,
                        "fps": (encoder.frames - frames0) / seconds,
                        "encoders": len(outputs.encoders()) if outputs else 1,
                        "status": outputs.status() if outputs else []})
                    result["loads"].append(os.getloadavg()[0])
                    if kind == "shared" and index == rounds - 1:
                        result["latency"] = take_latency(app, engine, rendered["qa"], server,
                                                         takes)
                finally:
                    if outputs is not None:
                        outputs.stop_all()
                    for output in running:
                        output.stop()
                    engine.stop()
    finally:
        server.stop()
    return result


def simulcast_arm(app: QGuiApplication, work: Path, server: NginxRtmp, settings: EncoderSettings,
                  rendered: dict[str, RenderedCard], kind: str, tag: str
                  ) -> tuple[ProgramEngine, ProgramOutputs | None, list[Output]]:
    """A running program with the full card set and one push, or three and a recording."""
    engine = ProgramEngine(TestPatternSource(settings.width, settings.height), fps=30)
    for name, card in rendered.items():
        engine.take(name, card)
    engine.start()
    if kind == "single":
        single = Output(server.url(f"single-{tag}", "app"), settings)
        single.start(engine)
        outputs, running = None, [single]
    else:
        outputs = ProgramOutputs(engine, settings, destinations={
            name: server.url(f"{name}-key", name) for name in PLATFORMS})
        for name in PLATFORMS:
            outputs.start(name)
        outputs.start(str(work / f"simulcast-{tag}.mp4"))
        running = outputs.outputs()
    wait_live(app, running)
    pump(app, 3.0)  # x264 warm-up, the pushers' first keyframe
    return engine, outputs, running


def take_latency(app: QGuiApplication, engine: ProgramEngine, card: RenderedCard,
                 server: NginxRtmp, takes: int) -> dict[str, list[float]]:
    """Take -> the card seen in the frames ffmpeg decodes from each platform (ms)."""
    small = (480, 270)
    x0, y0, x1, y1 = (int(v * small[0] / 1920) for v in (card.x, card.y, card.x + card.size[0],
                                                         card.y + card.size[1]))
    engine.clear("qa")
    grabbers = {name: FrameGrabber(server.url(f"{name}-key", name), *small) for name in PLATFORMS}
    seen: dict[str, list[float]] = {name: [] for name in PLATFORMS}
    try:
        deadline = time.monotonic() + 20
        while min(g.count() for g in grabbers.values()) < 10 and time.monotonic() < deadline:
            pump(app, 0.1)
        pump(app, 1.0)
        for _ in range(takes):
            clean = {name: g.latest()[y0:y1, x0:x1].astype(np.int16)
                     for name, g in grabbers.items()}
            taken = time.monotonic()
            engine.take("qa", card)
            for name, grabber in grabbers.items():
                arrived = None
                end = taken + 3
                while arrived is None and time.monotonic() < end:
                    for at, frame in grabber.since(taken):
                        if np.abs(frame[y0:y1, x0:x1].astype(np.int16) - clean[name]).mean() > 25:
                            arrived = at
                            break
                    time.sleep(0.002)
                assert arrived is not None, f"the card never showed on {name}"
                seen[name].append((arrived - taken) * 1000)
            engine.clear("qa")
            pump(app, 1.0)
    finally:
        for grabber in grabbers.values():
            grabber.close()
    return seen


# Issue 22's goals for the side-by-side run.
GOAL_RATIO = 1.15
GOAL_P50_MS, GOAL_MAX_MS = 150.0, 250.0


def print_simulcast(result: dict, seconds: float, threads: bool = False) -> bool:
    """Print the figures and whether each goal is met; True if all are."""
    single = statistics.mean(r["cores"] for r in result["single"])
    shared = statistics.mean(r["cores"] for r in result["shared"])
    single_fps = statistics.mean(r["fps"] for r in result["single"])
    shared_fps = statistics.mean(r["fps"] for r in result["shared"])
    per_frame = (shared / shared_fps) / (single / single_fps)
    loads = result["loads"]
    print(f"simulcast 1080p30 ultrafast, full card set, {len(result['single'])} alternating "
          f"rounds of {seconds:.0f} s, load average {min(loads):.1f}-{max(loads):.1f}:")
    for kind, label in (("single", "one push"), ("shared", "three pushes + MP4 recording")):
        for r in result[kind]:
            print(f"  {label}: {r['cores']:.3f} cores (pushers {r['pushers']:.3f}), "
                  f"{r['fps']:.1f} fps encoded, {r['late']} late frames, {r['encoders']} encoder(s)")
            if threads:
                busy = sorted(r["threads"].items(), key=lambda item: -item[1])
                print("    threads: " + ", ".join(f"{name} {cores:.3f}" for name, cores in busy
                                                  if cores >= 0.0005))
    ratio = shared / single
    print(f"  ratio {ratio:.2f}x in cores, {per_frame:.2f}x in CPU per encoded frame "
          f"(one push {single:.3f}, four outputs {shared:.3f} cores)")
    dropped = 0
    for status in result["shared"][-1]["status"]:
        dropped += status["dropped_packets"]
        print(f"  {status['name']}: {status['kbps']} kbit/s, {status['fps']} fps, dropped "
              f"{status['dropped_packets']} packets / {status['dropped_frames']} frames")
    everything = [ms for values in result["latency"].values() for ms in values]
    for name, values in result["latency"].items():
        print(f"  take -> card decoded from {name}: {statistics.median(values):.0f} ms median, "
              f"{max(values):.0f} ms max over {len(values)} takes")
    p50, worst = statistics.median(everything), max(everything)
    print(f"  take -> card, every platform: p50 {p50:.0f} ms, max {worst:.0f} ms")
    late = sum(r["late"] for r in result["shared"])
    late_single = sum(r["late"] for r in result["single"])
    goals = [
        (f"CPU of three pushes + recording <= {GOAL_RATIO:.2f}x one push", ratio <= GOAL_RATIO,
         f"{ratio:.3f}x"),
        ("0 late program frames with the four outputs", late == 0,
         f"{late} in {len(result['shared']) * seconds:.0f} s (one push: {late_single})"),
        (f"take -> card p50 <= {GOAL_P50_MS:.0f} ms and max <= {GOAL_MAX_MS:.0f} ms",
         p50 <= GOAL_P50_MS and worst <= GOAL_MAX_MS, f"p50 {p50:.0f} ms, max {worst:.0f} ms"),
        ("no packet dropped by a destination", dropped == 0, f"{dropped} dropped"),
    ]
    for text, met, figure in goals:
        print(f"  goal {text}: {'met' if met else 'NOT MET'} ({figure})")
    met_all = all(met for _text, met, _figure in goals)
    print(f"  simulcast goals: {'all met' if met_all else 'NOT all met'} "
          f"(load average {os.getloadavg()[0]:.1f} at the end)")
    return met_all


# -- vertical profile --------------------------------------------------------------------
def run_vertical(app: QGuiApplication, work: Path, seconds: float, rounds: int) -> dict:
    """A landscape push and a vertical push, the vertical with its own cards or cutting the
    program's composite, alternating rounds; cores of each."""
    settings = EncoderSettings(1920, 1080, 30, preset="ultrafast", video_bitrate=4_500_000)
    server = NginxRtmp(work / "vertical", applications=("app", "douyin"))
    server.start()
    rendered = cards(1920, 1080)
    result: dict = {"own": [], "cut": [], "loads": []}
    try:
        for index in range(rounds):
            for kind in ("own", "cut"):
                ProgramOutputs.OWN_CARDS = kind == "own"
                engine = ProgramEngine(TestPatternSource(1920, 1080), fps=30)
                for name, card in rendered.items():
                    engine.take(name, card)
                engine.start()
                outputs = ProgramOutputs(engine, settings, profiles={
                    "vertical": "720x1280 crop 2000k"}, destinations={
                    "app": server.url(f"app-{kind}{index}", "app"),
                    "douyin": server.url(f"dy-{kind}{index}", "douyin") + " profile=vertical"})
                try:
                    outputs.start("app")
                    outputs.start("douyin")
                    wait_live(app, outputs.outputs())
                    pump(app, 3.0)
                    late0 = engine.late_frames
                    cores, pushers, threads = measure_cores(app, outputs.outputs(), seconds)
                    tall = next(e for e in outputs.encoders() if e.settings.height == 1280)
                    result[kind].append({"cores": cores, "pushers": pushers, "threads": threads,
                                         "late": engine.late_frames - late0,
                                         "rendered": tall.cards.rendered if tall.cards else 0})
                    result["loads"].append(os.getloadavg()[0])
                finally:
                    outputs.stop_all()
                    engine.stop()
    finally:
        ProgramOutputs.OWN_CARDS = True
        server.stop()
    result["steps"] = vertical_steps(rendered)
    return result


def vertical_steps(rendered: dict[str, RenderedCard]) -> dict[str, float]:
    """Per frame: the crop window's copy, the vertical composite with the full card set; and
    the renderings at 720x1280 (ms)."""
    from videohelp.streaming.layers import CUT, new_layer
    from videohelp.streaming.profile_cards import ProfileCards

    tall = EncoderSettings(720, 1280, 30, preset="ultrafast", crop=True)
    profile = ProfileCards(tall, 30)
    program = TestPatternSource(1920, 1080).read()
    layers = tuple(new_layer(name, card, z, 1, enter=CUT, leave=CUT, duration_frames=None)
                   for z, (name, card) in enumerate(rendered.items()))
    started = time.perf_counter()
    profile.compose(profile.window(program), layers, 2)  # renders every card once
    first = (time.perf_counter() - started) * 1000

    def timed(func, count: int = 60) -> float:
        func()
        start = time.perf_counter()
        for _ in range(count):
            func()
        return (time.perf_counter() - start) / count * 1000

    window = profile.window(program)
    return {"copy_ms": timed(lambda: profile.window(program)),
            "compose_ms": timed(lambda: profile.compose(window, layers, 3)),
            "scale_ms": timed(lambda: program_frames.resize(window, 720, 1280)),
            "cut_ms": timed(lambda: program_frames.crop_resize(program, 720, 1280)),
            "first_ms": first, "cards": len(layers)}


def print_vertical(result: dict, seconds: float) -> None:
    own = statistics.mean(r["cores"] for r in result["own"])
    cut = statistics.mean(r["cores"] for r in result["cut"])
    loads = result["loads"]
    print(f"vertical profile 720x1280 crop beside a 1080p30 push, full card set, "
          f"{len(result['own'])} alternating rounds of {seconds:.0f} s, load average "
          f"{min(loads):.1f}-{max(loads):.1f}:")
    for kind, label in (("own", "cards laid out for 720x1280"), ("cut", "program's cards cut")):
        for r in result[kind]:
            print(f"  {label}: {r['cores']:.3f} cores (pushers {r['pushers']:.3f}), "
                  f"{r['late']} late frames, {r['rendered']} cards rendered at 720x1280")
    print(f"  its own cards cost {own - cut:+.3f} cores ({own:.3f} against {cut:.3f})")
    steps = result["steps"]
    print(f"  per frame: crop window copy {steps['copy_ms']:.2f} ms (program thread); on its "
          f"encoder thread scale + {steps['cards']} cards {steps['compose_ms']:.2f} ms (the "
          f"scale alone {steps['scale_ms']:.2f} ms) against {steps['cut_ms']:.2f} ms to cut "
          f"and scale the composited program; first frame with the cards (rendering them) "
          f"{steps['first_ms']:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each pipeline run")
    parser.add_argument("--versus-seconds", type=int, default=10, help="length of the input file")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the side-by-side run")
    parser.add_argument("--takes", type=int, default=10, help="takes for the latency figures")
    parser.add_argument("--only", choices=("pipeline", "versus", "latency", "simulcast",
                                           "vertical"))
    parser.add_argument("--simulcast-seconds", type=float, default=20.0,
                        help="length of each side of the simulcast run")
    parser.add_argument("--threads", action="store_true",
                        help="simulcast: also print each thread's cores (which costs what)")
    parser.add_argument("--size", action="append", choices=("1080p", "720p"),
                        help="pipeline runs to make (default: both)")
    args = parser.parse_args()
    app = QGuiApplication([])
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"PyAV {av.__version__} (FFmpeg "
          f"{'.'.join(map(str, av.library_versions['libavcodec']))} libavcodec), "
          f"OpenCV {cv2.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = NginxRtmp(work / "nginx")
        server.start()
        try:
            if args.only in (None, "pipeline"):
                runs = {"1080p": (1920, 1080, "ultrafast"), "720p": (1280, 720, "veryfast")}
                for size in args.size or list(runs):
                    width, height, preset = runs[size]
                    result = run_pipeline(app, server, width, height, preset, args.seconds)
                    print(f"pipeline {height}p30 {preset:9s} {args.seconds:.0f} s: "
                          f"{result['cores']:.2f} cores (pusher process "
                          f"{result['pusher_cores']:.2f}), {result['late']:.0f} late frames, "
                          f"{result['dropped']:.0f} dropped, {result['fps']:.1f} fps encoded, "
                          f"{result['kbps']:.0f} kbit/s; program thread work per frame "
                          f"{result['work_median']:.1f} ms median, {result['work_p99']:.1f} ms "
                          f"p99 of {1000 / 30:.1f} ms")
            if args.only in (None, "versus"):
                results = run_versus(args.versus_seconds, args.rounds, work)
                for suffix, label in ((".bgr", "raw BGR frames (camera case)"),
                                      (".mp4", "H.264 file (file case)")):
                    result = results[suffix]
                    print(f"versus 1080p30 ultrafast + Q&A card, input {label}: videohelp "
                          f"{result['videohelp_fps']:.1f} fps, ffmpeg overlay "
                          f"{result['ffmpeg_fps']:.1f} fps, ratio {result['ratio']:.2f}x "
                          f"(best of rounds: videohelp "
                          f"{', '.join(f'{v:.1f}' for v in result['videohelp_all'])}; ffmpeg "
                          f"{', '.join(f'{v:.1f}' for v in result['ffmpeg_all'])}); CPU per "
                          f"frame videohelp {result['videohelp_cpu_ms']:.1f} ms, ffmpeg "
                          f"{result['ffmpeg_cpu_ms']:.1f} ms")
                conversion = results["conversion"]
                print(f"BGR->I420 1080p: OpenCV {conversion['cvt_ms']:.2f} ms, PyAV reformat "
                      f"{conversion['pyav_ms']:.2f} ms "
                      f"({conversion['pyav_ms'] / conversion['cvt_ms']:.1f}x)")
            if args.only in (None, "latency"):
                result = run_latency(app, server, args.takes)
                print(f"take -> next composited frame: max {max(result['next_frames']):.0f} "
                      f"frame(s), {statistics.median(result['next_frame_ms']):.1f} ms median, "
                      f"{max(result['next_frame_ms']):.1f} ms max")
                print(f"take -> card decoded by ffmpeg from RTMP: "
                      f"{statistics.median(result['stream_ms']):.0f} ms median, "
                      f"{max(result['stream_ms']):.0f} ms max over {len(result['stream_ms'])} takes")
            if args.only in (None, "vertical"):
                print_vertical(run_vertical(app, work, args.simulcast_seconds, args.rounds),
                               args.simulcast_seconds)
            if args.only in (None, "simulcast"):
                print_simulcast(run_simulcast(app, work, args.simulcast_seconds, args.rounds,
                                              args.takes), args.simulcast_seconds, args.threads)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
