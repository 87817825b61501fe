#!/usr/bin/env python3
"""Fill untranslated .ts messages from a JSON file of {"Context": {"source": "译文"}}.

    .venv/bin/python scripts/fill_translations.py new-strings.json

For translators who work in a text editor rather than Qt Linguist.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parent.parent / "videohelp" / "assets" / "i18n" / "videohelp_zh_CN.ts"


def fill(mapping: dict[str, dict[str, str]], ts: Path = TS) -> int:
    tree = ET.parse(ts)
    root = tree.getroot()
    filled = 0
    for context in root.iter("context"):
        known = mapping.get(context.findtext("name") or "", {})
        for message in context.iter("message"):
            translation = message.find("translation")
            source = message.findtext("source") or ""
            if translation is not None and translation.get("type") == "unfinished" and source in known:
                translation.text = known[source]
                del translation.attrib["type"]
                filled += 1
    ET.indent(root)
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                  + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
    return filled


if __name__ == "__main__":
    print(fill(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))), "filled")
