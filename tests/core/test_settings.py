from __future__ import annotations

import json
from pathlib import Path

import pytest

from videohelp.core.settings import REGISTRY, Settings


def test_defaults_come_from_the_registry() -> None:
    settings = Settings()
    for name, setting in REGISTRY.items():
        assert settings[name] == setting.default
        assert setting.description


def test_values_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(path)
    settings.set("ui.language", "en")
    settings.set("server.port", 9000)
    reloaded = Settings(path)
    assert reloaded["ui.language"] == "en"
    assert reloaded["server.port"] == 9000
    assert reloaded.problems == []


def test_wrong_types_are_refused_on_set() -> None:
    with pytest.raises(ValueError, match=r"server\.port"):
        Settings().set("server.port", "eighty")
    with pytest.raises(ValueError):
        Settings().set("server.port", True)


def test_a_broken_file_falls_back_to_defaults_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    settings = Settings(path)
    assert settings["server.port"] == 8765
    assert "unreadable" in settings.problems[0]


def test_bad_entries_are_reported_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"server.port": "x", "no.such": 1, "ui.theme": "light"}))
    settings = Settings(path)
    assert settings["server.port"] == 8765
    assert settings["ui.theme"] == "light"
    assert len(settings.problems) == 2


def test_program_sizes_the_frames_cannot_carry_fall_back_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"program.width": 1279, "program.height": 720, "program.fps": 0}',
                    encoding="utf-8")
    settings = Settings(path)
    assert (settings["program.width"], settings["program.height"]) == (1920, 720)
    assert settings["program.fps"] == 30
    assert any("program.width" in problem and "even" in problem for problem in settings.problems)
    assert any("program.fps" in problem for problem in settings.problems)
    with pytest.raises(ValueError, match="even"):
        Settings().set("program.height", 1081)
