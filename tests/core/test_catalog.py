"""The catalog: the client's 108 codes, shipped details, and versioned edits in SQLite."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from videohelp.assets import asset_path
from videohelp.core.catalog import (
    CLASSES,
    Article,
    CatalogError,
    CatalogStore,
    Channel,
    check_item,
    default_catalog,
    edited,
    item_to_dict,
)
from videohelp.core.knowledge import KnowledgeBase
from videohelp.core.regulations import RegulationIndex
from videohelp.core.store import Store


@pytest.fixture
def regulations() -> RegulationIndex:
    return RegulationIndex.load(asset_path("regulations"))


@pytest.fixture
def catalog_store(tmp_path: Path):
    store = Store(tmp_path / "db.sqlite3")
    catalog_store = CatalogStore(store)
    catalog_store.seed_if_empty()
    yield catalog_store
    store.close()


def test_shipped_catalog_has_the_clients_codes_in_four_classes(client_dir: Path) -> None:
    with open(client_dir / "business-items.csv", encoding="utf-8-sig", newline="") as handle:
        spec = {row["code"]: row for row in csv.DictReader(handle)}
    catalog = default_catalog()
    assert len(spec) == len(catalog) == 108
    assert list(catalog.items) == list(spec)
    for code, row in spec.items():
        assert catalog[code].klass == row["class"]
        assert catalog[code].name_zh == row["name_zh"]
    assert {item.klass for item in catalog.items.values()} == set(CLASSES)


def test_every_shipped_item_has_synonyms_and_articles_that_exist(regulations) -> None:
    for item in default_catalog().items.values():
        assert item.synonyms, f"{item.code} has no viewer words"
        assert item.articles, f"{item.code} cites no regulation"
        assert check_item(item, regulations) == [], item.code
        for channel in item.channels:
            assert channel.name


def test_seeding_copies_the_shipped_catalog_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    catalog_store = CatalogStore(store)
    assert catalog_store.seed_if_empty() == 108
    assert catalog_store.catalog() == default_catalog()
    assert catalog_store.seed_if_empty() == 0
    history = catalog_store.history("MV01")
    assert [(c.version, c.action, c.actor, c.before) for c in history] == [(1, "seed", "shipped", None)]
    assert history[0].after == item_to_dict(default_catalog()["MV01"])
    store.close()
    reopened = Store(tmp_path / "db.sqlite3")
    assert CatalogStore(reopened).seed_if_empty() == 0
    assert reopened.conn.execute("SELECT count(*) FROM catalog_items").fetchone()[0] == 108
    reopened.close()


def test_an_edit_is_a_new_version_with_who_before_and_after(catalog_store: CatalogStore) -> None:
    original = catalog_store.item("DL03")
    changed = edited(original, synonyms=[*original.synonyms, "换个新本本"],
                     channels=[Channel("交管12123", "首页 > 驾驶证业务 > 期满换证")],
                     articles=[Article("机动车驾驶证申领和使用规定(2021-12-17).md", "第五十七条")])
    assert catalog_store.update_item(changed, actor="张警官", note="more viewer words")
    assert catalog_store.item("DL03") == changed
    assert catalog_store.version("DL03") == 2
    last = catalog_store.history("DL03")[-1]
    assert (last.version, last.actor, last.action, last.note) == (2, "张警官", "edit", "more viewer words")
    assert last.before == item_to_dict(original)
    assert last.after == item_to_dict(changed)
    assert set(last.changed_fields) == {"synonyms", "channels", "articles"}
    assert last.at_ms > 0
    # Saving the same item again records nothing.
    assert not catalog_store.update_item(changed, actor="张警官")
    assert len(catalog_store.history("DL03")) == 2


def test_codes_and_classes_are_fixed(catalog_store: CatalogStore) -> None:
    item = catalog_store.item("EB01")
    with pytest.raises(CatalogError, match="fixed"):
        edited(item, klass="机动车")
    with pytest.raises(CatalogError, match="fixed"):
        edited(item, code="EB99")
    from dataclasses import replace

    with pytest.raises(CatalogError, match="unknown item code 'EB99'"):
        catalog_store.update_item(replace(item, code="EB99"), actor="x")
    with pytest.raises(CatalogError, match="classes are fixed"):
        catalog_store.update_item(replace(item, klass="机动车"), actor="x")
    with pytest.raises(CatalogError, match="who made it"):
        catalog_store.update_item(edited(item, link="https://example.org"), actor="")
    assert catalog_store.item("EB01") == item
    assert len(catalog_store.history("EB01")) == 1


def test_check_item_names_missing_articles(catalog_store: CatalogStore, regulations) -> None:
    item = edited(catalog_store.item("MV02"), articles=[
        Article("机动车登记规定(2021-12-17).md", "第二十五条"),
        Article("机动车登记规定(2021-12-17).md", "第九百条"),
        Article("没有这个规定.md", "第一条")])
    problems = check_item(item, regulations)
    assert len(problems) == 2
    assert "第九百条" in problems[0]
    assert "没有这个规定.md" in problems[1]


def test_new_synonyms_make_the_items_entries_searchable(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "db.sqlite3")
    assert kb.search("绿皮小本本") == []
    item = kb.catalog_store.item("MV22")
    kb.catalog_store.update_item(edited(item, synonyms=[*item.synonyms, "绿皮小本本"]), actor="导播")
    found = kb.search("绿皮小本本")
    assert found and {entry.item for entry in found} == {"MV22"}
    assert len(found) == len(kb.entries(item="MV22"))
    kb.close()
