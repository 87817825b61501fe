#!/usr/bin/env python3
"""How soon after start the first comment is filed (issue 16: <= 1.5 s when nothing changed).

    .venv/bin/python bench/triage_startup.py [--runs 3]

Makes a data directory with a real database (migrated, KB seeded) and one
stored comment, then runs fresh Python processes that do what the console's
triage worker does at start -- ``service.build_engine`` (the studio's catalog,
KB and corrections from the database, the fingerprint, the saved model or
training, jieba) -- then classify the comment and write the decision
(``storage.apply_triage``). The figure is the wall-clock time from the
process's start (before any import) to the decision committed.

Runs: ``cold`` (no saved model, no jieba cache: trains and saves), then
``warm`` runs (nothing changed: read back), then one ``changed`` run after a
correction was stored (a stale model files at once; training would follow in
the background).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import time, sys
started = time.perf_counter()
from pathlib import Path
from videohelp.core.store import Store
from videohelp.queue.triage.service import build_engine
from videohelp.queue.triage.storage import TriageUpdate, apply_triage
db = Path(sys.argv[1])
engine = build_engine(db)
store = Store(db, migrate=False)
row = store.conn.execute("SELECT id, text FROM comments ORDER BY id LIMIT 1").fetchone()
decision = engine.classify([row["text"]])[0]
store.conn.execute("UPDATE comments SET is_question = NULL, state = 'new'")
apply_triage(store, [TriageUpdate(row["id"], decision.is_question, decision.item,
                                  decision.confidence)])
store.close()
print(f"{time.perf_counter() - started:.3f} s wall, {time.process_time():.3f} s CPU,"
      f" stale={engine.stale}, {decision.item}")
"""


def _prepare(data_dir: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from videohelp.core.knowledge import KnowledgeBase
    from videohelp.core.store import Store

    db = data_dir / "videohelp.db"
    KnowledgeBase.open(db).close()
    store = Store(db)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO comments (platform, msg_id, user_id, user_name, user_name_masked, text,"
            " text_masked, ts_ms, received_ms) VALUES ('douyin', 'm1', 'u1', 'v', 'v', ?, ?, 0, 0)",
            ("主播辛苦了，駕照到期了怎麼換證", "主播辛苦了，駕照到期了怎麼換證"))
    store.close()
    return db


def _run(db: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(db)], env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    total = time.perf_counter() - started
    return total, done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "data"
        data_dir.mkdir(mode=0o700)
        db = _prepare(data_dir)
        env = dict(os.environ, PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(Path(scratch) / "cache"))
        for name in ["cold"] + ["warm"] * args.runs:
            total, out = _run(db, env)
            print(f"{name:<8} first comment filed {total:.2f} s after the process started "
                  f"(inside: {out})")
        sys.path.insert(0, str(REPO))
        from videohelp.core.store import Store
        from videohelp.queue.triage.storage import record_correction

        store = Store(db)
        record_correction(store, "刷一波", None, "bench")
        store.close()
        total, out = _run(db, env)
        print(f"{'changed':<8} first comment filed {total:.2f} s (stale model, inside: {out})")
    print(f"machine load (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
