"""The seat registry: names, roles and tokens of everyone who may connect, and the audit log.

A token is 32 random bytes (``secrets.token_urlsafe``) shown once, when the
seat is added; the database keeps only its SHA-256. Plain SHA-256 is enough
because the token is random (256 bits), not a password: there is nothing to
guess, and a slow hash would only slow down every handshake. Tokens are
compared in constant time (``hmac.compare_digest``) against every active seat,
so timing tells nothing about which hash was close.

Store functions take a ``Store`` first, so the server can run them on the
pipeline's writer thread and the ``videohelp seat`` command on its own
connection.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from videohelp.core.roles import Role, parse_role
from videohelp.core.store import Store

TOKEN_PREFIX = "vhs_"  # recognisable in a leaked paste; never part of the secret
_NAME = re.compile(r"^[\w.\- ]{1,40}$")  # \w includes Chinese: 李警官 is a fine seat name


class SeatError(ValueError):
    """A seat operation refused (bad name, unknown seat, already exists)."""


@dataclass(frozen=True)
class Seat:
    name: str
    role: Role
    created_ms: int = 0
    revoked_ms: int | None = None
    static: bool = False  # configured at start (serve --control-token), not in the database

    @property
    def active(self) -> bool:
        return self.revoked_ms is None


def now_ms() -> int:
    return int(time.time() * 1000)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise SeatError(f"seat name {name!r}: 1 to 40 letters, digits, spaces, '.', '_' or '-'")
    return name


def _seat(row: Any) -> Seat:
    return Seat(row["name"], Role(row["role"]), row["created_ms"], row["revoked_ms"])


# -- the registry in the database ---------------------------------------------------------
def add_seat(store: Store, name: str, role: Role | str, created_by: str = "cli") -> tuple[Seat, str]:
    """Create a seat; return it and its token (the only time the token exists in clear).

    A revoked seat's name may be given a new token; an active one must be revoked first.
    """
    name, role = check_name(name), parse_role(str(role))
    token = new_token()
    stamp = now_ms()
    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM seats WHERE name = ?", (name,)).fetchone()
        if row is not None and row["revoked_ms"] is None:
            raise SeatError(f"seat {name!r} exists; revoke it first to issue a new token")
        conn.execute(
            "INSERT INTO seats (name, role, token_hash, created_ms, created_by, revoked_ms)"
            " VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (name) DO UPDATE SET role = excluded.role,"
            " token_hash = excluded.token_hash, created_ms = excluded.created_ms,"
            " created_by = excluded.created_by, revoked_ms = NULL",
            (name, role.value, hash_token(token), stamp, created_by))
        before = {"name": name, "role": row["role"], "revoked_ms": row["revoked_ms"]} if row else None
        _audit(conn, created_by, "admin", "seat_add", None, name, "ok", before,
               {"name": name, "role": role.value, "revoked_ms": None}, stamp)
    return Seat(name, role, stamp), token


def revoke_seat(store: Store, name: str, revoked_by: str = "cli") -> Seat:
    """Revoke a seat's token now (a running server disconnects it within its poll interval)."""
    stamp = now_ms()
    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM seats WHERE name = ?", (name.strip(),)).fetchone()
        if row is None:
            raise SeatError(f"no seat {name!r}")
        if row["revoked_ms"] is not None:
            raise SeatError(f"seat {name!r} is already revoked")
        conn.execute("UPDATE seats SET revoked_ms = ? WHERE name = ?", (stamp, row["name"]))
        _audit(conn, revoked_by, "admin", "seat_revoke", None, row["name"], "ok",
               {"revoked": False}, {"revoked": True}, stamp)
    return Seat(row["name"], Role(row["role"]), row["created_ms"], stamp)


def list_seats(store: Store) -> list[Seat]:
    return [_seat(row) for row in store.conn.execute("SELECT * FROM seats ORDER BY name")]


def active_seats(store: Store) -> list[tuple[Seat, str]]:
    """Active seats with their token hashes (for the server's authenticator)."""
    rows = store.conn.execute("SELECT * FROM seats WHERE revoked_ms IS NULL ORDER BY name")
    return [(_seat(row), row["token_hash"]) for row in rows]


def registry_version(store: Store) -> tuple[int, int, int]:
    """Changes whenever a seat is added, re-issued or revoked: cheap to poll."""
    row = store.conn.execute(
        "SELECT count(*), coalesce(max(created_ms), 0), coalesce(max(revoked_ms), 0) FROM seats"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


class SeatDirectory:
    """The server's view of the registry: authenticates tokens in memory.

    ``load`` replaces the database seats (keep calling it: revocations made by
    another process arrive that way); static seats (the control token) stay.
    """

    def __init__(self) -> None:
        self._stored: list[tuple[Seat, str]] = []
        self._static: list[tuple[Seat, str]] = []

    def load(self, seats: list[tuple[Seat, str]]) -> set[str]:
        """Replace the stored seats; return the names that are no longer valid."""
        before = {seat.name for seat, _ in self._stored}
        self._stored = list(seats)
        return before - {seat.name for seat, _ in self._stored}

    def add_static(self, name: str, role: Role | str, token: str) -> Seat:
        """A seat given on the command line (not stored), e.g. ``serve --control-token``."""
        if not token:
            raise SeatError("an empty token would let anyone in")
        seat = Seat(check_name(name), parse_role(str(role)), now_ms(), static=True)
        self._static = [(s, h) for s, h in self._static if s.name != seat.name]
        self._static.append((seat, hash_token(token)))
        return seat

    def authenticate(self, token: str | None) -> Seat | None:
        """The seat whose token this is, or None. Compares against every seat, in constant time."""
        if not token:
            return None
        digest = hash_token(token)
        found = None
        for seat, stored in (*self._static, *self._stored):
            if hmac.compare_digest(digest, stored) and found is None:
                found = seat
        return found

    def is_active(self, name: str) -> bool:
        return any(seat.name == name for seat, _ in (*self._static, *self._stored))


# -- the audit log ---------------------------------------------------------------------------
def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _audit(conn: Any, seat: str, role: str, action: str, rid: str | None, target: str | None,
           outcome: str, before: Any, after: Any, at_ms: int | None = None) -> int:
    cursor = conn.execute(
        "INSERT INTO audit_log (at_ms, seat, role, action, rid, target, outcome, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (at_ms or now_ms(), seat, role, action, rid, target, outcome, _json(before), _json(after)))
    return int(cursor.lastrowid or 0)


def audit(store: Store, seat: str, role: str, action: str, rid: str | None, target: str | None,
          outcome: str, before: Any = None, after: Any = None) -> int:
    """Record one seat action (allowed or refused); return the row id. Writer thread."""
    with store.transaction() as conn:
        return _audit(conn, seat, role, action, rid, target, outcome, before, after)


def audit_entries(store: Store, *, seat: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    """The newest audit rows first, with before/after decoded."""
    sql, params = "SELECT * FROM audit_log", []
    if seat is not None:
        sql, params = sql + " WHERE seat = ?", [seat]
    rows = store.conn.execute(sql + " ORDER BY id DESC LIMIT ?", [*params, limit]).fetchall()
    result = []
    for row in rows:
        entry = dict(row)
        for key in ("before", "after"):
            entry[key] = json.loads(entry[key]) if entry[key] is not None else None
        result.append(entry)
    return result
