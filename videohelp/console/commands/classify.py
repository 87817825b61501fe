"""``videohelp classify``: triage comments given as JSON lines on stdin.

    echo '{"id": 1, "text": "驾照丢了怎么补"}' | videohelp classify [--data-dir DIR]

Each input line is an object with ``text`` and optionally ``id``; each output
line (same order, one per non-blank input line) has ``id``, ``text``,
``is_question``, ``item`` (code or null), ``class``, ``confidence``,
``candidates`` (3 x ``{"item", "score"}``) and ``answers`` (3 KB ids). A line
that cannot be classified gets ``{"id", "line", "error", "message"}`` instead
and the rest go on.

With a data directory that holds a console database, triage uses the
studio's catalog, knowledge base and corrections from it; otherwise the
shipped knowledge. Exit codes: 0 every line classified, 2 some lines were bad
(each got an error line), 1 triage could not start.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

from videohelp.queue.normalize import TextError, check_text

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_BAD_LINES = 0, 1, 2
MAX_CHARS = 2000


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "classify", parents=[common], help="triage JSON-lines comments from stdin",
        description="Read {\"id\", \"text\"} JSON lines on stdin; write triage's decision for "
                    "each as a JSON line on stdout. Exit codes: 0 ok, 2 some bad lines, "
                    "1 could not start.")
    parser.add_argument("--batch", type=int, default=512, metavar="N",
                        help="lines classified together (default 512)")
    parser.set_defaults(func=run)


def _engine(data_dir: str | None) -> Any:
    from videohelp.core.paths import data_paths
    from videohelp.core.store import Store
    from videohelp.queue.triage import model_store
    from videohelp.queue.triage.corpus import Knowledge
    from videohelp.queue.triage.engine import TriageEngine
    from videohelp.queue.triage.storage import load_corrections

    database = data_paths(data_dir).database if data_dir else None
    if database is None or not database.exists():
        return TriageEngine(Knowledge.load())
    store = Store(database)
    try:
        knowledge, corrections = Knowledge.from_store(store), load_corrections(store)
    finally:
        store.close()
    # The model saved beside the database when it is current; else trained and saved.
    engine = model_store.ready_engine(knowledge, corrections, database.parent)
    if engine.stale:
        engine = model_store.train_and_save(knowledge, corrections, database.parent)
    return engine


def _parse(raw: bytes, number: int) -> tuple[Any, str | None, dict | None]:
    """(id, text, None) for a good line, (id, None, error line) for a bad one."""
    def error(code: str, message: str, comment_id: Any = None) -> tuple[Any, None, dict]:
        return comment_id, None, {"id": comment_id, "line": number, "error": code,
                                  "message": message}

    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return error("invalid_utf8", "the line is not UTF-8")
    except ValueError as exc:
        return error("bad_json", f"not JSON: {exc}")
    if not isinstance(value, dict):
        return error("bad_request", "each line must be a JSON object with 'text'")
    comment_id = value.get("id")
    if isinstance(comment_id, dict | list):
        return error("bad_request", "'id' must be a string or a number")
    text = value.get("text")
    if not isinstance(text, str):
        return error("bad_request", "'text' (a string) is required", comment_id)
    try:
        return comment_id, check_text(text, max_chars=MAX_CHARS), None
    except TextError as exc:
        return error(exc.code, str(exc), comment_id)


def _batches(stream: IO[bytes], size: int) -> Iterator[list[tuple[int, bytes]]]:
    batch: list[tuple[int, bytes]] = []
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            batch.append((number, raw))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    try:
        engine = _engine(args.data_dir)
    except Exception as exc:
        print(f"videohelp classify: triage could not start: {exc}", file=sys.stderr)
        return EXIT_FAILED
    log.info("triage ready in %.2f s", time.perf_counter() - started)
    out, bad, total = sys.stdout, 0, 0
    try:
        for batch in _batches(sys.stdin.buffer, max(1, args.batch)):
            parsed = [_parse(raw, number) for number, raw in batch]
            texts = [text for _, text, _ in parsed if text is not None]
            decisions = iter(engine.classify(texts))
            lines = []
            for comment_id, _text, error in parsed:
                if error is not None:
                    bad += 1
                    lines.append(json.dumps(error, ensure_ascii=False))
                else:
                    lines.append(json.dumps(next(decisions).as_json(comment_id),
                                            ensure_ascii=False))
            total += len(parsed)
            out.write("\n".join(lines) + "\n")
            out.flush()
    except BrokenPipeError:
        return EXIT_OK  # the reader went away (| head): not an error of ours
    log.info("%d lines (%d bad) in %.2f s", total, bad, time.perf_counter() - started)
    return EXIT_BAD_LINES if bad else EXIT_OK
