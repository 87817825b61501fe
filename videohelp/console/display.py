"""Is there a screen for the desk? Answered before Qt starts, which would abort without one.

Qt's xcb platform plugin aborts the process ("could not connect to display", core dump)
when no X server answers; a one-line reason and what to do instead is kinder. With
``--screenshot`` the desk needs no screen: the offscreen platform is chosen by itself.
"""

from __future__ import annotations

import re
import socket
import sys
from collections.abc import MutableMapping

NO_DISPLAY = ("videohelp: no display to show the desk on ({why}). Run it on a desktop session, "
              "or without a screen: videohelp --demo --screenshot desk.png --quit-after 8")


def _x_server_answers(display: str) -> bool:
    """Whether a local X display (``:0``, ``:99.0``) accepts connections; remote ones are
    assumed to (only Qt can tell)."""
    match = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", display)
    if not match:
        return True
    path = f"/tmp/.X11-unix/X{match.group(1)}"
    for address in (path, "\0" + path):  # the file socket, then Linux's abstract one
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            try:
                probe.connect(address)
            except OSError:
                continue
            return True
    return False


def prepare_display(environ: MutableMapping[str, str], *, screenshot: bool,
                    platform: str = sys.platform) -> str | None:
    """Choose the Qt platform for the desk; return a one-line error when it cannot run.

    Sets ``QT_QPA_PLATFORM=offscreen`` in ``environ`` when a screenshot is asked for and
    there is no usable display. Does nothing where Qt's platform was chosen explicitly
    or on systems other than Linux (Windows and macOS always have a screen session)."""
    if environ.get("QT_QPA_PLATFORM") or not platform.startswith("linux"):
        return None
    if environ.get("WAYLAND_DISPLAY"):
        return None
    display = environ.get("DISPLAY", "")
    if display and _x_server_answers(display):
        return None
    if screenshot:
        environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    why = f"the X server {display} does not answer" if display else "DISPLAY is not set"
    return NO_DISPLAY.format(why=why)
