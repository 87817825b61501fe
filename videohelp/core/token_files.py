"""Secrets from files and the environment instead of the command line.

A token given as ``--token T`` is visible to every local user in ``ps``; a
token file (owner-only, 0600) or an environment variable is not. Every token
option has a ``-file`` twin that reads the file when the command line is parsed
and stores the token where the plain option would have (so nothing downstream
changes), e.g.::

    videohelp serve --ingest-token-file douyin=/etc/videohelp/douyin.token
    videohelp --role expert --connect wss://console:8765 --token-file ~/.videohelp-seat

Tokens are never logged; a file that other users may read draws a warning.
"""

from __future__ import annotations

import argparse
import logging
import os
import stat
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_TOKEN_FILE_BYTES = 4096
SEAT_TOKEN_ENV = ("VIDEOHELP_TOKEN", "VIDEOHELP_SEAT_TOKEN")


class TokenFileError(ValueError):
    """A token file that cannot be used (missing, empty, too big, unreadable)."""


def read_token_file(path: str | os.PathLike[str]) -> str:
    """The token in ``path``: its first line, stripped. Warns if others may read the file."""
    file = Path(path).expanduser()
    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_TOKEN_FILE_BYTES + 1)
            mode = os.fstat(handle.fileno()).st_mode
    except OSError as exc:
        raise TokenFileError(f"cannot read token file {file}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_TOKEN_FILE_BYTES:
        raise TokenFileError(f"token file {file} is larger than {MAX_TOKEN_FILE_BYTES} bytes")
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise TokenFileError(f"token file {file} is not UTF-8 text") from exc
    token = lines[0].strip() if lines else ""
    if not token:
        raise TokenFileError(f"token file {file} is empty")
    if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
        print(f"videohelp: warning: token file {file} may be read by other users; "
              f"chmod 600 {file}", file=sys.stderr)
    return token


def env_token(*names: str) -> str | None:
    """The first non-empty of the environment variables ``names``."""
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def overlay_token(settings: Any) -> str | None:
    """The overlay page's URL token: ``$VIDEOHELP_OVERLAY_TOKEN``, else the setting, else None."""
    return env_token("VIDEOHELP_OVERLAY_TOKEN") or (settings["overlay.token"] or None)


class TokenFileAction(argparse.Action):
    """``--x-token-file FILE``: read FILE and store the token in ``dest`` (as ``--x-token``)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        try:
            setattr(namespace, self.dest, read_token_file(str(values)))
        except TokenFileError as exc:
            parser.error(f"{option_string}: {exc}")


class PlatformTokenFileAction(argparse.Action):
    """``--ingest-token-file PLATFORM=FILE``: append (platform, token) to ``dest``."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        from videohelp.core.platforms import PLATFORM_NAME

        platform, sep, file = str(values).partition("=")
        if not sep or not file:
            parser.error(f"{option_string}: expected PLATFORM=FILE, got {values!r}")
        if not PLATFORM_NAME.match(platform):
            parser.error(f"{option_string}: platform {platform!r} must be 1-32 of a-z, 0-9, _, -")
        try:
            token = read_token_file(file)
        except TokenFileError as exc:
            parser.error(f"{option_string}: {exc}")
        items = list(getattr(namespace, self.dest, None) or [])
        items.append((platform, token))
        setattr(namespace, self.dest, items)


def add_token_arguments(parser: argparse.ArgumentParser, *, what: str,
                        env: tuple[str, ...], option: str = "--token") -> None:
    """``--token TOKEN`` (default: the first of ``env`` set) and ``--token-file FILE``."""
    dest = option.lstrip("-").replace("-", "_")
    variables = " or ".join(f"${name}" for name in env)
    parser.add_argument(option, dest=dest, default=env_token(*env), metavar="TOKEN",
                        help=f"{what} (default: {variables}); prefer {option}-file or the "
                             f"environment: a command line is visible to every local user")
    parser.add_argument(f"{option}-file", dest=dest, action=TokenFileAction, metavar="FILE",
                        help=f"read {what} from FILE (first line; keep it chmod 600)")
