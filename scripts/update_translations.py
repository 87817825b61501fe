#!/usr/bin/env python3
"""Refresh the Qt translation sources from the code and report what is untranslated.

    .venv/bin/python scripts/update_translations.py          # update .ts, list unfinished
    .venv/bin/python scripts/update_translations.py --check  # exit 1 if anything is missing

pyside6-lupdate misses our ``_tr("...")`` wrappers and module-level context
constants, so the strings are extracted from the AST instead: calls of
``QCoreApplication.translate(CTX, "...")``, ``QT_TRANSLATE_NOOP(CTX, "...")``
and of a module's ``_tr("...")`` (its context read from the wrapper's body).
The result is written in Qt's .ts format, keeping existing translations;
./run compiles it to .qm with lrelease.
"""

from __future__ import annotations

import argparse
import ast
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "videohelp"
TS_FILE = PACKAGE / "assets" / "i18n" / "videohelp_zh_CN.ts"


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(
                node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _string(node: ast.AST, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _wrapper_context(tree: ast.Module, constants: dict[str, str]) -> str | None:
    """The context of ``def _tr(text): return QCoreApplication.translate("Ctx", text)``."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "_tr":
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and _name(call.func) == "translate" and call.args:
                    return _string(call.args[0], constants)
    return None


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def extract(paths: list[Path]) -> dict[str, list[str]]:
    """Context -> source strings, in first-seen order."""
    messages: dict[str, list[str]] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        constants = _constants(tree)
        wrapper = _wrapper_context(tree, constants)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            context = text = None
            if name in ("translate", "QT_TRANSLATE_NOOP") and len(node.args) >= 2:
                context, text = _string(node.args[0], constants), _string(node.args[1], constants)
            elif name == "_tr" and wrapper and node.args:
                context, text = wrapper, _string(node.args[0], constants)
            elif name == "tr" and isinstance(node.func, ast.Attribute) and node.args and isinstance(
                    node.func.value, ast.Attribute) and node.func.value.attr == "rt":
                context, text = constants.get("CTX"), _string(node.args[0], constants)
            if context and text and text not in messages.setdefault(context, []):
                messages[context].append(text)
    return messages


def sources() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if any(k in p.read_text(encoding="utf-8") for k in ("translate(", "QT_TRANSLATE_NOOP"))]


def read_ts(path: Path) -> dict[tuple[str, str], str]:
    if not path.exists():
        return {}
    known = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            text = (translation.text or "") if translation is not None else ""
            if translation is not None and translation.get("type") != "unfinished" and text.strip():
                known[(name, message.findtext("source") or "")] = text
    return known


def write_ts(path: Path, messages: dict[str, list[str]], known: dict[tuple[str, str], str]) -> list:
    root = ET.Element("TS", version="2.1", language="zh_CN")
    missing = []
    for context in sorted(messages):
        ctx = ET.SubElement(root, "context")
        ET.SubElement(ctx, "name").text = context
        for source in messages[context]:
            message = ET.SubElement(ctx, "message")
            ET.SubElement(message, "source").text = source
            translation = ET.SubElement(message, "translation")
            if (context, source) in known:
                translation.text = known[(context, source)]
            else:
                translation.set("type", "unfinished")
                missing.append((context, source))
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                    + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
    return missing


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a string is missing or untranslated")
    args = parser.parse_args()
    messages = extract(sources())
    known = read_ts(TS_FILE)
    if args.check:
        missing = [(c, s) for c, texts in messages.items() for s in texts if (c, s) not in known]
    else:
        missing = write_ts(TS_FILE, messages, known)
    for context, source in missing:
        print(f"untranslated [{context}] {source}")
    print(f"{TS_FILE.name}: {sum(map(len, messages.values()))} strings, {len(missing)} untranslated")
    return 1 if args.check and missing else 0


if __name__ == "__main__":
    sys.exit(main())
