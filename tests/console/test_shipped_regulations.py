"""The regulation texts shipped with the app are the client's, unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

from videohelp.assets import asset_path
from videohelp.core.regulations import RegulationIndex


def test_shipped_texts_equal_the_clients_texts(client_dir: Path) -> None:
    # tests/fixtures/client/regulations.sha256 records the client's texts as delivered
    # (sha256sum of each file); an edit to a shipped text must be a deliberate change there.
    expected = {}
    for line in (client_dir / "regulations.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        expected[name] = digest
    shipped = asset_path("regulations")
    assert sorted(p.name for p in shipped.glob("*.md")) == sorted(expected)
    for name, digest in expected.items():
        assert hashlib.sha256((shipped / name).read_bytes()).hexdigest() == digest, name


def test_shipped_texts_index_their_articles() -> None:
    index = RegulationIndex.load(asset_path("regulations"))
    assert index.check("机动车登记规定(2021-12-17).md", "第二十五条") is None
    assert index.check("机动车登记规定(2021-12-17).md", "第九百条") is not None
