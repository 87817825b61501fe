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
