"""``videohelp pocket publish DIR``: the static 点播检索 site for viewers.

One mobile-first Chinese page (``index.html`` with ``app.js`` and ``data.js``)
that any web server or CDN can serve, no server code: the 4 classes and 108
items, search as you type over a prebuilt bigram index (``data.js``), each
item's *reviewed* short answers, its 一键办理 link and QR code, and its
reviewed clips as HTML5 video (H.264/AAC MP4 with faststart at one or two
heights, with posters; ``transcode``).

What is never published: a draft answer (or anything else of a draft entry, its
viewer wordings included) and a draft clip. Files of clips no longer published
are removed from ``media/``. The page loads nothing from other origins (its
Content-Security-Policy says so too); play counts go to a beacon URL only if
the studio configures one (``--beacon``; off by default).
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import segno

from videohelp.console.pocket.library import Clip, ClipLibrary
from videohelp.console.pocket.probe import file_digest
from videohelp.console.pocket.site_page import APP_JS, INDEX_HTML
from videohelp.console.pocket.transcode import transcode
from videohelp.core.catalog import CLASSES
from videohelp.core.knowledge import KnowledgeBase

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """The site cannot be written; the text says why."""


@dataclass
class PublishResult:
    items: int = 0
    clips: int = 0
    clip_seconds: float = 0.0
    seconds: float = 0.0
    page_bytes: int = 0  # index.html + app.js + data.js: what a visitor loads before any video
    transcoded: int = 0  # files made this run (the rest were up to date)
    skipped: list[str] = field(default_factory=list)


def _terms(text: str) -> set[str]:
    """Search keys of ``text``: every CJK character and character pair, and latin words."""
    text = text.lower()
    keys: set[str] = set(re.findall(r"[a-z0-9]+", text))
    for run in re.findall(r"[\u3400-\u9fff]+", text):
        keys.update(run)
        keys.update(run[i:i + 2] for i in range(len(run) - 1))
    return keys


def _qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False,
                                    title="一键办理")
    return buffer.getvalue()


def _check_beacon(beacon: str) -> str:
    if not beacon:
        return ""
    parts = urlsplit(beacon)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise PublishError(f"the beacon must be an http(s) URL, not {beacon!r}")
    return beacon


def publish(kb: KnowledgeBase, library: ClipLibrary, out_dir: Path, *, beacon: str = "",
            sizes: tuple[int, ...] = (720, 360),
            progress: Callable[[str], None] | None = None) -> PublishResult:
    """Write the site into ``out_dir`` (created; files there from an earlier run are reused
    when still current, removed when no longer published)."""
    started = time.monotonic()
    say = progress or (lambda _text: None)
    beacon = _check_beacon(beacon)
    out_dir = Path(out_dir)
    media, qr_dir = out_dir / "media", out_dir / "qr"
    try:
        for folder in (out_dir, media, qr_dir):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot write to {out_dir}: {exc}") from exc
    result = PublishResult()
    catalog = kb.catalog_store.catalog()
    reviewed: dict[str, list[Any]] = {}
    for entry in kb.entries():
        if entry.status == "reviewed":  # never a draft: not its answer, not its wordings
            reviewed.setdefault(entry.item, []).append(entry)
    clips_by_item: dict[str, list[dict[str, Any]]] = {}
    kept: set[str] = set()
    for clip in library.clips():
        if not clip.reviewed:
            result.skipped.append(f"{clip.title}: not reviewed")
            continue
        if ClipLibrary.missing(clip):
            result.skipped.append(f"{clip.title}: {ClipLibrary.missing(clip)}")
            continue
        say(f"clip {clip.title}")
        try:
            view = _publish_clip(clip, media, sizes, kept, result)
        except Exception as exc:  # one broken file must not stop the site
            log.exception("clip %d not published", clip.id)
            result.skipped.append(f"{clip.title}: {exc}")
            continue
        for code in clip.items:
            clips_by_item.setdefault(code, []).append(view)
    for stale in media.iterdir():
        if stale.name not in kept:
            stale.unlink()
    items = []
    postings: dict[str, list[int]] = {}
    for number, item in enumerate(sorted(catalog.items.values(),
                                         key=lambda i: (CLASSES.index(i.klass), i.code))):
        answers = [{"short": e.short_answer,
                    "source": f"{e.source_file.split('(')[0].removesuffix('.md')} "
                              f"{e.source_article}".strip()}
                   for e in reviewed.get(item.code, [])]
        clips = clips_by_item.get(item.code, [])
        qr = ""
        if item.link:
            qr = f"qr/{item.code}.svg"
            (out_dir / qr).write_bytes(_qr_svg(item.link))
        items.append({"code": item.code, "klass": item.klass, "name": item.name_zh,
                      "synonyms": list(item.synonyms), "documents": list(item.documents),
                      "link": item.link, "qr": qr, "answers": answers, "clips": clips})
        words = [item.name_zh, item.code, *item.synonyms,
                 *(q for e in reviewed.get(item.code, []) for q in e.questions),
                 *(a["short"] for a in answers),
                 *(c["title"] for c in clips), *(t for c in clips for t in c["tags"])]
        for key in _terms(" ".join(words)):
            postings.setdefault(key, []).append(number)
    data = {"generated": time.strftime("%Y-%m-%d %H:%M"), "classes": list(CLASSES),
            "items": items, "index": postings, "beacon": beacon}
    data_js = "window.POCKET=" + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"
    connect = f"'self' {urlsplit(beacon).scheme}://{urlsplit(beacon).netloc}" if beacon else "'none'"
    page = INDEX_HTML.replace("{{CONNECT}}", connect)
    files = {"index.html": page, "app.js": APP_JS, "data.js": data_js}
    for name, text in files.items():
        (out_dir / name).write_text(text, encoding="utf-8")
    for stale in qr_dir.iterdir():
        if stale.stem not in catalog or not catalog[stale.stem].link:
            stale.unlink()
    result.items = len(items)
    result.page_bytes = sum(len(text.encode("utf-8")) for text in files.values())
    result.seconds = time.monotonic() - started
    log.info("published %d items, %d clips to %s in %.1f s", result.items, result.clips, out_dir,
             result.seconds)
    return result


def _publish_clip(clip: Clip, media: Path, sizes: tuple[int, ...], kept: set[str],
                  result: PublishResult) -> dict[str, Any]:
    """Transcode ``clip`` (unless done by an earlier run) and return its page data."""
    source = Path(clip.path)
    stem = f"{clip.id}-{file_digest(source)[:10]}"
    heights = sorted({min(size, clip.height) for size in sizes}, reverse=True)
    files = []
    poster = media / f"{stem}.jpg"
    for height in heights:
        target = media / f"{stem}-{height}.mp4"
        if not target.exists():
            transcode(source, target, height, poster if not poster.exists() else None)
            result.transcoded += 1
        kept.add(target.name)
        files.append({"h": height, "src": f"media/{target.name}",
                      "bytes": target.stat().st_size})
    if not poster.exists():  # files from an earlier run, poster lost: make it again
        transcode(source, media / f"{stem}-poster.mp4.tmp", heights[-1], poster)
        (media / f"{stem}-poster.mp4.tmp").unlink()
    kept.add(poster.name)
    result.clips += 1
    result.clip_seconds += clip.duration_s
    return {"id": clip.id, "title": clip.title, "tags": list(clip.tags),
            "presenter": clip.presenter, "duration": round(clip.duration_s), "files": files,
            "poster": f"media/{poster.name}", "sound": bool(clip.audio_codec), "link": clip.link}
