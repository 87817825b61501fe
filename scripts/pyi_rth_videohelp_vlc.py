"""PyInstaller runtime hook (see build.spec): make python-vlc load the bundled libvlc.

Runs in the frozen app before any of its code. When build.spec found VLC on
the build machine, the bundle holds libvlc, libvlccore and ``vlc/plugins`` in
the layout libvlc expects, so libvlc finds its plugins by itself; what is left
is to make python-vlc load *that* libvlc rather than a system one
(``PYTHON_VLC_LIB_PATH``). ``VLC_PLUGIN_PATH`` is deliberately not set: libvlc
scans it in addition to its own plugin dir, so pointing it at the same dir
loads every plugin twice (measured: 937 modules instead of 469).

Without a bundled VLC nothing is set and python-vlc searches the system, as in
an installed console. A ``PYTHON_VLC_LIB_PATH`` the user set wins.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def bundled_libvlc(bundle: Path, platform: str) -> Path | None:
    """The bundled libvlc, or None when the bundle was built without VLC."""
    if platform.startswith("win"):
        lib, core = bundle / "vlc" / "libvlc.dll", bundle / "vlc" / "libvlccore.dll"
    else:
        lib, core = bundle / "libvlc.so.5", bundle / "libvlccore.so.9"
    if lib.is_file() and core.is_file() and (bundle / "vlc" / "plugins").is_dir():
        return lib
    return None


def _setup() -> None:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is None or "PYTHON_VLC_LIB_PATH" in os.environ:
        return
    lib = bundled_libvlc(Path(bundle), sys.platform)
    if lib is None:
        return
    if sys.platform.startswith("win"):
        # libvlc.dll finds libvlccore.dll beside it; this also covers DLLs the
        # plugins load later.
        os.add_dll_directory(str(lib.parent))
    os.environ["PYTHON_VLC_LIB_PATH"] = str(lib)
    # python-vlc's own notion of the plugin dir (it does not pass it to libvlc).
    os.environ.setdefault("PYTHON_VLC_MODULE_PATH", str(Path(bundle) / "vlc" / "plugins"))


_setup()
