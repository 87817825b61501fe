"""What people call the platforms comments come from: 抖音, not ``douyin``.

One table for every place a platform is shown (the desk, the daily review, exports meant
for people); codes stay codes in the database, the protocol and machine-read files.
"""

from __future__ import annotations

import re

# A platform's code as bridges and tokens name it (the /ingest protocol's rule).
PLATFORM_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")

# code -> (Chinese, English). "app" is the show's own app (北高峰, the Hangzhou radio's app).
NAMES: dict[str, tuple[str, str]] = {
    "douyin": ("抖音", "Douyin"),
    "app": ("北高峰", "Beigaofeng app"),
    "zlb": ("浙里办", "Zheliban"),
    "ask": ("智能问答", "24-hour answers"),
    "beigaofeng": ("北高峰", "Beigaofeng app"),
    "bgf": ("北高峰", "Beigaofeng app"),
    "demo": ("演示", "Demo"),
    "replay": ("回放", "Replay"),
    "weibo": ("微博", "Weibo"),
    "wechat": ("微信", "WeChat"),
    "kuaishou": ("快手", "Kuaishou"),
}


# Chinese names by code (platform names are proper names: the desk shows them in both languages).
PLATFORMS: dict[str, str] = {code: names[0] for code, names in NAMES.items()}


def platform_name(code: str, language: str = "zh_CN") -> str:
    """The display name of ``code`` in ``language`` (``zh_CN`` or ``en``); an unknown
    platform shows as its code, which is what its bridge calls it."""
    names = NAMES.get(code)
    if names is None:
        return code
    return names[1] if language.startswith("en") else names[0]
