"""The one SQLite file: connections, WAL, durability and schema migrations.

Migrations are the numbered ``migrations/NNNN_name.sql`` files shipped with the
package, applied in order inside one transaction each; ``PRAGMA user_version``
records how far a database has come. A database from a newer videohelp is
refused rather than silently misread.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from videohelp.core.private import create_private, tighten_all

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class StoreError(RuntimeError):
    """The database cannot be used (corrupt, or from a newer version)."""


def migrations() -> list[tuple[int, Path]]:
    """The shipped migrations as (version, path), in order, checked for gaps."""
    found = []
    for path in MIGRATIONS_DIR.iterdir():
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    found.sort()
    for expected, (version, path) in enumerate(found, start=1):
        if version != expected:
            raise StoreError(f"migration {path.name} out of sequence (expected {expected:04d})")
    return found


SCHEMA_VERSION = len(migrations())


class Store:
    """One connection to the console's SQLite file.

    A Store is used by one thread at a time; give each worker its own (WAL
    lets readers run beside the single writer).
    """

    def __init__(self, path: Path | str, *, migrate: bool = True) -> None:
        self.path = Path(path) if str(path) != ":memory:" else path
        on_disk = str(path) != ":memory:"
        try:
            if on_disk:
                # Unmasked personal data: 0600 before SQLite writes a byte (its -wal and
                # -shm files copy the database's mode).
                create_private(path)
            self.conn = sqlite3.connect(
                str(path), timeout=10.0, isolation_level=None, check_same_thread=False
            )
            self.conn.row_factory = sqlite3.Row
            # FULL: an acknowledged comment survives power loss, not just a crash.
            self.conn.executescript(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            )
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"{path}: not a usable videohelp database ({exc})") from exc
        if on_disk:  # files left looser by an older version
            tighten_all(f"{path}{suffix}" for suffix in ("-wal", "-shm"))
        self.db = sqlite_utils.Database(self.conn)
        self._lock = threading.RLock()
        if migrate:
            self.migrate()

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> int:
        """Apply the pending migrations; return the number applied.

        The version is re-read inside each write transaction, so two processes
        opening a new database at once cannot apply the same migration twice.
        """
        if self.version == SCHEMA_VERSION:
            return 0  # the common case takes no write lock
        applied = 0
        for version, path in migrations():
            with self.transaction():
                current = self.version
                if current > SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.path}: schema version {current} is newer than this videohelp "
                        f"({SCHEMA_VERSION}); upgrade videohelp"
                    )
                if version <= current:
                    continue
                for statement in _split_sql(path.read_text(encoding="utf-8")):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version}")
            log.info("database migrated to version %d (%s)", version, path.name)
            applied += 1
        return applied

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on error."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement aware)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise StoreError("migration ends with an incomplete statement")
    return statements
