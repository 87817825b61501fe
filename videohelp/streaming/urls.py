"""Stream URLs: which schemes are network streams, and how to show one without its secrets."""

from __future__ import annotations

from urllib.parse import urlsplit

NETWORK_SCHEMES = ("rtmp", "rtmps", "rtsp", "rtsps", "srt", "http", "https", "udp", "tcp", "rtp")


def is_network_url(text: str) -> bool:
    return urlsplit(text).scheme.lower() in NETWORK_SCHEMES and "://" in text


def redact_url(url: str) -> str:
    """``url`` safe for logs, the desk and the slate: no password, stream key or query.

    A platform's push URL is ``rtmp://host/app/STREAM_KEY`` (often with an
    ``?auth_key=`` query); anyone holding the key can broadcast on the
    account, so only scheme, host, port and the first path segment are shown.
    """
    if "://" not in url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    segments = [segment for segment in parts.path.split("/") if segment]
    path = f"/{segments[0]}" if segments else ""
    hidden = len(segments) > 1 or parts.query or parts.password or parts.username
    return f"{parts.scheme}://{host}{path}{'/***' if hidden else ''}"
