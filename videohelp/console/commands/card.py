"""``videohelp card``: render a card to a PNG, list the templates, drive the cards on air.

    videohelp card render --template NAME --data JSON --out card.png [--width W --height H]
                          [--theme NAME|FILE] [--frame]
    videohelp card templates
    videohelp card take   --url ws://HOST:PORT --token TOKEN --template NAME --data JSON
                          [--layer L] [--transition cut|fade|slide] [--out-transition K]
                          [--seconds S] [--duration S]
    videohelp card update --url ... --token ... [--layer L | --template NAME] --data JSON
    videohelp card clear  --url ... --token ... [--layer L] [--transition K]
    videohelp card panic  --url ... --token ...
    videohelp card source --url ... --token ... --source test|camera:0|file:PATH|URL|whip

``--data`` is JSON text, or ``@FILE`` to read it from a file. The remote
commands speak the control channel (``/seat``, docs/protocol.md) of a console
started with ``videohelp serve --control-token TOKEN``.

Exit codes: 0 done; 2 the request is wrong (usage, bad JSON, unknown template,
missing or invalid fields; found here or reported by the console); 1 it could
not be carried out (no connection, token refused, nothing on that layer,
console error, timeout).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from videohelp.core.token_files import add_token_arguments

EXIT_OK, EXIT_FAILED, EXIT_BAD_REQUEST = 0, 1, 2
BAD_REQUEST_CODES = {"bad_json", "bad_request", "bad_card", "unknown_type", "bad_source"}
_rids = itertools.count(1)


class UsageError(Exception):
    """Bad input on the command line (exit code 2)."""


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "card", help="render a card to a PNG or drive the cards on air",
        description="Render cards offline, or take/update/clear cards on a running console. "
                    "Exit codes: 0 done, 1 failed, 2 bad request.")
    actions = parser.add_subparsers(dest="card_command", metavar="ACTION", required=True)

    render = actions.add_parser("render", parents=[common], help="render one card to a PNG file")
    render.add_argument("--template", required=True, help="template name (see: card templates)")
    render.add_argument("--data", required=True, help="card fields as JSON, or @FILE")
    render.add_argument("--out", required=True, type=Path, help="PNG file to write")
    render.add_argument("--width", type=int, default=1920, help="program width (default 1920)")
    render.add_argument("--height", type=int, default=1080, help="program height (default 1080)")
    render.add_argument("--theme", help="theme name (assets/themes) or theme file")
    render.add_argument("--frame", action="store_true",
                        help="write the whole frame (transparent) with the card in place")
    render.set_defaults(func=run_render)

    listing = actions.add_parser("templates", parents=[common], help="list templates and fields")
    listing.set_defaults(func=run_templates)

    for action, text in (("take", "put a card on air"), ("update", "change the card on a layer"),
                         ("clear", "take a layer off air"), ("panic", "everything off air at once"),
                         ("source", "cut the program to another source")):
        remote = actions.add_parser(action, parents=[common], help=text)
        remote.add_argument("--url", required=True, help="the console, ws://HOST:PORT[/seat]")
        add_token_arguments(remote, what="the control token", env=("VIDEOHELP_CONTROL_TOKEN",))
        remote.add_argument("--timeout", type=float, default=10.0,
                            help="seconds to wait for the console (default 10)")
        if action == "source":
            remote.add_argument("--source", required=True, metavar="SPEC",
                                help="test, camera:0, file:PATH, clip:PATH, a stream URL or whip")
        elif action != "panic":
            remote.add_argument("--layer", help="layer name (default: the template's name; "
                                                "clear: qa)")
        if action in ("take", "update"):
            remote.add_argument("--template", required=action == "take", help="template name")
            remote.add_argument("--data", required=True, help="card fields as JSON, or @FILE")
        if action in ("take", "clear"):
            remote.add_argument("--transition", choices=("cut", "fade", "slide"),
                                help="in-transition (clear: out-transition); default: the theme's")
            remote.add_argument("--seconds", type=float, help="transition length in seconds")
        if action == "take":
            remote.add_argument("--out-transition", choices=("cut", "fade", "slide"),
                                help="out-transition used when it is cleared")
            remote.add_argument("--duration", type=float,
                                help="go out by itself after this many seconds (0: stays)")
        remote.set_defaults(func=run_remote, action=action)


def load_data(text: str) -> dict[str, Any]:
    """``--data``: JSON text or ``@FILE``; must be an object."""
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--data: cannot read {text[1:]}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--data is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError("--data must be a JSON object of card fields, e.g. '{\"name\": \"张警官\"}'")
    return data


_APP: list[Any] = []  # keeps the QGuiApplication alive while the command runs


def _app() -> None:
    """An offscreen QGuiApplication for fonts (no display needed)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # rendering never needs a display
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        _APP.append(QGuiApplication(sys.argv[:1]))


