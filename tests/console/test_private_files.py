"""Private by default (issue 17): directories 0700, files 0600, tokens from files or the environment.

Run as a user runs videohelp, with the common umask 022 that used to leave the data
directory 0755 and the database, logs, exports and key 0644.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from videohelp.core import tls

pytestmark = pytest.mark.skipif(os.name != "posix", reason="modes are POSIX; Windows uses ACLs")
CMD = [sys.executable, "-m", "videohelp"]
BRIDGE_TOKEN, CONTROL_TOKEN = "douyin-file-token-0123456789", "control-file-token-0123456789"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIDEOHELP_")}
    return {**env, "QT_QPA_PLATFORM": "offscreen", **extra}


def _token_file(path: Path, token: str) -> Path:
    path.write_text(token + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def _loose_data_dir(data: Path) -> None:
    """A data directory as older versions left it: 0755, database and key 0644."""
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    conn = sqlite3.connect(data / "videohelp.sqlite3")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE leftover (x)")
    conn.close()
    (data / "videohelp.sqlite3").chmod(0o644)
    tls.generate_certificate(data / "tls", ["127.0.0.1"])
    (data / "tls" / tls.KEY_NAME).chmod(0o644)
    (data / "tls").chmod(0o755)


@pytest.mark.slow
def test_serve_makes_its_files_private_and_reads_tokens_from_files_and_env(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _loose_data_dir(data)
    bridge_file = _token_file(tmp_path / "douyin.token", BRIDGE_TOKEN)
    control_file = _token_file(tmp_path / "control.token", CONTROL_TOKEN)
    with (tmp_path / "serve.err").open("w") as errors, subprocess.Popen(
            [*CMD, "serve", "--port", "0", "--data-dir", str(data),
             "--ingest-token-file", f"douyin={bridge_file}", "--control-token-file",
             str(control_file)],
            stdout=subprocess.PIPE, stderr=errors, text=True, env=_env(), umask=0o022) as server:
        try:
            line = server.stdout.readline() if server.stdout else ""
            url = re.search(r"serving (ws://\S+)", line)
            assert url, line
            # The tokens are nowhere on the command line other users can read.
            cmdline = Path(f"/proc/{server.pid}/cmdline").read_bytes().decode()
            assert BRIDGE_TOKEN not in cmdline and CONTROL_TOKEN not in cmdline
            # A bridge with its token in $VIDEOHELP_TOKEN (no --token): stored and acknowledged.
            recording = tmp_path / "in.jsonl"
            recording.write_text(json.dumps({"id": "p1", "platform": "douyin", "text": "驾照怎么换",
                                             "user": {"id": "u1", "name": "小王"},
                                             "ts": 1_700_000_000_000}) + "\n", encoding="utf-8")
            replay = subprocess.run(
                [*CMD, "replay", str(recording), "--url", url.group(1) + "/ingest",
                 "--data-dir", str(tmp_path / "bridge-data")],
                capture_output=True, text=True, timeout=60, umask=0o022,
                env=_env(VIDEOHELP_TOKEN=BRIDGE_TOKEN))
            assert replay.returncode == 0, replay.stderr
            # The control token read from its file drives the cards.
            take = subprocess.run(
                [*CMD, "card", "take", "--template", "lower_third", "--url", url.group(1),
                 "--token-file", str(control_file), "--data", '{"name": "张警官"}'],
                capture_output=True, text=True, timeout=60, env=_env(), umask=0o022)
            assert take.returncode == 0, take.stderr + take.stdout
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert mode(data) == 0o700 and mode(data / "logs") == 0o700
    for name in ("videohelp.sqlite3", "videohelp.sqlite3-wal", "videohelp.sqlite3-shm"):
        if (data / name).exists():
            assert mode(data / name) == 0o600, name
    assert mode(data / "logs" / "videohelp.log") == 0o600
    log = (data / "logs" / "videohelp.log").read_text(encoding="utf-8")
    assert BRIDGE_TOKEN not in log and CONTROL_TOKEN not in log
    # The export of what serve stored: the owner's alone, also over an existing 0644 file.
    out = tmp_path / "comments.csv"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    done = subprocess.run([*CMD, "export", "comments", "--format", "csv", "--data-dir", str(data),
                           "--output", str(out)], capture_output=True, text=True, timeout=60,
                          env=_env(), umask=0o022)
    assert done.returncode == 0, done.stderr
    assert mode(out) == 0o600 and "驾照怎么换" in out.read_text(encoding="utf-8-sig")


@pytest.mark.slow
def test_generate_cert_over_an_existing_key_makes_it_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _loose_data_dir(data)
    with subprocess.Popen([*CMD, "serve", "--port", "0", "--data-dir", str(data), "--generate-cert"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env(),
                          umask=0o022) as server:
        try:
            assert "serving wss://" in (server.stdout.readline() if server.stdout else "")
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert mode(data / "tls" / tls.KEY_NAME) == 0o600 and mode(data / "tls") == 0o700


def test_token_files_must_exist_and_hold_a_token(tmp_path: Path, capsys) -> None:
    from videohelp.console.cli import build_parser
    from videohelp.core.token_files import read_token_file

    empty = tmp_path / "empty.token"
    empty.write_text("\n", encoding="utf-8")
    for option, value, reason in (("--ingest-token-file", f"douyin={empty}", "is empty"),
                                  ("--ingest-token-file", f"douyin={tmp_path / 'missing'}",
                                   "cannot read token file"),
                                  ("--ingest-token-file", str(empty), "expected PLATFORM=FILE"),
                                  ("--control-token-file", str(empty), "is empty")):
        with pytest.raises(SystemExit) as exited:
            build_parser().parse_args(["serve", option, value])
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert option in err and reason in err, err
    good = _token_file(tmp_path / "good.token", "seat-token-0123456789")
    args = build_parser().parse_args(["--token-file", str(good)])
    assert args.token == "seat-token-0123456789"
    args = build_parser().parse_args(["serve", "--ingest-token-file", f"app={good}",
                                      "--ingest-token", "douyin=abc"])
    assert sorted(args.ingest_token) == [("app", "seat-token-0123456789"), ("douyin", "abc")]
    loose = _token_file(tmp_path / "loose.token", "loose-token-0123456789")
    loose.chmod(0o644)
    assert read_token_file(loose) == "loose-token-0123456789"
    assert "chmod 600" in capsys.readouterr().err


def test_library_writers_are_private_whatever_the_umask(tmp_path: Path) -> None:
    from videohelp.console.kb_io import write_csv
    from videohelp.console.reports.export import write_followup_csv, write_script
    from videohelp.core.paths import data_paths
    from videohelp.core.store import Store

    old = os.umask(0o022)
    try:
        paths = data_paths(tmp_path / "lib")
        Store(paths.database).close()
        write_csv(tmp_path / "kb.csv", "knowledge", [])
        write_followup_csv([], tmp_path / "f.csv")
        write_script("稿子", tmp_path / "s.txt")
    finally:
        os.umask(old)
    assert mode(paths.root) == 0o700 and mode(paths.database) == 0o600
    for name in ("kb.csv", "f.csv", "s.txt"):
        assert mode(tmp_path / name) == 0o600, name
