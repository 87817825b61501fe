"""The 锦囊口袋 clip library in the console's database (migration 0007).

``ClipLibrary.add`` takes clip descriptions (``ClipSpec``: a file and what it
explains), checks every one (the file probed with PyAV, the items against the
catalog), and adds them in one transaction: a bad one adds nothing unless the
caller accepts the good ones, and a copy made for a clip that was then not
added is removed again, so nothing is ever half-added. A clip already in the
library (the same file, or the same source of a copy) is updated instead.

Files are referenced where they lie, or copied (``copy=True``) into the data
directory's ``pocket/`` folder (0700; files 0600). ``check`` reports clips
whose file is missing or changed since it was added; nothing here raises on a
moved file.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from videohelp.console.kb_io import RowProblem
from videohelp.console.pocket.probe import ClipError, Probe, file_digest, probe
from videohelp.core.kb_search import search_terms
from videohelp.core.store import Store

log = logging.getLogger(__name__)

STATUSES = ("draft", "reviewed")
MEDIA_DIR = "pocket"


@dataclass(frozen=True)
class ClipSpec:
    """What the user says about a clip file (a sheet row, or ``pocket add`` options)."""

    file: Path
    title: str = ""
    items: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    presenter: str = ""
    status: str = "draft"
    link: str = ""
    line: int = 0  # where it came from (sheet line), for problems


@dataclass(frozen=True)
class Clip:
    id: int
    path: str
    source_path: str
    copied: bool
    title: str
    items: tuple[str, ...]
    tags: tuple[str, ...]
    presenter: str
    status: str
    link: str
    duration_s: float
    size_bytes: int
    mtime_ns: int
    width: int
    height: int
    video_codec: str
    audio_codec: str
    plays: int
    previews: int
    added_ms: int

    @property
    def reviewed(self) -> bool:
        return self.status == "reviewed"

    def to_dict(self) -> dict[str, Any]:
        """The clip as JSON-able data (seat suggestions, ``pocket list --json``)."""
        return {"id": self.id, "title": self.title, "items": list(self.items),
                "tags": list(self.tags), "presenter": self.presenter, "status": self.status,
                "link": self.link, "duration_s": self.duration_s, "path": self.path,
                "sound": bool(self.audio_codec), "plays": self.plays, "previews": self.previews}


@dataclass
class AddReport:
    """What ``ClipLibrary.add`` did; ``problems`` name the line (or file) and the reason."""

    checked: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    applied: bool = False
    added: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems


def now_ms() -> int:
    return int(time.time() * 1000)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.split("\n") if line.strip())


def clip_from_row(row: sqlite3.Row, items: Sequence[str]) -> Clip:
    return Clip(row["id"], row["path"], row["source_path"], bool(row["copied"]), row["title"],
                tuple(items), _lines(row["tags"]), row["presenter"], row["status"], row["link"],
                row["duration_s"], row["size_bytes"], row["mtime_ns"], row["width"], row["height"],
                row["video_codec"], row["audio_codec"], row["plays"], row["previews"],
                row["added_ms"])


_CLIP_COLUMNS = ("id, path, source_path, copied, title, tags, presenter, status, link, duration_s, "
                 "size_bytes, mtime_ns, width, height, video_codec, audio_codec, plays, previews, "
                 "added_ms")


def read_clips(conn: sqlite3.Connection, where: str = "", params: Sequence[Any] = ()) -> list[Clip]:
    """Clips (without their pictures) matching ``where`` (SQL on pocket_clips c), by title."""
    rows = conn.execute(f"SELECT {_CLIP_COLUMNS} FROM pocket_clips c {where} ORDER BY c.title, c.id",
                        params).fetchall()
    items: dict[int, list[str]] = {}
    for clip_id, item in conn.execute("SELECT clip_id, item FROM pocket_clip_items ORDER BY item"):
        items.setdefault(clip_id, []).append(item)
    return [clip_from_row(row, items.get(row["id"], ())) for row in rows]


def clips_for_item(conn: sqlite3.Connection, item: str) -> list[Clip]:
    """The clips explaining ``item``, reviewed first (for the desk and the seats)."""
    clips = read_clips(conn, "WHERE c.id IN (SELECT clip_id FROM pocket_clip_items WHERE item = ?)",
                       (item,))
    return sorted(clips, key=lambda clip: (not clip.reviewed, clip.title))


def search_clips(conn: sqlite3.Connection, query: str, names: dict[str, str] | None = None,
                 limit: int = 50) -> list[Clip]:
    """Clips whose title, tags, presenter or items (codes, or ``names``: code -> words) hold
    every word of ``query``. A Python scan: a studio's library is hundreds of clips."""
    terms = [term.lower() for term in search_terms(query)]
    if not terms:
        return []
    found = []
    for clip in read_clips(conn):
        words = [clip.title, clip.presenter, *clip.tags, *clip.items,
                 *((names or {}).get(item, "") for item in clip.items)]
        haystack = "\n".join(words).lower()
        if all(term in haystack for term in terms):
            found.append(clip)
    # Title hits first: a word in the title says more than one in a tag.
    found.sort(key=lambda clip: -sum(term in clip.title.lower() for term in terms))
    return found[:limit]


