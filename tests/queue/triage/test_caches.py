"""The saved model and the jieba cache: private, plain data, verified before use (issue 16)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from videohelp.queue.triage import jieba_cache, model_store, plainfile, segment
from videohelp.queue.triage.corpus import Knowledge
from videohelp.queue.triage.engine import Correction, TriageEngine


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "videohelp" / "jieba"


@pytest.fixture
def small_dictionary(tmp_path: Path) -> Path:
    path = tmp_path / "dict.txt"
    path.write_text("驾驶证 10 n\n丢 5 v\n", encoding="utf-8")
    return path


FREQ = {"驾驶证": 10, "驾": 0, "驾驶": 0, "丢": 5}


def _flip_a_byte(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def test_the_jieba_cache_is_private_and_read_back(cache_home: Path,
                                                  small_dictionary: Path) -> None:
    jieba_cache.write(small_dictionary, FREQ, 15)
    (cached,) = cache_home.glob("prefix-*.npz")
    assert stat.S_IMODE(os.stat(cache_home).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache_home.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cached).st_mode) == 0o600
    assert not str(cached).startswith("/tmp/videohelp-jieba")
    assert jieba_cache.read(small_dictionary) == (FREQ, 15)
    # A new jieba dictionary is another file: the old cache is not taken for it.
    small_dictionary.write_text("驾驶证 11 n\n", encoding="utf-8")
    assert jieba_cache.read(small_dictionary) is None


def test_a_tampered_jieba_cache_is_refused(cache_home: Path, small_dictionary: Path) -> None:
    jieba_cache.write(small_dictionary, FREQ, 15)
    (cached,) = cache_home.glob("prefix-*.npz")
    _flip_a_byte(cached)
    assert jieba_cache.read(small_dictionary) is None


def test_a_symlinked_or_foreign_jieba_cache_is_refused(cache_home: Path, tmp_path: Path,
                                                       small_dictionary: Path) -> None:
    jieba_cache.write(small_dictionary, FREQ, 15)
    (cached,) = cache_home.glob("prefix-*.npz")
    planted = tmp_path / "planted.npz"
    cached.rename(planted)
    cached.symlink_to(planted)  # a valid file, but through a link someone could point anywhere
    assert jieba_cache.read(small_dictionary) is None
    cached.unlink()
    planted.rename(cached)
    assert jieba_cache.read(small_dictionary) == (FREQ, 15)
    if os.getuid() == 0:  # a directory of another user is not trusted
        os.chown(cache_home, 4242, 4242)
        assert jieba_cache.read(small_dictionary) is None
        os.chown(cache_home, 0, 0)
    os.chmod(cached, 0o666)  # writable by others
    assert jieba_cache.read(small_dictionary) is None


def test_the_segmenter_rebuilds_a_damaged_cache_and_then_uses_it(
        cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = segment.Segmenter(["网上选号"])
    (cached,) = cache_home.glob("prefix-*.npz")
    _flip_a_byte(cached)
    assert segment.Segmenter().cut("驾驶证丢了") == ["驾驶证", "丢", "了"]
    assert jieba_cache.read(segment.Path(segment._import_jieba().__file__).resolve().parent
                            / "dict.txt") is not None  # rewritten, valid again

    def no_building(*_args: object) -> None:
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(segment._import_jieba().Tokenizer, "gen_pfdict", no_building)
    second = segment.Segmenter(["网上选号"])
    assert first.cut("12123网上选号几点开始") == second.cut("12123网上选号几点开始")


# -- the saved model --------------------------------------------------------------------
def test_a_saved_model_is_read_back_without_training(tmp_path: Path, shared_engine: TriageEngine,
                                                     knowledge: Knowledge,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fingerprint = TriageEngine.fingerprint(knowledge)
    model_store.save(model_store.model_path(tmp_path), shared_engine, fingerprint)
    path = model_store.model_path(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with np.load(path, allow_pickle=False) as npz:  # plain arrays only
        assert all(npz[name].dtype != object for name in npz.files)

    def no_training(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("nothing changed: the saved model should be read back")

    monkeypatch.setattr(model_store, "train_and_save", no_training)
    engine = model_store.ready_engine(knowledge, [], tmp_path, shared_engine.segmenter)
    assert not engine.stale and engine.build_seconds < 2.0
    texts = ["主播辛苦了，驾照丢了怎么补办", "號牌褪色了怎麼換", "来了来了", "esc gh要带啥"]
    assert ([d.as_json() for d in engine.classify(texts)]
            == [d.as_json() for d in shared_engine.classify(texts)])


def test_changed_knowledge_makes_the_saved_model_stale(tmp_path: Path,
                                                       shared_engine: TriageEngine,
                                                       knowledge: Knowledge,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    model_store.save(model_store.model_path(tmp_path), shared_engine,
                     TriageEngine.fingerprint(knowledge))
    trained: list[str] = []
    monkeypatch.setattr(model_store, "train_and_save",
                        lambda *args, **kwargs: trained.append("trained"))
    # A correction, or a studio lexicon line, changes the fingerprint: read back, but stale.
    corrections = [Correction("刷一波", "chatter")]
    engine = model_store.ready_engine(knowledge, corrections, tmp_path, shared_engine.segmenter)
    assert engine.stale and trained == []
    studio = tmp_path / "triage" / "lexicon"
    studio.mkdir(parents=True)
    (studio / "ours.tsv").write_text("小绿本\t登记证书\n", encoding="utf-8")
    ours = Knowledge(knowledge.catalog, knowledge.kb, knowledge.chatter, knowledge.lexicon_path,
                     knowledge.phrasings, tmp_path / "triage")
    assert TriageEngine.fingerprint(ours) != TriageEngine.fingerprint(knowledge)
    engine = model_store.ready_engine(ours, [], tmp_path, shared_engine.segmenter)
    assert engine.stale and engine.normalize("小绿本丢了") == "登记证书丢了"


def test_a_tampered_or_foreign_model_file_is_refused(tmp_path: Path, shared_engine: TriageEngine,
                                                     knowledge: Knowledge,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = model_store.model_path(tmp_path)
    model_store.save(path, shared_engine, TriageEngine.fingerprint(knowledge))
    # A digest that matches but tables that do not agree: refused, not crashed on.
    arrays = plainfile.load(path, model_store.FORMAT)
    arrays["weights"] = arrays["weights"][:10]
    plainfile.save(path, {k: v for k, v in arrays.items() if k not in ("format", "digest")},
                   model_store.FORMAT)
    with pytest.raises(plainfile.PlainFileError, match="shapes"):
        model_store.load(path)
    model_store.save(path, shared_engine, TriageEngine.fingerprint(knowledge))
    _flip_a_byte(path)
    with pytest.raises(plainfile.PlainFileError, match=r"digest|unreadable"):
        model_store.load(path)
    # Altered weights re-zipped with a valid zip but the old digest: the digest catches it.
    model_store.save(path, shared_engine, TriageEngine.fingerprint(knowledge))
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays["weights"] = arrays["weights"] * 1.01
    np.savez(path, **arrays)
    with pytest.raises(plainfile.PlainFileError, match="digest"):
        model_store.load(path)
    # Training again is what ready_engine does with it.
    monkeypatch.setattr(model_store, "train_and_save", lambda *args, **kwargs: "trained")
    assert model_store.ready_engine(knowledge, [], tmp_path, shared_engine.segmenter) == "trained"

    # A pickled object array (what np.load would run with allow_pickle) is refused.
    buffer = io.BytesIO()
    np.savez(buffer, format=np.array([model_store.FORMAT]), evil=np.array([object()], dtype=object))
    path.write_bytes(buffer.getvalue())
    with pytest.raises(plainfile.PlainFileError):
        model_store.load(path)
    # Another format number is not read as this one.
    plainfile.save(path, {"x": np.zeros(2)}, model_store.FORMAT + 1)
    with pytest.raises(plainfile.PlainFileError, match="format"):
        model_store.load(path)


# -- on the live path -------------------------------------------------------------------
@pytest.mark.slow
def test_a_stale_model_files_at_once_and_a_fresh_one_replaces_it(qloop, data_dir: Path,
                                                                 shared_engine: TriageEngine,
                                                                 knowledge: Knowledge) -> None:
    """Saved for other knowledge (a correction since): the desk files with it at once, a
    fresh model trains in the background, is saved, and takes over."""
    from videohelp.core.paths import data_paths
    from videohelp.core.store import Store
    from videohelp.queue.persist import CommentWriter
    from videohelp.queue.pipeline import IngestPipeline
    from videohelp.queue.triage.service import TriageService
    from videohelp.queue.triage.storage import record_correction

    from .test_service import run_until

    database = data_paths(data_dir).database
    writer = CommentWriter(database)  # creates and migrates the database
    store = Store(database)
    record_correction(store, "主播今天的领带真好看", None, "王警官")
    store.close()
    path = model_store.model_path(data_dir)
    model_store.save(path, shared_engine, TriageEngine.fingerprint(knowledge))
    pipeline = IngestPipeline(writer)
    service = TriageService(pipeline, database)
    ready: list[float] = []
    retrained: list[float] = []
    service.ready.connect(ready.append)
    service.retrained.connect(retrained.append)

    async def start() -> None:
        await pipeline.start()
        service.start()

    qloop.run_until_complete(start())
    try:
        run_until(qloop, lambda: bool(ready), timeout=60)
        assert service.engine is not None and service.engine.stale
        stale = service.engine
        run_until(qloop, lambda: bool(retrained), timeout=240)
        assert service.engine is not stale and not service.engine.stale
        fingerprint, _ = model_store.load(path)
        assert fingerprint == service.engine.fingerprint_ != TriageEngine.fingerprint(knowledge)
    finally:
        async def stop() -> None:
            await service.stop()
            await pipeline.stop()
        qloop.run_until_complete(stop())
