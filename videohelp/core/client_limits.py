"""Connection budgets per kind of client, and the overlay page's own limits (pure).

Bridges (``/ingest``), seats (``/seat``) and overlay pages (``/overlay/ws``)
each count against their own budget: an overlay socket needs no token (OBS and
vMix load the page as it is), so without separate budgets 64 sockets opened by
any web page would lock every bridge and seat out (issue 17). Bridges and seats
are counted only once their token is accepted, so a flood of unauthenticated
handshakes never takes their slots either.

The overlay page must also speak: it sends a heartbeat every
``overlay_idle_s / 4`` (told in its hello) and a socket silent for ``overlay_idle_s`` is closed, so
sockets held open by something that is not the page do not stay forever.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qs, urlsplit

BRIDGE, SEAT, OVERLAY = "bridge", "seat", "overlay"
# A studio has a few bridges (one per platform, two connections each), a handful of
# seats (desks, experts, automation, a second window each) and one or two overlay
# pages (OBS, vMix, a preview browser). The budgets leave room for all of them.
DEFAULT_BUDGETS: Mapping[str, int] = MappingProxyType({BRIDGE: 32, SEAT: 64, OVERLAY: 16})
# And per client within its kind, so that one token (a leaked one, a bridge reconnecting
# in a loop) cannot take its kind's whole budget: a platform's bridge uses two
# connections, a seat one per window.
PER_CLIENT = 8

# Four heartbeats missed: the socket is not a page of ours. Two minutes, because a
# browser may throttle a hidden page's timers to one a minute (Chromium's intensive
# wake-up throttling); OBS keeps sources loaded while hidden.
OVERLAY_IDLE_S = 120.0


@dataclass(frozen=True)
class ClientLimits:
    """Budgets by kind, and the overlay's idle limit and optional URL token."""

    budgets: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_BUDGETS))
    per_client: int = PER_CLIENT  # connections of one platform token or one seat
    overlay_idle_s: float = OVERLAY_IDLE_S
    overlay_token: str | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> ClientLimits:
        """From the ``server.max_*_connections``, ``overlay.idle_s`` and ``overlay.token`` settings."""
        from videohelp.core.token_files import overlay_token

        return cls(budgets={BRIDGE: settings["server.max_bridge_connections"],
                            SEAT: settings["server.max_seat_connections"],
                            OVERLAY: settings["server.max_overlay_connections"]},
                   overlay_idle_s=settings["overlay.idle_s"],
                   overlay_token=overlay_token(settings))

    def overlay_allows(self, path_with_query: str) -> bool:
        """True if no overlay token is set, or the URL carries it as ``?token=``."""
        if not self.overlay_token:
            return True
        offered = parse_qs(urlsplit(path_with_query).query).get("token", [""])[0]
        return hmac.compare_digest(offered.encode("utf-8"), self.overlay_token.encode("utf-8"))


def client_key(principal: Any) -> str | None:
    """Who a principal is, for the per-client limit: a platform or a seat's name (None: anyone)."""
    if principal is None or principal is True:
        return None
    name = getattr(principal, "name", principal)
    return str(name)