def check_spec(spec: ClipSpec, codes: Iterable[str]) -> list[str]:
    """What is wrong with a clip description, apart from its file."""
    known = set(codes)
    reasons = []
    if not spec.title.strip():
        reasons.append("a clip needs a title")
    elif len(spec.title) > 60:
        reasons.append("title longer than 60 characters (the on-air title card holds 60)")
    unknown = [item for item in spec.items if item not in known]
    if unknown:
        reasons.append(f"unknown item code(s): {', '.join(unknown)}")
    if spec.status not in STATUSES:
        reasons.append(f"status {spec.status!r} is not draft or reviewed")
    if spec.link and not spec.link.startswith(("https://", "http://")):
        reasons.append(f"link {spec.link!r} is not an http(s) address")
    return reasons


def media_dir(data_dir: Path) -> Path:
    """The data directory's folder for copied clips (created 0700)."""
    folder = Path(data_dir) / MEDIA_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


class ClipLibrary:
    """The clip library of one database, for one thread."""

    def __init__(self, store: Store, data_dir: Path | None = None) -> None:
        self.store = store
        self.data_dir = Path(data_dir) if data_dir is not None else Path(str(store.path)).parent

    @classmethod
    def open(cls, database: Path, data_dir: Path | None = None) -> ClipLibrary:
        return cls(Store(database), data_dir)

    def close(self) -> None:
        self.store.close()

    # -- reading --------------------------------------------------------------------------
    def clips(self, item: str | None = None) -> list[Clip]:
        if item:
            return clips_for_item(self.store.conn, item)
        return read_clips(self.store.conn)

    def get(self, clip_id: int) -> Clip:
        found = read_clips(self.store.conn, "WHERE c.id = ?", (clip_id,))
        if not found:
            raise KeyError(f"no clip {clip_id}")
        return found[0]

    def pictures(self, clip_id: int) -> tuple[bytes, bytes]:
        """The clip's thumbnail and preview strip (JPEG)."""
        row = self.store.conn.execute("SELECT thumbnail, strip FROM pocket_clips WHERE id = ?",
                                      (clip_id,)).fetchone()
        if row is None:
            raise KeyError(f"no clip {clip_id}")
        return bytes(row["thumbnail"]), bytes(row["strip"])

    def search(self, query: str, names: dict[str, str] | None = None) -> list[Clip]:
        return search_clips(self.store.conn, query, names)

    # -- adding ---------------------------------------------------------------------------
    def add(self, specs: Sequence[ClipSpec], codes: Iterable[str], *, actor: str,
            copy: bool = False, accept_good_rows: bool = False,
            check_only: bool = False) -> AddReport:
        """Check every spec, then add the good ones in one transaction (all, or none
        while any is bad unless ``accept_good_rows``); ``check_only``: just check."""
        codes = set(codes)
        report = AddReport(checked=len(specs))
        good: list[tuple[ClipSpec, Probe]] = []
        seen: dict[Path, int] = {}
        for spec in specs:
            file = Path(spec.file).expanduser()
            reasons = check_spec(spec, codes)
            resolved = file.resolve() if file.exists() else file
            if resolved in seen:
                reasons.append(f"the same file as line {seen[resolved]}")
            seen.setdefault(resolved, spec.line)
            try:
                probed = probe(file)
            except ClipError as exc:
                reasons.append(str(exc))
            except OSError as exc:
                reasons.append(f"{file}: cannot be read ({exc.strerror or exc})")
            if reasons:
                where = spec.line if spec.line else 0
                text = "; ".join(reasons) if where else f"{file}: " + "; ".join(reasons)
                report.problems.append(RowProblem(where, text))
            else:
                good.append((ClipSpec(**{**spec.__dict__, "file": resolved}), probed))
        if check_only or (report.problems and not accept_good_rows):
            return report
        made: list[Path] = []
        try:
            placed = [(spec, probed, self._place(spec.file, copy, made)) for spec, probed in good]
            with self.store.transaction() as conn:
                for spec, probed, path in placed:
                    clip_id, fresh = self._write(conn, spec, probed, path, actor)
                    (report.added if fresh else report.updated).append(clip_id)
        except BaseException:
            for path in made:  # copies of clips that were not added
                path.unlink(missing_ok=True)
            raise
        report.applied = True
        log.info("pocket: %d added, %d updated, %d bad (by %s)", len(report.added),
                 len(report.updated), len(report.problems), actor)
        return report

    def _place(self, file: Path, copy: bool, made: list[Path]) -> Path:
        """Where the clip is played from: the file itself, or a private copy."""
        if not copy:
            return file
        folder = media_dir(self.data_dir)
        if file.parent == folder:
            return file
        target = folder / f"{file_digest(file)[:16]}{file.suffix.lower()}"
        if not target.exists():
            partial = target.with_suffix(target.suffix + ".part")
            shutil.copyfile(file, partial)
            os.chmod(partial, 0o600)
            partial.replace(target)
            made.append(target)
        return target

    def _write(self, conn: sqlite3.Connection, spec: ClipSpec, probed: Probe, path: Path,
               actor: str) -> tuple[int, bool]:
        row = conn.execute("SELECT id FROM pocket_clips WHERE path = ? OR source_path = ?",
                           (str(path), str(spec.file))).fetchone()
        values = {"path": str(path), "source_path": str(spec.file), "copied": int(path != spec.file),
                  "title": spec.title.strip(), "tags": "\n".join(spec.tags),
                  "presenter": spec.presenter.strip(), "status": spec.status, "link": spec.link,
                  "duration_s": probed.duration_s, "size_bytes": probed.size_bytes,
                  "mtime_ns": probed.mtime_ns, "width": probed.width, "height": probed.height,
                  "video_codec": probed.video_codec, "audio_codec": probed.audio_codec,
                  "thumbnail": probed.thumbnail, "strip": probed.strip, "updated_ms": now_ms()}
        if row is None:
            values.update(added_ms=now_ms(), added_by=actor)
            names = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            cursor = conn.execute(f"INSERT INTO pocket_clips ({names}) VALUES ({marks})",
                                  list(values.values()))
            clip_id, fresh = int(cursor.lastrowid or 0), True
        else:
            clip_id, fresh = int(row["id"]), False
            sets = ", ".join(f"{name} = ?" for name in values)
            conn.execute(f"UPDATE pocket_clips SET {sets} WHERE id = ?", [*values.values(), clip_id])
            conn.execute("DELETE FROM pocket_clip_items WHERE clip_id = ?", (clip_id,))
        conn.executemany("INSERT OR IGNORE INTO pocket_clip_items (clip_id, item) VALUES (?, ?)",
                         [(clip_id, item) for item in spec.items])
        return clip_id, fresh

    # -- checking -------------------------------------------------------------------------
    def check(self) -> list[tuple[Clip, str]]:
        """Clips whose file is missing, moved or changed since it was added (with why)."""
        problems = []
        for clip in self.clips():
            path = Path(clip.path)
            try:
                stat = path.stat()
            except FileNotFoundError:
                problems.append((clip, f"missing: {path} (moved or deleted)"))
                continue
            except OSError as exc:
                problems.append((clip, f"cannot be read: {path} ({exc.strerror or exc})"))
                continue
            if not path.is_file():
                problems.append((clip, f"not a file: {path}"))
            elif stat.st_size != clip.size_bytes or stat.st_mtime_ns != clip.mtime_ns:
                problems.append((clip, f"changed since it was added: {path} "
                                       f"(add it again to re-probe)"))
        return problems

    @staticmethod
    def missing(clip: Clip) -> str | None:
        """None if the clip's file is there, else why not (the desk refuses to air it)."""
        path = Path(clip.path)
        return None if path.is_file() else f"missing: {path} (moved or deleted)"

    def remove(self, clip_id: int) -> Clip:
        """Take a clip out of the library (its private copy is deleted, a referenced file kept)."""
        clip = self.get(clip_id)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM pocket_clips WHERE id = ?", (clip_id,))
        if clip.copied:
            Path(clip.path).unlink(missing_ok=True)
        return clip
