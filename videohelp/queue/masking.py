"""Masking of personal data for anything that can reach the screen (pure).

The officer sees the original; everything that may air sees the masked form
(``text_masked``: seats, cards, the overlay). Viewers write numbers in many
ways, so matching works on a *digit view* of the text, the same length as the
text (so positions map back one to one):

- full-width digits and letters fold to ASCII (``１３８`` -> ``138``), Chinese
  numerals to digits (``一三三`` -> ``133``; ``幺`` and ``两`` too), letters to
  upper case (plates are often typed ``浙a12346``);
- a *run* is digits with short separators between them (spaces, ``-``, ``.``,
  ``·``, ``_``, dashes), so ``135.1234.5678``, ``1 3 4 1 2 3 4 5 6 7 8`` and
  ``330102 19900101 1235`` are one run each, split into groups at the separators.

Within a run, spans of whole groups are classified, best first: a mobile
number (11 digits ``1[3-9]…``, optionally after ``86``/``0086``), an 18-digit
resident ID with a valid birth date (last character may be ``X``), a bank card
(16-19 digits passing Luhn), a 15-digit legacy ID with a valid date, and
finally any other span of 15 or more digits (masked too: better an order
number hidden than an ID shown). Ordinary numbers (``12123``, ``科目一``,
``60岁``, ``2023年``, prices, dates) never form such spans and stay as they are.

Plates: province + letter + 5 characters (6 for new-energy plates), with
optional separators, in any case; ``警``/``学``/``领``/``挂``/``港``/``澳``
plates (4 characters + that suffix) and embassy plates (``使`` + 6 digits).

Measured: about 7 µs for a typical comment, 0.26 ms for a 500-character one full of
numbers (tests/queue/test_masking.py prints it), on a shared 2-core box under load.
"""

from __future__ import annotations

import re

# Recorded with the stored comments' masks: bump it whenever the rules change, and
# comments stored under older rules are masked again (videohelp.queue.remask).
RULES_VERSION = "2026-12-issue17"

# -- the digit view ------------------------------------------------------------------------
_FOLD: dict[int, str] = {}
for _i in range(10):
    _FOLD[0xFF10 + _i] = str(_i)                       # full-width digits
for _i in range(26):
    _FOLD[0xFF21 + _i] = chr(0x41 + _i)                # full-width A-Z
    _FOLD[0xFF41 + _i] = chr(0x41 + _i)                # full-width a-z -> A-Z
    _FOLD[0x61 + _i] = chr(0x41 + _i)                  # a-z -> A-Z
for _chars, _digit in (("〇零○０", "0"), ("一幺壹", "1"), ("二两贰", "2"), ("三叁", "3"),
                       ("四肆", "4"), ("五伍", "5"), ("六陆", "6"), ("七柒", "7"), ("八捌", "8"),
                       ("九玖", "9")):
    for _char in _chars:
        _FOLD[ord(_char)] = _digit
for _char, _ascii in (("＋", "+"), ("－", "-"), ("．", "."), ("　", " "), ("·", "·"), ("・", "·"),
                      ("•", "·"), ("﹣", "-"), ("‐", "-"), ("‑", "-"), ("—", "-"), ("–", "-"),
                      ("＿", "_"), ("\u00a0", " ")):
    _FOLD[ord(_char)] = _ascii
_TABLE = str.maketrans(_FOLD)

# Digits with up to 3 separator characters between them; an ID may end in X.
_SEP = r"[ \t\-.·_]{1,3}"
_RUN = re.compile(rf"\+?\d+(?:{_SEP}\d+)*X?", re.ASCII)
_GROUP = re.compile(r"\d+X?", re.ASCII)
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Cheap pre-check: nothing to do without a digit or a plate's first character.
_ANY = re.compile(rf"[0-9{PROVINCES}使]")

_PLATE_SEP = r"[ ·.\-_]?"
_PLATE = re.compile(
    rf"(?P<prov>[{PROVINCES}]){_PLATE_SEP}(?P<letter>[A-Z]){_PLATE_SEP}"
    rf"(?:(?P<special>[A-Z0-9]{{4}})(?P<suffix>[警学领挂港澳试超])"
    rf"|(?P<tail>[A-Z0-9]{{5,6}}))(?![A-Z0-9])"
)
_EMBASSY = re.compile(rf"使{_PLATE_SEP}(?P<a>\d{{3}}){_PLATE_SEP}(?P<b>\d{{3}})(?!\d)")

