"""Triage: every comment filed as chatter or one of the 108 items, with answers and repeats.

Pure core (no Qt): ``lexicon`` (viewer wordings -> catalog terms), ``segment``
(jieba, loaded off the main thread), ``features`` (TF-IDF vectors), ``model``
(the linear scorer), ``memory`` (studio corrections), ``engine`` (decisions),
``repeats`` ("N viewers asked this"), ``corpus`` (what it learns from),
``storage`` (SQLite). ``service`` is the Qt/asyncio wrapper on the live path.
See docs/triage.md.
"""
