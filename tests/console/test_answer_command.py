"""``videohelp answer``: client tokens from the command line; serving needs TLS off loopback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path


def _run(cmd: list[str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_client_add_list_revoke(videohelp_cmd, tmp_path: Path) -> None:
    data = tmp_path / "data"
    added = _run(videohelp_cmd, "answer", "client", "add", "app", "--platform", "app",
                 "--data-dir", str(data))
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    assert len(token) >= 40 and "shown only now" in added.stderr
    file = data / "answer-clients.json"
    assert token not in file.read_text()
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
    assert json.loads(file.read_text())["clients"][0]["platform"] == "app"
    again = _run(videohelp_cmd, "answer", "client", "add", "app", "--data-dir", str(data))
    assert again.returncode == 1 and "exists" in again.stderr
    assert _run(videohelp_cmd, "answer", "client", "revoke", "app", "--data-dir",
                str(data)).returncode == 0
    listed = _run(videohelp_cmd, "answer", "client", "list", "--data-dir", str(data))
    assert listed.stdout.startswith("app\tapp\t") and "revoked" in listed.stdout
    missing = _run(videohelp_cmd, "answer", "client", "revoke", "zlb", "--data-dir", str(data))
    assert missing.returncode == 1 and "no active client" in missing.stderr


def test_serving_beyond_this_machine_needs_tls(videohelp_cmd, tmp_path: Path) -> None:
    done = _run(videohelp_cmd, "answer", "serve", "--host", "0.0.0.0", "--port", "0",
                "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 2
    assert "TLS" in done.stderr or "tls" in done.stderr


def test_answer_serve_alone_answers_over_http_and_stops_cleanly(videohelp_cmd, tmp_path: Path
                                                                ) -> None:
    import re
    import signal
    import sqlite3

    from tests.queue.answering.support import REVIEWED_ITEM, prepare, request

    data = prepare(tmp_path / "data").root  # a copy of the knowledge base, DL03 reviewed
    token = _run(videohelp_cmd, "answer", "client", "add", "app", "--data-dir",
                 str(data)).stdout.strip()
    server = subprocess.Popen([*videohelp_cmd, "answer", "serve", "--port", "0", "--data-dir",
                               str(data)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    try:
        assert server.stdout is not None
        line = server.stdout.readline()  # printed once the engine is built and it listens
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)", line).group(1))
        reply = request(port, "POST", "/api/v1/ask", '{"question": "驾照到期了怎么换"}',
                        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert reply.status == 200 and reply.json()["item"]["code"] == REVIEWED_ITEM
        assert request(port, "GET", "/ask").status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=60)  # reads and closes the pipes
    assert server.returncode == 0, errors[-2000:]
    conn = sqlite3.connect(data / "videohelp.sqlite3")
    try:
        assert conn.execute("SELECT platform, state FROM comments").fetchall() == [
            ("ask", "answered")]
    finally:
        conn.close()