PHONE, ID18, CARD, ID15, LONG = range(5)  # span kinds, best first


def _valid_date(year: int, month: int, day: int) -> bool:
    return 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def classify(digits: str) -> int | None:
    """The kind of personal number ``digits`` (ASCII digits, maybe a final X) is, or None."""
    n = len(digits)
    last_x = digits.endswith("X")
    if not last_x:
        for prefix in ("", "86", "0086"):
            if n == 11 + len(prefix) and digits.startswith(prefix) and \
                    digits[len(prefix)] == "1" and digits[len(prefix) + 1] in "3456789":
                return PHONE
    if n == 18 and _valid_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14])):
        return ID18
    if last_x:
        return ID18 if n == 18 else (LONG if n >= 15 else None)
    if 16 <= n <= 19 and _luhn(digits):
        return CARD
    if n == 15 and _valid_date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12])):
        return ID15
    return LONG if n >= 15 else None


def _masked_number(kind: int, digits: str, had_plus: bool) -> str:
    if kind == PHONE:
        mobile = digits[-11:]
        prefix = ("+" if had_plus else "") + digits[:-11] + " " if len(digits) > 11 else ""
        return f"{prefix}{mobile[:3]}****{mobile[-4:]}"
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _spans(groups: list[tuple[int, int, str]]) -> list[tuple[int, int, int, str]]:
    """Non-overlapping (start, end, kind, digits) spans of whole groups, best kinds first."""
    candidates: list[tuple[int, int, int, int, int, str]] = []
    for i in range(len(groups)):
        digits = ""
        for j in range(i, len(groups)):
            digits += groups[j][2]
            if len(digits) > 19 and j > i:
                break
            kind = classify(digits)
            if kind is not None:
                candidates.append((kind, -len(digits), groups[i][0], i, j, digits))
            if digits.endswith("X"):
                break  # X ends an ID; nothing continues after it
    candidates.sort()
    taken: set[int] = set()
    chosen: list[tuple[int, int, int, str]] = []
    for kind, _, _, i, j, digits in candidates:
        if taken.isdisjoint(range(i, j + 1)):
            taken.update(range(i, j + 1))
            chosen.append((groups[i][0], groups[j][1], kind, digits))
    return chosen


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    if not spans:
        return text
    parts, last = [], 0
    for start, end, replacement in sorted(spans):
        parts.append(text[last:start])
        parts.append(replacement)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _mask_numbers(text: str, view: str) -> str:
    spans: list[tuple[int, int, str]] = []
    for run in _RUN.finditer(view):
        if run.end() - run.start() < 11:
            continue  # too short for any kind (11 digits at least)
        had_plus = view[run.start()] == "+"
        groups = [(run.start() + g.start(), run.start() + g.end(), g.group())
                  for g in _GROUP.finditer(run.group())]
        for start, end, kind, digits in _spans(groups):
            plus = had_plus and start == groups[0][0]
            spans.append((start - (1 if plus else 0), end, _masked_number(kind, digits, plus)))
    return _replace(text, spans)


def _mask_plates(text: str, view: str) -> str:
    spans: list[tuple[int, int, str]] = []
    for match in _PLATE.finditer(view):
        head = text[match.start("prov")] + match.group("letter")
        if match.group("suffix"):
            masked = f"{head}**{match.group('special')[-2:]}{text[match.start('suffix')]}"
        else:
            masked = f"{head}***{match.group('tail')[-2:]}"
        spans.append((match.start(), match.end(), masked))
    for match in _EMBASSY.finditer(view):
        spans.append((match.start(), match.end(), f"使****{match.group('b')[-2:]}"))
    return _replace(text, spans)


def digit_view(text: str) -> str:
    """``text`` with digits, numerals and letters folded as the masker reads it (same length)."""
    return text.translate(_TABLE)


def mask_text(text: str) -> str:
    """Mask ID-card, bank-card, phone and plate numbers in ``text``."""
    view = text.translate(_TABLE)
    if not _ANY.search(view):
        return text
    # Plates first: their digits must not join a neighbouring number's run.
    text = _mask_plates(text, view)
    return _mask_numbers(text, text.translate(_TABLE))


def mask_name(name: str) -> str:
    """Keep the first and last character of a viewer name: 杭州小王 -> 杭**王."""
    name = name.strip()
    if len(name) <= 1:
        return name + "*" if name else "观众"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * min(len(name) - 2, 3) + name[-1]

