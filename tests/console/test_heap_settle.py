"""The console settles the heap once triage's engine is built (``core/heap.settle_heap``).

In a fresh process: ``gc.freeze`` is process-wide and must not depend on earlier tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONSOLE_SETTLES = """
import asyncio, gc, json, sys, tempfile
from pathlib import Path
from videohelp.console.wiring import ConsoleOptions, build_console
from videohelp.core.paths import data_paths
from videohelp.core.settings import Settings

async def main():
    console = build_console(data_paths(Path(tempfile.mkdtemp())), Settings(),
                            ConsoleOptions(listen=False, run_program=False))
    before = gc.get_freeze_count()
    await console.start()
    for _ in range(600):  # triage builds in its thread (a few seconds)
        if console.triage.is_ready:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    after = gc.get_freeze_count()
    # Exempt objects are in no generation the collector walks.
    walked = {id(o) for o in gc.get_objects()}
    engine_exempt = id(console.triage.engine) not in walked
    await console.stop()
    print(json.dumps({"ready": console.triage.is_ready, "before": before, "after": after,
                      "engine_exempt": engine_exempt}))

from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
from videohelp.ui.event_loop import new_event_loop
loop = new_event_loop(app)
with loop:
    loop.run_until_complete(main())
"""


def test_the_console_settles_the_heap_once_triage_is_ready() -> None:
    done = subprocess.run([sys.executable, "-c", CONSOLE_SETTLES], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ready"] is True
    assert result["before"] == 0
    assert result["after"] > 10_000, result  # what start-up loaded (63,022 measured)
    assert result["engine_exempt"] is True
