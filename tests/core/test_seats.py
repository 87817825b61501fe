"""The seat registry, tokens, the audit log, TLS helpers, and `videohelp seat` / `serve` as run."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from videohelp.core import seats, tls
from videohelp.core.roles import Role, matrix_markdown
from videohelp.core.seats import SeatDirectory, SeatError
from videohelp.core.store import Store
from videohelp.queue import experts
from videohelp.queue.comments import IncomingComment
from videohelp.queue.persist import CommentWriter

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path / "videohelp.sqlite3")
    yield store
    store.close()


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


# -- the registry -----------------------------------------------------------------------------
def test_a_seat_gets_a_fresh_token_and_only_its_hash_is_kept(store) -> None:
    seat, token = seats.add_seat(store, "李专家", "expert")
    assert seat.role is Role.EXPERT and seat.active
    assert token.startswith(seats.TOKEN_PREFIX) and len(token) >= 4 + 43  # 32 random bytes
    (row,) = store.conn.execute("SELECT * FROM seats")
    assert row["token_hash"] == seats.hash_token(token) and token not in tuple(row)
    other = seats.add_seat(store, "王专家", "expert")[1]
    assert other != token


def test_names_roles_and_duplicates_are_checked(store) -> None:
    seats.add_seat(store, "导播", "producer")
    with pytest.raises(SeatError, match="revoke it first"):
        seats.add_seat(store, "导播", "producer")
    with pytest.raises(ValueError, match="unknown role"):
        seats.add_seat(store, "someone", "director")
    for bad in ("", "a" * 41, "tab\there", "semi;colon"):
        with pytest.raises(SeatError):
            seats.add_seat(store, bad, "officer")
    with pytest.raises(SeatError, match="no seat"):
        seats.revoke_seat(store, "nobody")


def test_revoking_and_reissuing(store) -> None:
    _, old = seats.add_seat(store, "主持人", "presenter")
    directory = SeatDirectory()
    directory.load(seats.active_seats(store))
    assert directory.authenticate(old).name == "主持人"
    version = seats.registry_version(store)
    seats.revoke_seat(store, "主持人")
    assert seats.registry_version(store) != version
    with pytest.raises(SeatError, match="already revoked"):
        seats.revoke_seat(store, "主持人")
    assert directory.load(seats.active_seats(store)) == {"主持人"}  # gone: to be disconnected
    assert directory.authenticate(old) is None
    _, new = seats.add_seat(store, "主持人", "officer")  # a revoked name may be issued again
    directory.load(seats.active_seats(store))
    assert directory.authenticate(old) is None and directory.authenticate(new).role is Role.OFFICER
    assert [s.name for s in seats.list_seats(store)] == ["主持人"]
    actions = [e["action"] for e in seats.audit_entries(store)]
    assert actions == ["seat_add", "seat_revoke", "seat_add"]


def test_static_seats_and_empty_tokens() -> None:
    directory = SeatDirectory()
    seat = directory.add_static("control", "automation", "the-control-token")
    assert seat.static and directory.authenticate("the-control-token") == seat
    for token in (None, "", "the-control-token ", "THE-CONTROL-TOKEN"):
        assert directory.authenticate(token) is None
    with pytest.raises(SeatError):
        directory.add_static("control", "automation", "")


def test_the_audit_log_keeps_before_and_after(store) -> None:
    row_id = seats.audit(store, "张警官", "officer", "take", "r1", "qa", "ok", None,
                         {"template": "qa", "data": {"question": "怎么换证"}})
    (entry,) = seats.audit_entries(store, seat="张警官")
    assert entry["id"] == row_id and entry["after"]["data"]["question"] == "怎么换证"
    assert entry["before"] is None and abs(entry["at_ms"] - time.time() * 1000) < 5000


def test_flag_to_answer_times_per_question_and_per_expert(tmp_path: Path) -> None:
    writer = CommentWriter(tmp_path / "v.sqlite3")
    (comment,) = writer.write([IncomingComment("app", "m1", "u", "观众", "驾照丢了", 1)]).stored
    store = writer.store
    experts.flag_question(store, comment.id, "请答", "张警官")
    store.conn.execute("UPDATE expert_flags SET flagged_ms = flagged_ms - 90000")  # flagged 90 s ago
    first, is_first = experts.record_answer(store, comment.id, "李专家", "可以补领")
    _, second_first = experts.record_answer(store, comment.id, "王专家", "在12123补领")
    assert is_first and not second_first
    assert 90_000 <= first.flag_to_answer_ms < 95_000
    times = experts.question_times(store, comment.id)
    assert [t["expert"] for t in times] == ["李专家", "王专家"]
    per_expert = experts.response_times(store)
    assert per_expert["李专家"]["answers"] == 1 and per_expert["李专家"]["mean_ms"] >= 90_000
    with pytest.raises(experts.NotFlaggedError):
        experts.record_answer(store, 999, "李专家", "无")
    writer.close()


# -- TLS helpers --------------------------------------------------------------------------------
def test_binding_beyond_loopback_needs_tls_or_an_explicit_override() -> None:
    for host in ("127.0.0.1", "127.5.5.5", "::1", "localhost"):
        tls.check_bind(host, tls=False, insecure=False)
    for host in ("0.0.0.0", "192.168.1.20", "studio.local", "::"):
        with pytest.raises(tls.TlsError, match="without TLS"):
            tls.check_bind(host, tls=False, insecure=False)
        tls.check_bind(host, tls=True, insecure=False)
        tls.check_bind(host, tls=False, insecure=True)


def test_fingerprints_are_compared_in_one_form(tmp_path: Path) -> None:
    cert, _ = tls.generate_certificate(tmp_path, ["127.0.0.1"])
    fingerprint = tls.fingerprint_file(cert)
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", fingerprint)
    for form in (fingerprint.lower(), fingerprint.replace(":", ""), "SHA256:" + fingerprint):
        assert tls.normalize_fingerprint(form) == fingerprint
    with pytest.raises(tls.TlsError):
        tls.normalize_fingerprint("AB:CD")
    again, _ = tls.generate_certificate(tmp_path, ["127.0.0.1"])  # kept: seats' pins stay valid
    assert tls.fingerprint_file(again) == fingerprint
    assert oct((tmp_path / tls.KEY_NAME).stat().st_mode & 0o777) == "0o600"


def test_server_tls_options(tmp_path: Path) -> None:
    def options(**values) -> argparse.Namespace:
        base = {"tls_cert": None, "tls_key": None, "generate_cert": False, "insecure_no_tls": False}
        return argparse.Namespace(**{**base, **values})

    assert tls.server_tls(options(), tmp_path, "127.0.0.1") == (None, None)
    with pytest.raises(tls.TlsError, match="without TLS"):
        tls.server_tls(options(), tmp_path, "0.0.0.0")
    with pytest.raises(tls.TlsError, match="go together"):
        tls.server_tls(options(tls_cert="c.pem"), tmp_path, "127.0.0.1")
    context, fingerprint = tls.server_tls(options(generate_cert=True), tmp_path, "0.0.0.0")
    assert context is not None and fingerprint == tls.fingerprint_file(tmp_path / "tls" / tls.CERT_NAME)
    cert, key = tmp_path / "tls" / tls.CERT_NAME, tmp_path / "tls" / tls.KEY_NAME
    assert tls.server_tls(options(tls_cert=str(cert), tls_key=str(key)), tmp_path, "0.0.0.0")[1] \
        == fingerprint
    with pytest.raises(tls.TlsError, match="cannot use certificate"):
        tls.server_tls(options(tls_cert=str(key), tls_key=str(cert)), tmp_path, "0.0.0.0")


def test_the_protocol_doc_lists_the_role_matrix_as_the_code_has_it() -> None:
    protocol = (REPO / "docs" / "protocol.md").read_text(encoding="utf-8")
    assert matrix_markdown() in protocol


# -- the commands, as a user runs them ------------------------------------------------------------
@pytest.mark.slow
def test_seat_commands_add_list_revoke(videohelp_cmd, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    added = subprocess.run([*videohelp_cmd, "seat", "add", "李专家", "--role", "expert", "--data-dir",
                            data], capture_output=True, text=True, timeout=60, env=_env())
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    assert token.startswith("vhs_") and "shown only now" in added.stderr
    listed = subprocess.run([*videohelp_cmd, "seat", "list", "--data-dir", data],
                            capture_output=True, text=True, timeout=60, env=_env())
    assert listed.stdout.startswith("李专家\texpert\tactive")
    again = subprocess.run([*videohelp_cmd, "seat", "add", "李专家", "--role", "expert", "--data-dir",
                            data], capture_output=True, text=True, timeout=60, env=_env())
    assert again.returncode == 1 and "revoke it first" in again.stderr
    revoked = subprocess.run([*videohelp_cmd, "seat", "revoke", "李专家", "--data-dir", data],
                             capture_output=True, text=True, timeout=60, env=_env())
    assert revoked.returncode == 0
    listed = subprocess.run([*videohelp_cmd, "seat", "list", "--data-dir", data],
                            capture_output=True, text=True, timeout=60, env=_env())
    assert "\trevoked " in listed.stdout


def test_serve_refuses_to_listen_beyond_loopback_in_clear_text(videohelp_cmd, tmp_path: Path) -> None:
    done = subprocess.run([*videohelp_cmd, "serve", "--host", "0.0.0.0", "--port", "0", "--data-dir",
                           str(tmp_path)], capture_output=True, text=True, timeout=60, env=_env())
    assert done.returncode == 2 and "without TLS" in done.stderr


@pytest.mark.slow
def test_serve_with_a_generated_certificate_a_pinned_seat_and_a_revocation(
        videohelp_cmd, tmp_path: Path) -> None:
    """`serve --generate-cert` prints its fingerprint; a seat pinning it connects over wss://;
    `videohelp seat revoke` in another process drops it; the control token drives cards."""
    data = str(tmp_path / "data")
    token = subprocess.run([*videohelp_cmd, "seat", "add", "李专家", "--role", "expert", "--data-dir",
                            data], capture_output=True, text=True, timeout=60, env=_env()).stdout.strip()
    with (tmp_path / "serve.err").open("w") as errors, subprocess.Popen(
            [*videohelp_cmd, "serve", "--port", "0", "--generate-cert", "--data-dir", data,
             "--control-token", "ctl-token"],
            stdout=subprocess.PIPE, stderr=errors, text=True, env=_env()) as server:
        try:
            _serve_session(videohelp_cmd, server, data, token)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _serve_session(videohelp_cmd, server, data: str, token: str) -> None:
    from videohelp.console.seat_client import SeatClient, SeatRefused

    # The first two lines `serve` prints: where it serves, and its certificate's fingerprint.
    lines = [server.stdout.readline() for _ in range(2)]
    url = re.search(r"serving (wss://\S+)", lines[0]).group(1)
    fingerprint = re.search(r"SHA-256 (\S+)", lines[1]).group(1)
    assert fingerprint == tls.fingerprint_file(Path(data) / "tls" / tls.CERT_NAME)

    async def session() -> None:
        client = SeatClient(url + "/seat", token, fingerprint=fingerprint)
        runner = asyncio.ensure_future(client.run())
        await client.wait_online(20)
        assert client.snapshot["seat"] == {"name": "李专家", "role": "expert"}
        revoke = await asyncio.create_subprocess_exec(
            *videohelp_cmd, "seat", "revoke", "李专家", "--data-dir", data, env=_env())
        assert await revoke.wait() == 0
        with pytest.raises(SeatRefused):  # dropped, then refused at the next handshake
            await asyncio.wait_for(runner, 20)
        control = SeatClient(url + "/seat", "ctl-token", fingerprint=fingerprint)
        control_runner = asyncio.ensure_future(control.run())
        await control.wait_online(20)
        reply = await control.request("take", template="lower_third", data={"name": "张警官"})
        assert reply["on_air"] == ["lower_third"]
        await control.close()
        await asyncio.wait_for(control_runner, 10)

    asyncio.run(session())


def test_the_expert_window_needs_a_console_and_a_token(videohelp_cmd, tmp_path: Path) -> None:
    env = {k: v for k, v in _env().items() if k != "VIDEOHELP_SEAT_TOKEN"}
    done = subprocess.run([*videohelp_cmd, "--role", "expert", "--data-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 2 and "--connect" in done.stderr and "--token" in done.stderr
