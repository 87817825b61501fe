"""The regulation texts shipped with the app are the client's, unchanged."""

from __future__ import annotations

from pathlib import Path

from videohelp.assets import asset_path
from videohelp.core.regulations import RegulationIndex


def test_shipped_texts_equal_the_reference_texts(shared_dir: Path) -> None:
    reference = shared_dir / "reference" / "regulations"
    expected = sorted(p.name for p in reference.glob("*.md") if p.name != "README.md")
    shipped = asset_path("regulations")
    assert sorted(p.name for p in shipped.glob("*.md") if p.name != "README.md") == expected
    for name in expected:
        assert (shipped / name).read_bytes() == (reference / name).read_bytes(), name


def test_shipped_texts_index_their_articles() -> None:
    index = RegulationIndex.load(asset_path("regulations"))
    assert index.check("机动车登记规定(2021-12-17).md", "第二十五条") is None
    assert index.check("机动车登记规定(2021-12-17).md", "第九百条") is not None
