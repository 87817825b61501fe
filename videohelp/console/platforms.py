"""Platforms by the names people read (抖音, 北高峰, 浙里办), for every screen and report.

The store, the bridges and the logs use short codes (douyin, zlb, app); platform
names are proper names, the same in both interface languages.
"""

from __future__ import annotations

PLATFORMS: dict[str, str] = {
    "app": "视频帮", "zlb": "浙里办", "douyin": "抖音", "replay": "回放",
    "beigaofeng": "北高峰", "bgf": "北高峰", "demo": "演示", "wechat": "微信",
    "weibo": "微博", "kuaishou": "快手",
}


def platform_name(code: str) -> str:
    """``douyin`` -> 抖音; an unknown code as it is."""
    return PLATFORMS.get(code, code)
