"""The regulation texts that knowledge-base answers cite, indexed by file and article.

The texts are Markdown files (one per regulation, e.g. ``机动车登记规定(2021-12-17).md``) in
which every article starts a line with its number: ``第二十五条 已注册登记的……``. A copy
ships in ``assets/regulations``; :func:`regulations_dir` prefers ``$VIDEOHELP_REGULATIONS_DIR``
or the ``kb.regulations_dir`` setting. Newer texts the studio relies on come from its own folder
(``kb.studio_regulations_dir``), checked like the shipped ones (:func:`check_regulation_text`).

Parsing is pure (``parse_regulation``); only :meth:`RegulationIndex.load` reads files.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from videohelp.assets import asset_path

log = logging.getLogger(__name__)
ENV_VAR = "VIDEOHELP_REGULATIONS_DIR"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "零〇一二两三四五六七八九十百千"
_ARTICLE_LINE = re.compile(rf"^第([{_NUMERAL}]+)条(?:\s|$)")
_REF = re.compile(rf"^第([{_NUMERAL}]+|\d+)条(?:第([{_NUMERAL}]+|\d+)款)?(?:第([{_NUMERAL}]+|\d+)项)?$")


class CitationError(ValueError):
    """A citation names a file or an article that the regulation texts do not have."""


def chinese_number(text: str) -> int:
    """``二十五`` -> 25, ``一百零一`` -> 101, ``十`` -> 10 (also plain digits)."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            raise ValueError(f"not a Chinese number: {text!r}")
    return total + digit


_SMALL = "零一二三四五六七八九"


def number_to_chinese(number: int) -> str:
    """25 -> ``二十五``, 101 -> ``一百零一``, 10 -> ``十`` (1..9999)."""
    if not 0 < number < 10000:
        raise ValueError(f"out of range: {number}")
    parts: list[str] = []
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit_value % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(_SMALL[digit] + unit)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


@dataclass(frozen=True)
class ArticleRef:
    """第N条 with an optional 第M款 (paragraph) and 第K项 (list point)."""

    article: int
    paragraph: int | None = None
    point: int | None = None

    @classmethod
    def parse(cls, text: str) -> ArticleRef:
        match = _REF.match(text.strip().replace(" ", ""))
        if not match:
            raise CitationError(f"not an article reference like 第二十五条: {text!r}")
        numbers = [chinese_number(group) if group else None for group in match.groups()]
        return cls(numbers[0] or 0, numbers[1], numbers[2])

    @property
    def label(self) -> str:
        text = f"第{number_to_chinese(self.article)}条"
        if self.paragraph:
            text += f"第{number_to_chinese(self.paragraph)}款"
        if self.point:
            text += f"第{number_to_chinese(self.point)}项"
        return text


@dataclass(frozen=True)
class ArticleText:
    number: int
    text: str  # the whole article, its first line starting with 第N条

    @property
    def paragraphs(self) -> list[str]:
        """The 款: blocks that are not numbered list points （一）（二）."""
        return [line for line in self.text.splitlines()
                if line.strip() and not line.lstrip().startswith(("（", "("))]


@dataclass(frozen=True)
class Regulation:
    file: str
    title: str
    articles: dict[int, ArticleText]


def parse_regulation(file: str, text: str) -> Regulation:
    """Index one regulation's Markdown text by article number (pure)."""
    title = file.split("(")[0].removesuffix(".md")
    articles: dict[int, ArticleText] = {}
    current: int | None = None
    lines: list[str] = []

    def flush() -> None:
        if current is not None:
            articles[current] = ArticleText(current, "\n".join(lines).strip())

    for line in text.splitlines():
        if line.startswith("# ") and current is None:
            title = line[2:].strip()
            continue
        match = _ARTICLE_LINE.match(line)
        if match:
            flush()
            current, lines = chinese_number(match.group(1)), [line]
        elif line.startswith("#"):
            flush()  # a chapter heading ends the article before it
            current, lines = None, []
        elif current is not None:
            lines.append(line)
    flush()
    return Regulation(file, title, articles)


def check_regulation_text(file: str, text: str) -> tuple[Regulation | None, list[str]]:
    """Parse a studio-added regulation text and say what makes it unusable (pure).

    The checks the shipped texts pass: at least one article line (``第N条`` at the start
    of a line), articles in increasing order with none repeated, no empty article.
    """
    problems: list[str] = []
    numbers = [chinese_number(m.group(1)) for line in text.splitlines()
               if (m := _ARTICLE_LINE.match(line))]
    if not numbers:
        problems.append(f"{file}: no article found (each article must start a line with 第N条)")
        return None, problems
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:
        problems.append(f"{file}: article(s) {', '.join(number_to_chinese(n) for n in repeated)} "
                        "appear more than once")
    backwards = [b for a, b in itertools.pairwise(numbers) if b < a]
    if backwards and not repeated:
        problems.append(f"{file}: articles out of order at 第{number_to_chinese(backwards[0])}条")
    regulation = parse_regulation(file, text)
    empty = [n for n, article in regulation.articles.items()
             if not _ARTICLE_LINE.sub("", article.text).strip()]
    if empty:
        problems.append(f"{file}: 第{number_to_chinese(empty[0])}条 has no text")
    return (None if problems else regulation), problems


