"""Masking of personal data for anything that can reach the screen (pure).

The officer sees the original; everything that may air sees the masked form.
"""

from __future__ import annotations

import re

# 18-digit resident ID (last may be X) and 15-digit legacy IDs.
_ID_CARD = re.compile(r"(?<!\d)(\d{6})(\d{8}|\d{6})(\d{3}[\dXx]|\d{1})(?!\d)")
# Mainland mobile numbers, optionally with +86 and separators.
_PHONE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
# Plates: province abbreviation + letter + 5-6 alphanumerics (new-energy plates have 6).
_PLATE = re.compile(
    r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])"
    r"\s?([A-Z])[·\s]?([A-Z0-9]{5,6})"
)


def mask_text(text: str) -> str:
    """Mask ID-card numbers, phone numbers and plate numbers in ``text``."""
    text = _ID_CARD.sub(lambda m: m.group(1)[:3] + "*" * (len(m.group(0)) - 7) + m.group(0)[-4:], text)
    text = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _PLATE.sub(lambda m: f"{m.group(1)}{m.group(2)}***{m.group(3)[-2:]}", text)


def mask_name(name: str) -> str:
    """Keep the first and last character of a viewer name: 杭州小王 -> 杭**王."""
    name = name.strip()
    if len(name) <= 1:
        return name + "*" if name else "观众"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * min(len(name) - 2, 3) + name[-1]
