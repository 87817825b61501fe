#!/usr/bin/env python3
"""A desk setting's CPU share, toggled in one desk process under a steady load (issue 15).

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python bench/desk_toggle.py [--rounds 4] [--segment 15]

``bench/desk_cpu.py`` runs the desk afresh each time; from one run to the next this machine
reads ±0.02 cores apart (its speed drifts by the hour), as much as a setting's share. Here one
desk (``ShowSession`` and ``MainWindow``, as in ``desk_cpu.py``) is fed ``--rate`` comments/s
through the shipped bridge client without a pause while the setting is switched off and on in
ABBA order, ``--segment`` seconds each (after a second to settle); the figure is the whole
process's cores in each segment, per thread, and the means of each side. The setting toggled is
the commit linger in a flood (``IngestPipeline.flood_linger_s``: off, and as the desk ships it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk_cpu import cpu_s, threads_s  # bench/desk_cpu.py
from ingest import TOKENS  # bench/ingest.py: the bridges


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--segment", type=float, default=15.0, help="seconds per setting")
    parser.add_argument("--rounds", type=int, default=4, help="ABBA: each setting this many times")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from videohelp.console.session import DESK_FLOOD_LINGER_S, SessionOptions, ShowSession
    from videohelp.core.heap import return_large_blocks
    from videohelp.core.paths import data_paths
    from videohelp.core.settings import Settings
    from videohelp.ui.event_loop import new_event_loop
    from videohelp.ui.main_window import MainWindow

    return_large_blocks()
    app = QApplication.instance() or QApplication([])
    loop = new_event_loop(app)
    session = ShowSession(data_paths(Path(tempfile.mkdtemp(prefix="desk-toggle-"))), Settings(),
                          SessionOptions(listen=True, host="127.0.0.1", port=0,
                                         ingest_tokens={"douyin": TOKENS["douyin"]}))
    window = MainWindow(session, show_personal=True)
    window.resize(1920, 1080)
    window.show()
    cores: dict[bool, list[float]] = {False: [], True: []}

    async def run() -> None:
        await session.start()
        while session.triage is not None and not session.triage.is_ready:
            await asyncio.sleep(0.1)
        await asyncio.sleep(2.0)
        seconds = (args.segment + 1.0) * 2 * args.rounds + 10
        bridge = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).with_name("desk_cpu.py")), "--load",
            session.server.url("/ingest"), str(args.rate), str(seconds), "0.05", "0",
            stdout=asyncio.subprocess.DEVNULL)
        await asyncio.sleep(5.0)  # the feed and triage under way
        for segment in range(2 * args.rounds):
            on = segment % 4 in (1, 2)  # off, on, on, off, ...: a steady drift cancels
            session.pipeline.flood_linger_s = DESK_FLOOD_LINGER_S if on else None
            await asyncio.sleep(1.0)
            c0, t0, th0 = cpu_s(), time.perf_counter(), threads_s()
            await asyncio.sleep(args.segment)
            c1, t1, th1 = cpu_s(), time.perf_counter(), threads_s()
            cores[on].append((c1 - c0) / (t1 - t0))
            busy = {name.split(" ")[0]: round((th1[name] - th0.get(name, 0.0)) / (t1 - t0), 3)
                    for name in th1 if th1[name] - th0.get(name, 0.0) > 0.01 * (t1 - t0)}
            print(f"flood linger {'on ' if on else 'off'} {cores[on][-1]:.3f} cores {busy}",
                  flush=True)
        await bridge.wait()
        await session.stop()

    with loop:
        loop.run_until_complete(run())
    window.close()
    off, on = (sum(cores[k]) / len(cores[k]) for k in (False, True))
    print(f"flood linger off {off:.3f}, on {on:.3f} cores (mean of {args.rounds} segments each):"
          f" {on - off:+.3f}")


if __name__ == "__main__":
    main()