STUDIO_SUFFIXES = (".md", ".txt")


class RegulationIndex:
    """All regulation files of a directory, looked up by file name and article.

    ``studio``: the names of files added from the studio's own folder (newer rules);
    ``problems``: the studio files that were refused and why.
    """

    def __init__(self, regulations: dict[str, Regulation], directory: Path | None = None) -> None:
        self.regulations = regulations
        self.directory = directory
        self.studio: set[str] = set()
        self.problems: list[str] = []

    def add_studio_folder(self, folder: Path) -> list[str]:
        """Add the studio's regulation texts (*.md, *.txt), checked; return the refused ones' reasons.

        A studio file may not replace a shipped text of the same name: the shipped
        texts are the client's, unchanged. Name a newer version by its own date.
        """
        problems: list[str] = []
        if not folder.is_dir():
            problems.append(f"studio regulation folder {folder} does not exist")
        else:
            for path in sorted(folder.iterdir()):
                if path.suffix.lower() not in STUDIO_SUFFIXES or path.name.lower().startswith("readme"):
                    continue
                if path.name in self.regulations and path.name not in self.studio:
                    problems.append(f"{path.name}: a shipped text has this name; give the newer "
                                    "version its own name, e.g. with its date")
                    continue
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    problems.append(f"{path.name}: cannot be read as UTF-8 text ({exc.__class__.__name__})")
                    continue
                regulation, found = check_regulation_text(path.name, text)
                problems += found
                if regulation is not None:
                    self.regulations[path.name] = regulation
                    self.studio.add(path.name)
        self.problems += problems
        return problems

    @classmethod
    def load(cls, directory: Path) -> RegulationIndex:
        found = {}
        for path in sorted(directory.glob("*.md")):
            if path.name.lower() == "readme.md":
                continue
            found[path.name] = parse_regulation(path.name, path.read_text(encoding="utf-8"))
        if not found:
            raise FileNotFoundError(f"no regulation texts (*.md) in {directory}")
        return cls(found, directory)

    @property
    def files(self) -> list[str]:
        return sorted(self.regulations)

    def article(self, file: str, reference: str) -> ArticleText:
        """The cited article's text; ``CitationError`` says what is missing."""
        regulation = self.regulations.get(file)
        if regulation is None:
            raise CitationError(f"no regulation file {file!r} in the regulation texts")
        ref = ArticleRef.parse(reference)
        found = regulation.articles.get(ref.article)
        if found is None:
            raise CitationError(f"《{regulation.title}》has no {ref.label} "
                                f"(it has articles 1–{max(regulation.articles, default=0)})")
        if ref.paragraph and ref.paragraph > len(found.paragraphs):
            raise CitationError(f"《{regulation.title}》{ref.label}: the article has only "
                                f"{len(found.paragraphs)} paragraph(s)")
        return found

    def check(self, file: str, reference: str) -> str | None:
        """None if the citation exists, else the reason."""
        try:
            self.article(file, reference)
        except CitationError as exc:
            return str(exc)
        return None

    def citation(self, file: str, reference: str) -> str:
        """《机动车登记规定》第二十五条 (the file name's title if the file is unknown)."""
        regulation = self.regulations.get(file)
        title = regulation.title if regulation else file.split("(")[0].removesuffix(".md")
        return f"《{title}》{reference}"


def regulations_dir(configured: str | os.PathLike[str] | None = None) -> Path | None:
    """The regulation texts' directory, or None when none of the usual places has them.

    Order: ``$VIDEOHELP_REGULATIONS_DIR``, the configured setting, then the copy shipped
    in ``assets/regulations``. Nothing outside the installation is looked at unless named.
    """
    # The public texts ship with the app (assets/regulations), for checkouts, installs and bundles.
    candidates = [os.environ.get(ENV_VAR), configured, str(asset_path("regulations"))]
    for candidate in candidates:
        if candidate and Path(candidate).expanduser().is_dir():
            return Path(candidate).expanduser().resolve()
    return None


def load_regulations(configured: str | os.PathLike[str] | None = None,
                     studio: str | os.PathLike[str] | None = None) -> RegulationIndex | None:
    """The index of :func:`regulations_dir` plus the studio's folder of newer texts
    (refused files are logged and listed in ``problems``), or None without any texts."""
    directory = regulations_dir(configured)
    index = RegulationIndex.load(directory) if directory else None
    if studio:
        if index is None:
            index = RegulationIndex({}, None)
        for problem in index.add_studio_folder(Path(studio).expanduser()):
            log.warning("studio regulation text refused: %s", problem)
    return index
