from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from videohelp.core.store import SCHEMA_VERSION, Store, StoreError, _split_sql, migrations


def test_new_database_is_migrated_to_the_latest_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    assert store.version == SCHEMA_VERSION == len(migrations())
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "comments" in store.db.table_names()
    store.close()


def test_reopening_applies_nothing(tmp_path: Path) -> None:
    Store(tmp_path / "db.sqlite3").close()
    store = Store(tmp_path / "db.sqlite3", migrate=False)
    assert store.migrate() == 0
    store.close()


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable videohelp database"):
        Store(path)


def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        conn.execute("INSERT INTO platform_events (platform, kind, ts_ms, payload) "
                     "VALUES ('app', 'like', 1, '{}')")
        conn.execute("INSERT INTO platform_events (platform) VALUES (NULL)")
    assert store.conn.execute("SELECT count(*) FROM platform_events").fetchone()[0] == 0
    store.close()


def test_split_sql_handles_comments_and_rejects_incomplete() -> None:
    assert _split_sql("-- c\nCREATE TABLE a (x);\n\nCREATE TABLE b (y);\n") == [
        "-- c\nCREATE TABLE a (x);", "CREATE TABLE b (y);"]
    with pytest.raises(StoreError):
        _split_sql("CREATE TABLE a (x")
