"""Logging to a rotating file in the data directory (and stderr for warnings)."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from videohelp.core.private import create_private

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"


# With --verbose, websockets logs every handshake header, the bearer token included, and
# the request line with an overlay page's ?token=. Tokens never reach a log (issue 17).
_SECRETS = re.compile(r"(?i)(authorization:\s*\S+\s+|bearer\s+|[?&]token=)[^\s&'\"]+")


class RedactSecrets(logging.Filter):
    """Replaces bearer tokens and ``token=`` values in a record's message with ``***``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the handler's to report
            return True
        redacted = _SECRETS.sub(lambda m: m.group(1) + "***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file it opens (the first and each one after a rotation) is 0600."""

    def _open(self):  # untyped: the stream type differs between typeshed versions
        create_private(self.baseFilename)
        return super()._open()


# websockets logs every HTTP request it answers ("HTTP response sent", "connection closed") at
# INFO. At the answering service's 300 requests/s that was 60 kB of log a second, rotating the
# 10 MB of logs (and any warning in them) away every three minutes, and 12% of the main thread
# (py-spy). The console logs what it does with a connection itself; websockets' own lines
# come back with --verbose.
QUIET_LOGGERS = ("websockets",)


def setup_logging(log_file: Path, *, verbose: bool = False) -> logging.Handler:
    """Attach a rotating file handler (5 x 2 MB) to the root logger; return it."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose else logging.WARNING)
    for handler in list(root.handlers):
        if getattr(handler, "_videohelp", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = PrivateRotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    file_handler.addFilter(RedactSecrets())
    file_handler._videohelp = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    stderr.setFormatter(logging.Formatter("videohelp: %(levelname)s %(name)s: %(message)s"))
    stderr.addFilter(RedactSecrets())
    stderr._videohelp = True  # type: ignore[attr-defined]
    root.addHandler(stderr)
    return file_handler


def recent_log_lines(log_file: Path, count: int = 200) -> list[str]:
    """The last ``count`` lines of the log, for crash reports."""
    try:
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return lines[-count:]
