"""The regulation texts that knowledge-base answers cite, indexed by file and article.

The texts are Markdown files (one per regulation, e.g. ``机动车登记规定(2021-12-17).md``) in
which every article starts a line with its number: ``第二十五条 已注册登记的……``. A copy
ships in ``assets/regulations``; :func:`regulations_dir` prefers ``$VIDEOHELP_REGULATIONS_DIR``,
the ``kb.regulations_dir`` setting, or ``../shared/reference/regulations`` next to a checkout.

Parsing is pure (``parse_regulation``); only :meth:`RegulationIndex.load` reads files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from videohelp.assets import asset_path

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


class RegulationIndex:
    """All regulation files of a directory, looked up by file name and article."""

    def __init__(self, regulations: dict[str, Regulation], directory: Path | None = None) -> None:
        self.regulations = regulations
        self.directory = directory

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

    Order: ``$VIDEOHELP_REGULATIONS_DIR``, the configured setting,
    ``../shared/reference/regulations`` relative to the repository root, then the
    copy shipped in ``assets/regulations``.
    """
    candidates = [os.environ.get(ENV_VAR), configured]
    repo_root = Path(__file__).resolve().parents[2]
    candidates.append(str(repo_root.parent / "shared" / "reference" / "regulations"))
    # The public texts also ship with the app (assets/regulations), for installs and bundles.
    candidates.append(str(asset_path("regulations")))
    for candidate in candidates:
        if candidate and Path(candidate).expanduser().is_dir():
            return Path(candidate).expanduser().resolve()
    return None


def load_regulations(configured: str | os.PathLike[str] | None = None) -> RegulationIndex | None:
    """The index of :func:`regulations_dir`, or None when the texts are not available."""
    directory = regulations_dir(configured)
    return RegulationIndex.load(directory) if directory else None