def run_render(args: argparse.Namespace) -> int:
    try:
        data = load_data(args.data)
    except UsageError as exc:
        print(f"videohelp card: {exc}", file=sys.stderr)
        return EXIT_BAD_REQUEST
    _app()
    from videohelp.streaming.cards import CardError, CardRenderer
    from videohelp.streaming.theme import Theme, ThemeError

    try:
        theme = None
        if args.theme:
            path = Path(args.theme)
            theme = Theme.load(path) if path.suffix == ".json" or path.is_file() else Theme.named(args.theme)
        renderer = CardRenderer(args.width, args.height, theme)
        card = renderer.render(args.template, data)
    except (CardError, ThemeError) as exc:
        print(f"videohelp card: {exc}", file=sys.stderr)
        return EXIT_BAD_REQUEST
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(card.png(frame=args.frame))
    except OSError as exc:
        print(f"videohelp card: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    width, height = card.size
    print(f"{args.out}: {card.template} {width}x{height} at ({card.x}, {card.y}) "
          f"on {args.width}x{args.height}")
    return EXIT_OK


def run_templates(args: argparse.Namespace) -> int:
    from videohelp.streaming.cards import templates

    for name, spec in sorted(templates().items()):
        print(f"{name}: {spec.description}")
        for field in spec.fields:
            need = "required" if field.required else "optional"
            print(f"  {field.name:<11} {field.kind:<6} {need:<8} {field.help}")
    return EXIT_OK


def control_url(url: str) -> str:
    """``ws://host:port`` -> ``ws://host:port/seat`` (an explicit path is kept)."""
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise UsageError(f"--url must be ws://HOST:PORT or wss://HOST:PORT, not {url!r}")
    return urlunsplit(parts._replace(path=parts.path if parts.path not in ("", "/") else "/seat"))


def build_request(args: argparse.Namespace) -> dict[str, Any]:
    request: dict[str, Any] = {"type": args.action, "rid": f"cli-{os.getpid()}-{next(_rids)}"}
    for key in ("layer", "template", "source"):
        if getattr(args, key, None):
            request[key] = getattr(args, key)
    if getattr(args, "data", None) is not None:
        request["data"] = load_data(args.data)
    for key, name in (("transition", "transition"), ("out_transition", "out"), ("seconds", "seconds"),
                      ("duration", "duration_s")):
        if getattr(args, key, None) is not None:
            request[name] = getattr(args, key)
    if args.action == "update" and "layer" not in request and "template" not in request:
        raise UsageError("update needs --layer or --template")
    return request


def run_remote(args: argparse.Namespace) -> int:
    from websockets.exceptions import InvalidStatus, WebSocketException
    from websockets.sync.client import connect

    try:
        if not args.token:
            raise UsageError("--token is required (or set VIDEOHELP_CONTROL_TOKEN)")
        url = control_url(args.url)
        request = build_request(args)
    except UsageError as exc:
        print(f"videohelp card: {exc}", file=sys.stderr)
        return EXIT_BAD_REQUEST
    try:
        with connect(url, additional_headers={"Authorization": f"Bearer {args.token}"},
                     open_timeout=args.timeout, close_timeout=2.0, compression=None) as socket:
            socket.send(json.dumps(request, ensure_ascii=False))
            # A seat first gets the snapshot and events (docs/protocol.md, "Seats"): skip to the reply.
            deadline = time.monotonic() + args.timeout
            while True:
                reply = json.loads(socket.recv(timeout=max(0.0, deadline - time.monotonic())))
                if isinstance(reply, dict) and reply.get("type") in ("ok", "error") \
                        and reply.get("rid") in (request["rid"], None):
                    break
    except InvalidStatus as exc:
        status = exc.response.status_code
        why = "the console refused the token" if status == 401 else "the console refused"
        print(f"videohelp card: {why} (HTTP {status})", file=sys.stderr)
        return EXIT_FAILED
    except (OSError, TimeoutError, WebSocketException, ValueError) as exc:
        print(f"videohelp card: cannot reach the console at {url}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if reply.get("type") == "ok":
        line = f"ok: {args.action} {reply.get('layer') or reply.get('source') or ''}".rstrip()
        if "on_air" in reply:  # the seat server's replies may not list it
            line += f"; on air: {', '.join(reply['on_air']) or 'nothing'}"
        print(line)
        return EXIT_OK
    code = reply.get("code", "error")
    print(f"videohelp card: {code}: {reply.get('message', '')}", file=sys.stderr)
    return EXIT_BAD_REQUEST if code in BAD_REQUEST_CODES else EXIT_FAILED
