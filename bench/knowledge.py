#!/usr/bin/env python3
"""Knowledge base figures: first-run seeding, search latency, import/export throughput.

    .venv/bin/python bench/knowledge.py [--scale N]

``--scale`` multiplies the shipped entries (with new ids) to see how search and
import behave at the studio's real size (815 pairs and beyond). Prints one line
per figure; machine speed matters, so compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from videohelp.console.kb_import import export_file, import_file
from videohelp.core.knowledge import KnowledgeBase, load_shipped, write_entry
from videohelp.core.regulations import load_regulations

QUERIES = ("驾照", "电驴", "过户", "12123", "驾驶证 换证", "满分学习", "电动自行车 上牌", "车")


def _ms(func, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="copies of the shipped entries")
    args = parser.parse_args()
    regulations = load_regulations()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        kb = KnowledgeBase.open(root / "kb.sqlite3", regulations)
        print(f"seed (first run, {len(kb.entries())} entries + 108 items): "
              f"{(time.perf_counter() - start) * 1000:.0f} ms")
        if args.scale > 1:
            shipped = load_shipped()
            with kb.store.transaction() as conn:
                for copy in range(1, args.scale):
                    for entry in shipped:
                        write_entry(conn, replace(entry, id=f"{entry.id}-x{copy}"), "bench", action="create")
        total = len(kb.entries())
        print(f"entries: {total}")
        for query in QUERIES:
            hits = len(kb.search(query))
            print(f"search {query!r}: {_ms(lambda q=query: kb.search(q)):.2f} ms median, {hits} hits")
        for suffix in (".csv", ".xlsx"):
            path = root / f"export{suffix}"
            start = time.perf_counter()
            export_file(kb, path, ("knowledge",))
            exported = time.perf_counter() - start
            target = KnowledgeBase.open(root / f"target{suffix}.sqlite3", regulations, seed=False)
            target.catalog_store.seed_if_empty()
            start = time.perf_counter()
            report = import_file(target, path, actor="bench")
            imported = time.perf_counter() - start
            assert report.clean and report.added == total, report.problems[:3]
            print(f"{suffix}: export {total / exported:,.0f} rows/s, "
                  f"check+import {total / imported:,.0f} rows/s ({imported * 1000:.0f} ms)")
            target.close()
        kb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
