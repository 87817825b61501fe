"""``videohelp answer serve|client|ask``: the 24-hour answering service (docs/answers.md).

``answer serve`` runs ``POST /api/v1/ask`` and the ``/ask`` page alone on a
data directory holding a copy of the knowledge base (the questions it takes
are stored there). ``answer client add NAME`` prints a client's token once
(only its hash is kept, in ``answer-clients.json``); ``client revoke NAME``
invalidates it within a second, also for a running server; ``client list``.
``answer ask TEXT`` answers one question locally, as the service would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys

from videohelp.console.logsetup import setup_logging
from videohelp.core.paths import DataPaths, data_paths
from videohelp.core.settings import Settings

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "answer", help="the 24-hour answering service (智能问答): serve, clients, ask",
        description="Answer viewers from the reviewed knowledge base when the studio is off air.")
    actions = parser.add_subparsers(dest="answer_command", metavar="ACTION", required=True)
    serve = actions.add_parser("serve", parents=[common],
                               help="serve POST /api/v1/ask and /ask alone on this data directory")
    from videohelp.console.commands.serve import add_server_arguments

    add_server_arguments(serve)
    client = actions.add_parser("client", help="API clients and their tokens")
    client_actions = client.add_subparsers(dest="client_command", metavar="ACTION", required=True)
    add = client_actions.add_parser("add", parents=[common], help="add a client, print its token")
    add.add_argument("name", help="the client's name, e.g. app or zlb")
    add.add_argument("--platform", default="ask",
                     help="the platform its questions are stored under (default: ask)")
    revoke = client_actions.add_parser("revoke", parents=[common], help="revoke a client's token")
    revoke.add_argument("name")
    client_actions.add_parser("list", parents=[common], help="list the clients")
    ask = actions.add_parser("ask", parents=[common], help="answer one question here (no server)")
    ask.add_argument("question")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir)
    if args.answer_command == "client":
        return _client(args, paths)
    setup_logging(paths.log_file, verbose=args.verbose)
    settings = Settings(paths.settings)
    if args.answer_command == "ask":
        return asyncio.run(_ask(args.question, paths, settings))
    try:
        return asyncio.run(serve(args, paths, settings))
    except OSError as exc:
        print(f"videohelp: cannot listen: {exc}", file=sys.stderr)
        return 1


def _client(args: argparse.Namespace, paths: DataPaths) -> int:
    from videohelp.queue.answering.clients import (
        FILE_NAME,
        ClientError,
        add_client,
        read_clients,
        revoke_client,
    )

    path = paths.root / FILE_NAME
    try:
        if args.client_command == "add":
            token = add_client(path, args.name, args.platform)
            print(f"client {args.name} added. Its token, shown only now:", file=sys.stderr)
            print(token)
        elif args.client_command == "revoke":
            revoke_client(path, args.name)
            print(f"client {args.name} revoked; a running service refuses it within a second")
        else:
            for client in read_clients(path):
                state = f"revoked {client.revoked}" if client.revoked else "active"
                print(f"{client.name}\t{client.platform}\t{client.created}\t{state}")
    except ClientError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 1
    return 0


async def _ask(question: str, paths: DataPaths, settings: Settings) -> int:
    from videohelp.core.knowledge import KnowledgeBase
    from videohelp.queue.answering.service import AnswerConfig, AnsweringService, Asked

    KnowledgeBase.open(paths.database).close()  # migrate, and seed a new data directory
    service = AnsweringService(paths.database, None, AnswerConfig.from_settings(settings))
    await service.start()
    try:
        answer = await service.ask(Asked(question, "cli", "ask"))
    finally:
        await service.stop()
    print(json.dumps(answer.as_json(), ensure_ascii=False, indent=1))
    return 0


async def serve(args: argparse.Namespace, paths: DataPaths, settings: Settings) -> int:
    from videohelp.console.answer_actions import answer_actions
    from videohelp.console.wiring import standalone_actions
    from videohelp.core.knowledge import KnowledgeBase
    from videohelp.core.server import ConsoleServer
    from videohelp.core.tls import TlsError, server_tls
    from videohelp.queue.answering.install import install_answers
    from videohelp.queue.ingest import writer_from_settings
    from videohelp.queue.pipeline import IngestPipeline

    host = args.host or settings["server.host"]
    port = settings["server.port"] if args.port is None else args.port
    try:  # off loopback: https:// or an explicit --insecure-no-tls, as for seats
        tls_context, fingerprint = server_tls(args, paths.root, host)
    except TlsError as exc:
        print(f"videohelp: {exc}", file=sys.stderr)
        return 2
    KnowledgeBase.open(paths.database).close()  # migrate, and seed a new data directory
    pipeline = IngestPipeline(writer_from_settings(paths.database, settings))
    server = ConsoleServer(host, port, max_connections=settings["server.max_connections"],
                           ssl=tls_context)
    # Here the service is the point: it runs whatever answers.enabled says.
    # Its questions are answered or passed on through the show's action service, as on the
    # console (audited as ``auto-answer``); there is no desk or seat here to tell.
    actions = standalone_actions(pipeline, settings)
    hook = install_answers(server, pipeline, paths, settings, act=answer_actions(actions),
                           force=True)
    assert hook is not None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await pipeline.start()
    try:
        await hook.start()
        await server.start()
        scheme = "https" if tls_context is not None else "http"
        print(f"videohelp: answering on {server.url('', scheme)} (data in {paths.root})",
              flush=True)
        if fingerprint:
            print(f"videohelp: certificate SHA-256 {fingerprint}", flush=True)
        await stop.wait()
        log.info("stopping")
    finally:
        await server.stop()
        await hook.stop()
        await actions.stop()
        await pipeline.stop()
    return 0
