#!/usr/bin/env python3
"""24-hour answers under load: answers/s through real HTTP, p99 latency, while ingesting.

    .venv/bin/python bench/answers_http.py                  # 300 answers/s + 1,000 comments/s, 60 s
    .venv/bin/python bench/answers_http.py --rate 400 --seconds 30

Three processes, as in production: the console (pipeline, /ingest, the answering
service and its routes on one ConsoleServer, as ``videohelp serve`` wires them),
a bridge feeding ``--ingest`` comments/s through /ingest (IngestClient, batches
every 100 ms), and an HTTP client firing ``--rate`` questions/s open-loop at
POST /api/v1/ask (a new connection per request: the server answers
``Connection: close``). Latency is measured from each request's scheduled time,
so a stalled server shows as latency, not as a lower offered rate. Questions
come from bench/data/answering-heldout.jsonl; every entry is reviewed. The
console's resident memory is sampled every second after a 10 s warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
TOKEN = "bench-ingest-token-0123456789"


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- the console -------------------------------------------------------------------------
async def console(data: Path, client_rate: float, repeat_window_s: float | None) -> None:
    from videohelp.console.answer_actions import answer_actions
    from videohelp.console.wiring import standalone_actions
    from videohelp.core.knowledge import KnowledgeBase
    from videohelp.core.paths import DataPaths
    from videohelp.core.server import ConsoleServer
    from videohelp.core.settings import Settings
    from videohelp.queue.answering.install import install_answers
    from videohelp.queue.ingest import IngestConfig, build_ingest, writer_from_settings
    from videohelp.queue.pipeline import IngestPipeline

    paths = DataPaths(data)
    kb = KnowledgeBase.open(paths.database)
    for entry in kb.entries():
        kb.mark_reviewed(entry.id, "bench")
    kb.close()
    settings = Settings(None)
    settings.set("answers.client_per_s", client_rate)
    settings.set("answers.viewer_per_min", 600.0)
    if repeat_window_s is not None:  # the ingest's dedup memory (what it keeps, per comment)
        settings.set("ingest.repeat_window_s", repeat_window_s)
        settings.set("ingest.same_text_window_s", min(repeat_window_s, 120.0))
    pipeline = IngestPipeline(writer_from_settings(paths.database, settings))
    server = ConsoleServer("127.0.0.1", 0, max_connections=512)
    ingest = build_ingest(server, pipeline, IngestConfig(tokens={"douyin": TOKEN}))
    actions = standalone_actions(pipeline, settings)
    hook = install_answers(server, pipeline, paths, settings, ingest=ingest,
                           act=answer_actions(actions))
    assert hook is not None
    await pipeline.start()
    await hook.start()
    await server.start()
    print(json.dumps({"port": server.port}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    handled = sorted(hook.api.handled_s)

    def pct(p: float) -> float:
        return round(handled[min(len(handled) - 1, int(p * len(handled)))] * 1000, 2)
    stats = {"answered": hook.service.answered, "passed_on": hook.service.passed_on,
             # In the console: from the request read to the response built.
             "handler_p50_ms": pct(0.5), "handler_p99_ms": pct(0.99)}
    await server.stop()
    await hook.stop()
    await actions.stop()
    await pipeline.stop()
    print(json.dumps(stats), flush=True)


# -- the bridge --------------------------------------------------------------------------
async def feeder(port: int, rate: float, seconds: float) -> None:
    from videohelp.queue.bridges.client import IngestClient

    client = IngestClient(f"ws://127.0.0.1:{port}/ingest", TOKEN, batch_size=200)
    client.start()
    await client.wait_connected()
    texts = ["主播好", "驾照到期了怎么换", "666", "电动车怎么上牌", "哈哈哈", "年检要带什么"]
    started = time.perf_counter()
    sent = 0
    tick = 0.1
    while time.perf_counter() - started < seconds:
        due = int((time.perf_counter() - started) * rate)
        while sent < due:
            await client.send({"type": "comment", "id": f"f{sent}", "user": {"id": f"u{sent % 5000}"},
                               "text": f"{random.choice(texts)} {sent}", "ts": int(time.time() * 1000)})
            sent += 1
        await asyncio.sleep(tick)
    await asyncio.wait_for(client.drain(), 60)
    await client.close()
    print(json.dumps({"sent": sent, "acked": client.acked,
                      "rate": sent / (time.perf_counter() - started)}), flush=True)


# -- the HTTP client ---------------------------------------------------------------------
async def asker(port: int, token: str, rate: float, seconds: float) -> None:
    rows = [json.loads(line) for line in
            (REPO / "bench" / "data" / "answering-heldout.jsonl").read_text().splitlines()]
    questions = [row["text"] for row in rows]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    outstanding = asyncio.Semaphore(256)

    async def one(n: int, scheduled: float) -> None:
        body = json.dumps({"question": questions[n % len(questions)],
                           "viewer_id": f"viewer-{n}"}, ensure_ascii=False).encode()
        head = (f"POST /api/v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}"
                f"\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        async with outstanding:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", port), 10)
                writer.write(head.encode() + body)
                reply = await asyncio.wait_for(reader.read(), 10)
                writer.close()
                status = int(reply.split(b" ", 2)[1])
            except (OSError, TimeoutError, ValueError, IndexError):
                status = 0
        latencies.append(time.perf_counter() - scheduled)
        statuses[status] = statuses.get(status, 0) + 1

    tasks = []
    started = time.perf_counter()
    n = 0
    while (now := time.perf_counter()) - started < seconds:
        due = int((now - started) * rate)
        while n < due:
            tasks.append(asyncio.ensure_future(one(n, started + n / rate)))
            n += 1
        await asyncio.sleep(0.002)
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(json.dumps({"requests": n, "ok": statuses.get(200, 0), "statuses": statuses,
                      "answers_per_s": statuses.get(200, 0) / elapsed, "p50_ms": pct(0.50),
                      "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": latencies[-1] * 1000}),
          flush=True)


# -- orchestration -------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--role", choices=("run", "console", "feeder", "asker"), default="run")
    parser.add_argument("--rate", type=float, default=300.0, help="questions per second")
    parser.add_argument("--ingest", type=float, default=1000.0, help="comments per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--port", type=int)
    parser.add_argument("--token")
    parser.add_argument("--data")
    parser.add_argument("--repeat-window", type=float,
                        help="ingest.repeat_window_s for the console (memory check)")
    args = parser.parse_args()
    if args.role == "console":
        asyncio.run(console(Path(args.data), max(1000.0, 2 * args.rate), args.repeat_window))
        return 0
    if args.role == "feeder":
        asyncio.run(feeder(args.port, args.ingest, args.seconds))
        return 0
    if args.role == "asker":
        asyncio.run(asker(args.port, args.token, args.rate, args.seconds))
        return 0
    from videohelp.queue.answering.clients import FILE_NAME, add_client

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    me = [sys.executable, str(Path(__file__).resolve())]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        token = add_client(data / FILE_NAME, "bench")
        window = ["--repeat-window", str(args.repeat_window)] if args.repeat_window else []
        server = subprocess.Popen([*me, "--role", "console", "--data", str(data), *window],
                                  env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None and server.stdin is not None
        port = json.loads(server.stdout.readline())["port"]
        load_before = os.getloadavg()
        common = ["--port", str(port), "--seconds", str(args.seconds)]
        feeder_proc = subprocess.Popen([*me, "--role", "feeder", "--ingest", str(args.ingest),
                                        *common], env=env, stdout=subprocess.PIPE, text=True)
        asker_proc = subprocess.Popen([*me, "--role", "asker", "--rate", str(args.rate),
                                       "--token", token, *common], env=env,
                                      stdout=subprocess.PIPE, text=True)
        memory = []
        cpu_before = cpu_s(server.pid)
        started = time.monotonic()
        while asker_proc.poll() is None:
            time.sleep(1.0)
            if time.monotonic() - started >= 10:
                memory.append(round(rss_mb(server.pid), 1))
        server_cpu = (cpu_s(server.pid) - cpu_before) / (time.monotonic() - started)
        asked = json.loads(asker_proc.stdout.read())  # type: ignore[union-attr]
        fed = json.loads(feeder_proc.communicate(timeout=120)[0])
        load_after = os.getloadavg()
        server.stdin.write("\n")
        server.stdin.flush()
        served = json.loads(server.stdout.readline())
        server.wait(timeout=60)
    result = {"asked": asked, "ingested": fed, "console": served,
              # Cores the console used (1.0 = one core busy): under 1 it kept up by itself.
              "console_cores": round(server_cpu, 2),
              "rss_mb": {"first": memory[0] if memory else None,
                         "last": memory[-1] if memory else None,
                         "max": max(memory) if memory else None,
                         "every_5_s": memory[::5]},
              "load_before": load_before, "load_after": load_after}
    print(json.dumps(result, indent=1))
    ok = (asked["answers_per_s"] >= 0.98 * args.rate and asked["p99_ms"] <= 50
          and fed["rate"] >= 0.98 * args.ingest)
    print("goals met" if ok else "GOALS MISSED (see the load: the machine is shared)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
