"""Real components for the output tests: nginx with the RTMP module, ffprobe, ffmpeg.

``NginxRtmp`` writes an nginx.conf into a temporary directory and runs
``nginx -p DIR -c nginx.conf -g 'daemon off;'`` with an ``rtmp {}`` server on a
free port of 127.0.0.1 (``live on``; application ``live``, or the
``applications`` given: one per platform). With ``record=True`` every stream
is also written as received to ``DIR/rec/APP/STREAM-TIME.flv`` (a new file
per publish: what the server got, to check for gaps and keyframes). It can
be stopped and started again on the same port (the restart test). The bench
uses these helpers too.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

RTMP_MODULE_CANDIDATES = (Path("/usr/lib/nginx/modules/ngx_rtmp_module.so"),
                          Path("/usr/lib64/nginx/modules/ngx_rtmp_module.so"))

CONF = """\
load_module {module};
{user}worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 64; }}
rtmp {{
    server {{
        listen 127.0.0.1:{port};
        chunk_size 4096;
{applications}
    }}
}}
"""
APPLICATION = """\
        application {name} {{
            live on;
{record}
        }}
"""
RECORD = """\
            record all;
            record_path {path};
            record_unique on;"""


_prctl = ctypes.CDLL(None).prctl  # looked up here: the child may not load libraries


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, killed or not (Linux)."""
    _prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NginxRtmp:
    def __init__(self, root: Path, port: int | None = None,
                 applications: tuple[str, ...] = ("live",), record: bool = False) -> None:
        module = next((path for path in RTMP_MODULE_CANDIDATES if path.is_file()), None)
        assert module is not None, "nginx RTMP module missing: apt-get install libnginx-mod-rtmp"
        assert shutil.which("nginx"), "nginx missing: apt-get install nginx"
        self.root, self.port = root, port or free_port()
        self.applications = applications
        root.mkdir(parents=True, exist_ok=True)
        blocks = []
        for name in applications:
            path = root / "rec" / name
            if record:
                path.mkdir(parents=True, exist_ok=True)
            blocks.append(APPLICATION.format(name=name, record=RECORD.format(path=path)
                                             if record else "            record off;"))
        # As root, nginx's worker would become "nobody" and could not write the recordings
        # into the test's private directory.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (root / "nginx.conf").write_text(CONF.format(module=module, root=root, port=self.port,
                                                     user=user, applications="".join(blocks)))
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, stream: str = "program", app: str = "live") -> str:
        return f"rtmp://127.0.0.1:{self.port}/{app}/{stream}"

    def recordings(self, app: str, stream: str) -> list[Path]:
        """What the server recorded of ``app/stream``, oldest first (``record=True``)."""
        return sorted((self.root / "rec" / app).glob(f"{stream}-*.flv"),
                      key=lambda path: path.stat().st_mtime_ns)

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.root), "-e", str(self.root / "error.log"),
             "-c", str(self.root / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read().decode()  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("nginx did not start listening")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # fast shutdown: clients see their connections drop
            self.process.wait(timeout=10)
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None

    def log(self) -> str:
        path = self.root / "error.log"
        return path.read_text() if path.exists() else ""


def flv_has_keyframe(path: Path) -> bool:
    """Whether an FLV file (a server's recording, still being written) holds an H.264
    keyframe yet: walks the tags (type, size) and reads each video tag's first two bytes."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    offset = 13  # FLV header and the first PreviousTagSize
    while offset + 11 <= len(data):
        kind, size = data[offset], int.from_bytes(data[offset + 1:offset + 4], "big")
        body = data[offset + 11:offset + 11 + size]
        if len(body) < size:
            return False  # the tag is still being written
        if kind == 9 and len(body) >= 2 and body[0] >> 4 == 1 and body[1] == 1:
            return True  # a keyframe's NAL units (not the sequence header)
        offset += 11 + size + 4
    return False


@pytest.fixture
def nginx_rtmp(tmp_path: Path) -> Iterator[NginxRtmp]:
    server = NginxRtmp(tmp_path / "nginx")
    server.start()
    yield server
    server.stop()


def ffprobe(target: str, timeout: float = 20.0) -> dict:
    """ffprobe's streams and format of a file or URL, as JSON."""
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", target],
        capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class FrameGrabber:
    """``ffmpeg`` pulling a stream and decoding it to BGR frames, stamped on arrival.

    Low-delay flags: no input buffering, one decoder thread (frame threads hold
    frames back), so an arrival time is close to when the picture was decodable.
    """

    def __init__(self, url: str, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.frames: list[tuple[float, np.ndarray]] = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            ["ffmpeg", "-v", "error", "-fflags", "nobuffer", "-flags", "low_delay",
             "-probesize", "32768", "-analyzeduration", "0", "-threads", "1",
             "-i", url, "-map", "0:v:0", "-vf", f"scale={width}:{height}",
             "-f", "rawvideo", "-pix_fmt", "bgr24", "-"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        size = self.width * self.height * 3
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            data = stdout.read(size)
            if len(data) < size:
                return
            frame = np.frombuffer(data, np.uint8).reshape(self.height, self.width, 3)
            with self._lock:
                self.frames.append((time.monotonic(), frame))

    def count(self) -> int:
        with self._lock:
            return len(self.frames)

    def latest(self) -> np.ndarray | None:
        with self._lock:
            return self.frames[-1][1] if self.frames else None

    def since(self, start: float) -> list[tuple[float, np.ndarray]]:
        with self._lock:
            return [entry for entry in self.frames if entry[0] >= start]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self._thread.join(timeout=5)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


def make_clip(path: Path, seconds: float = 1.0, fps: int = 10, size: tuple[int, int] = (320, 180),
              colours: tuple[tuple[int, int, int], ...] = ((0, 0, 255), (0, 255, 0), (255, 0, 0)),
              tone_hz: float | None = None) -> None:
    """A small H.264 file whose frames are solid BGR colours, cycling each third of the clip;
    with ``tone_hz``, an AAC sine tone as long as the video."""
    import av

    width, height = size
    count = round(seconds * fps)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        sound = container.add_stream("aac", rate=48000, layout="stereo") if tone_hz else None
        for index in range(count):
            colour = colours[min(index * len(colours) // count, len(colours) - 1)]
            image = np.full((height, width, 3), colour, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        if sound is not None and tone_hz is not None:
            for start in range(0, round(seconds * 48000) - 1023, 1024):
                wave = 0.3 * np.sin(2 * np.pi * tone_hz * np.arange(start, start + 1024) / 48000)
                chunk = av.AudioFrame.from_ndarray(
                    np.vstack([wave, wave]).astype(np.float32), format="fltp", layout="stereo")
                chunk.sample_rate, chunk.pts = 48000, start
                container.mux(sound.encode(chunk))
            container.mux(sound.encode(None))


class TlsProxy:
    """RTMPS in front of the nginx RTMP port: TLS terminated here, bytes relayed (threads).

    Platforms take pushes on rtmps://; nginx's RTMP module speaks plain RTMP only.
    """

    def __init__(self, cert_dir: Path, backend_port: int) -> None:
        import ssl

        from videohelp.core.tls import generate_certificate, server_context

        cert, key = generate_certificate(cert_dir, ["127.0.0.1"])
        self._context: ssl.SSLContext = server_context(cert, key)
        self._backend = backend_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.handshakes = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        try:
            client = self._context.wrap_socket(raw, server_side=True)
        except OSError:
            raw.close()
            return
        self.handshakes += 1
        backend = socket.create_connection(("127.0.0.1", self._backend))
        threading.Thread(target=self._pump, args=(backend, client), daemon=True).start()
        self._pump(client, backend)

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()

    def close(self) -> None:
        self._listener.close()
