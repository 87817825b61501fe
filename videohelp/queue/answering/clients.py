"""API clients of the answering service: one token each, stored hashed, revocable.

The app's and 浙里办's backends call ``POST /api/v1/ask`` with
``Authorization: Bearer TOKEN``. Tokens live in a JSON file (0600, in the
data directory: ``answer-clients.json``) as SHA-256 digests only: the token is
shown once, when ``videohelp answer client add`` makes it. A revoked client
keeps its line (``revoked``: when) so the log still names it. Clients may also
come from the environment (``VIDEOHELP_ANSWER_CLIENTS="app:TOKEN,zlb:TOKEN"``,
hashed on reading), for a container that gets its secrets that way.

The registry re-reads the file when it changes (checked at most once a second),
so a revocation holds for the next request without a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

log = logging.getLogger(__name__)

ENV_VAR = "VIDEOHELP_ANSWER_CLIENTS"
FILE_NAME = "answer-clients.json"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class ClientError(ValueError):
    """A client file or command is wrong."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Client:
    name: str
    token_sha256: str
    platform: str = "ask"       # the comments' platform when the caller names none
    created: str = ""
    revoked: str | None = None  # ISO time of the revocation

    @property
    def active(self) -> bool:
        return self.revoked is None


def read_clients(path: Path) -> list[Client]:
    if not path.exists():
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        clients = [Client(**entry) for entry in raw["clients"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ClientError(f"{path}: not a client file ({exc})") from exc
    return clients


def write_clients(path: Path, clients: list[Client]) -> None:
    """Write atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"clients": [asdict(c) for c in clients]}, handle, ensure_ascii=False, indent=1)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def add_client(path: Path, name: str, platform: str = "ask") -> str:
    """Create client ``name``; return its token (shown once, stored only hashed)."""
    if not _NAME.match(name):
        raise ClientError(f"client name {name!r}: 1-32 of a-z, 0-9, _, -")
    clients = read_clients(path)
    if any(c.name == name and c.active for c in clients):
        raise ClientError(f"client {name!r} exists; revoke it first")
    token = secrets.token_urlsafe(32)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    clients = [c for c in clients if c.name != name]
    clients.append(Client(name, digest(token), platform, stamp))
    write_clients(path, clients)
    return token


def revoke_client(path: Path, name: str) -> None:
    clients = read_clients(path)
    if not any(c.name == name and c.active for c in clients):
        raise ClientError(f"no active client {name!r}")
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    write_clients(path, [replace(c, revoked=stamp) if c.name == name and c.active else c
                         for c in clients])


def env_clients(value: str | None) -> list[Client]:
    """Clients from ``NAME:TOKEN[,NAME:TOKEN...]`` (the environment variable)."""
    clients = []
    for part in (value or "").split(","):
        if not part.strip():
            continue
        name, sep, token = part.strip().partition(":")
        if not sep or not token or not _NAME.match(name):
            raise ClientError(f"{ENV_VAR}: expected NAME:TOKEN, got {part.strip()[:40]!r}")
        clients.append(Client(name, digest(token), "ask", "env"))
    return clients


class ClientRegistry:
    """Who a bearer token belongs to (active clients only)."""

    def __init__(self, path: Path | None = None, extra: list[Client] | None = None,
                 recheck_s: float = 1.0) -> None:
        self.path = path
        self.extra = list(extra or [])
        self.recheck_s = recheck_s
        self._by_digest: dict[str, Client] = {}
        self._stamp: tuple[float, int] | None = None
        self._checked = 0.0
        self._reload()

    @classmethod
    def from_environment(cls, path: Path | None) -> ClientRegistry:
        return cls(path, env_clients(os.environ.get(ENV_VAR)))

    def _file_stamp(self) -> tuple[float, int] | None:
        if self.path is None:
            return None
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime, stat.st_size)

    def _reload(self) -> None:
        self._stamp = self._file_stamp()
        clients = list(self.extra)
        if self.path is not None:
            try:
                clients += read_clients(self.path)
            except ClientError as exc:  # keep serving the clients we knew; say why
                log.error("%s", exc)
                return
        self._by_digest = {c.token_sha256: c for c in clients if c.active}

    def refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked >= self.recheck_s:
            self._checked = now
            if self._file_stamp() != self._stamp:
                self._reload()

    def authenticate(self, token: str | None) -> Client | None:
        if not token:
            return None
        self.refresh()
        wanted = digest(token)
        client = self._by_digest.get(wanted)
        if client is None or not hmac.compare_digest(client.token_sha256, wanted):
            return None
        return client

    def __len__(self) -> int:
        return len(self._by_digest)
