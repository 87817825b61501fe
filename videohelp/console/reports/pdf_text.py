"""Make the PDF's text copy and search as Chinese, not as radicals.

Noto Sans CJK draws some ideographs and the matching radicals with one glyph
(车 U+8F66 and ⻋ U+2ECB, 日 and ⽇), and an en dash with the figure dash's.
Qt's PDF writer maps each glyph back to the *lowest* code point using it, so
text copied or searched in the PDF reads ⻋管资讯. Qt writes its ToUnicode
CMaps uncompressed with four-hex-digit targets, so the targets can be put
right in place — same length, so no offset in the file moves.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from PySide6.QtGui import QFont, QRawFont

log = logging.getLogger(__name__)

# Code points a report never means, and the ranges holding the ones it does.
_AVOID = (range(0x2E80, 0x2FE0), range(0x2010, 0x2013))
_PREFER = (range(0x4E00, 0xA000), range(0x2013, 0x2016))
_STREAM = re.compile(rb"/ToUnicode (\d+) 0 R")
_SECTION = re.compile(rb"(begin(bfchar|bfrange)\n)(.*?)(\nend\2)", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]{4})>")


@cache
def preferred_code_points(family: str) -> dict[int, int]:
    """For ``family``: avoided code point -> the preferred one drawn with the same glyph."""
    raw = QRawFont.fromFont(QFont(family))
    if not raw.isValid():
        return {}

    def glyphs(points: list[int]) -> list[int]:
        return list(raw.glyphIndexesForString("".join(map(chr, points))))

    preferred = [cp for block in _PREFER for cp in block]
    by_glyph: dict[int, int] = {}
    for cp, glyph in zip(preferred, glyphs(preferred), strict=True):
        if glyph:
            by_glyph.setdefault(glyph, cp)
    avoided = [cp for block in _AVOID for cp in block]
    return {cp: by_glyph[glyph] for cp, glyph in zip(avoided, glyphs(avoided), strict=True)
            if glyph and glyph in by_glyph}


def _fix_targets(section: bytes, kind: bytes, mapping: dict[int, int]) -> bytes:
    def fix(token: re.Match[bytes]) -> bytes:
        code = int(token.group(1), 16)
        return b"<%04X>" % mapping[code] if code in mapping else token.group(0)

    lines = []
    for line in section.split(b"\n"):
        tokens = list(_HEX.finditer(line))
        if kind == b"bfchar" and len(tokens) == 2:  # <src> <dst>
            start = tokens[1].start()
            line = line[:start] + _HEX.sub(fix, line[start:])
        elif kind == b"bfrange" and b"[" in line:  # <lo> <hi> [<dst> ...]
            start = line.index(b"[")
            line = line[:start] + _HEX.sub(fix, line[start:])
        elif kind == b"bfrange" and len(tokens) == 3 and tokens[0].group(1) == tokens[1].group(1):
            start = tokens[2].start()  # a one-code range: <c> <c> <dst>
            line = line[:start] + _HEX.sub(fix, line[start:])
        lines.append(line)
    return b"\n".join(lines)


def fix_to_unicode(data: bytes, mapping: dict[int, int]) -> bytes:
    """``data`` (a PDF) with its ToUnicode targets remapped; unchanged where unsure."""
    if not mapping:
        return data
    out = bytearray(data)
    for number in sorted(set(_STREAM.findall(data))):
        header = re.search(rb"\n" + number + rb" 0 obj\n<< /Length (\d+) >>\nstream\n", data)
        if header is None:  # compressed or an indirect length: leave it
            log.debug("ToUnicode object %s not in the expected form", number.decode())
            continue
        start, length = header.end(), int(header.group(1))
        stream = data[start:start + length]
        fixed = _SECTION.sub(lambda m: m.group(1) + _fix_targets(m.group(3), m.group(2), mapping)
                             + m.group(4), stream)
        if len(fixed) == len(stream):
            out[start:start + length] = fixed
    return bytes(out)
