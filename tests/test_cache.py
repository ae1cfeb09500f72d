"""Result cache: keys that miss on any change, hits without model calls, corruption
read as a miss, concurrent writers across processes, and the cache CLI."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from llm_extract.article import Article
from llm_extract.cache import ResultCache, cache_key
from llm_extract.cache_cli import register
from llm_extract.extract import Extractor
from llm_extract.models import Document, ErrorInfo, ExtractionResult, Usage
from llm_extract.settings import Settings
from tests.fake_server import SAMPLE_TEXT, FakeServer, settings_for

TEXT = SAMPLE_TEXT


def extract(settings: Settings, article: Article) -> ExtractionResult:
    async def go() -> ExtractionResult:
        async with Extractor(settings) as extractor:
            return await extractor.aextract(article)

    return asyncio.run(go())


def article(text: str = TEXT, **kw: Any) -> Article:
    return Article(doc_id=kw.pop("doc_id", "doc1"), text=text, **kw)


def ok_result(doc_id: str = "d") -> ExtractionResult:
    return ExtractionResult(doc_id=doc_id, document=Document(doc_id=doc_id), usage=Usage(calls=1))


def test_hit_makes_no_model_call_and_reports_zero_usage(tmp_path: Path) -> None:
    with FakeServer() as server:
        settings = settings_for(server, tmp_path)
        first = extract(settings, article())
        sent = len(server.model_requests)
        second = extract(settings, article(doc_id="other", source="wire"))
    assert first.ok and not first.cached and first.usage.calls == 1
    assert sent == 1 and len(server.model_requests) == 1
    assert second.cached and second.usage == Usage()
    assert second.doc_id == "other" and second.document is not None
    assert second.document.doc_id == "other" and second.document.source == "wire"
    assert second.events == first.events


@pytest.mark.parametrize(
    "change",
    [
        {"temperature": 0.5},
        {"seed": 7},
        {"max_tokens": 999},
        {"few_shot": False},
        {"model": "other-model"},
        {"mode": "json_object"},
        {"strategy": "sentences"},
        {"keep_ungrounded": True},
    ],
)
def test_any_setting_change_misses(change: dict[str, Any], tmp_path: Path) -> None:
    with FakeServer() as server:
        base = settings_for(server, tmp_path)
        changed = base.model_copy(update=change)
        keys = {Extractor(s).cache_key(article()) for s in (base, changed)}
    assert len(keys) == 2


def test_input_changes_miss_and_equivalent_text_hits(tmp_path: Path) -> None:
    with FakeServer() as server:
        extractor = Extractor(settings_for(server, tmp_path))
        key = extractor.cache_key(article())
        assert extractor.cache_key(article(doc_id="renamed")) == key
        crlf, lf = article("One.\r\nTwo."), article("One.\nTwo.")
        assert extractor.cache_key(crlf) == extractor.cache_key(lf) != key
        assert extractor.cache_key(article(TEXT + " ")) != key
        assert extractor.cache_key(article(published="2024-01-02")) != key
        fields = extractor.cache_fields(article())
    for name, value in [
        ("prompt_hash", "x"),
        ("schema_hash", "y"),
        ("backend", "rules"),
        ("backend_version", "2"),
        ("package_major", "9"),
        ("data", "a new alias table"),
    ]:
        assert cache_key({**fields, name: value}) != key


def test_key_is_not_a_concatenation() -> None:
    assert cache_key({"a": "b|c", "d": ""}) != cache_key({"a": "b", "d": "|c"})


def test_errors_are_never_cached(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    error = ExtractionResult(
        doc_id="d", status="error", error=ErrorInfo(stage="transport", type="X", message="m")
    )
    assert cache.set("k", error) is False
    assert cache.get("k") is None
    assert cache.stats().entries == 0


def test_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    assert cache.set("k", ok_result())
    assert cache.flush()  # on disk, where the corruption below happens
    inner = cache._open()
    assert inner is not None
    inner.set("k", "{not json")
    assert cache.get("k") is None
    assert cache.get("k") is None  # and it was removed, not re-read forever
    cache.close()


def test_corrupt_database_is_a_miss_not_a_crash(tmp_path: Path) -> None:
    with ResultCache(tmp_path) as cache:
        cache.set("k", ok_result())
    (tmp_path / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    for name in ("cache.db-wal", "cache.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    broken = ResultCache(tmp_path)
    assert broken.get("k") is None
    assert broken.set("k", ok_result()) is False
    assert broken.stats().entries == 0


def test_corrupt_cache_does_not_stop_extraction(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "cache.db").write_bytes(b"\x00garbage" * 500)
    with FakeServer() as server:
        result = extract(settings_for(server, tmp_path), article())
    assert result.ok and not result.cached


def _writer(args: tuple[str, int]) -> int:
    directory, i = args
    cache = ResultCache(directory)
    written = 0
    for round_ in range(20):
        written += cache.set("shared", ok_result(f"shared-{i}-{round_}"))
        written += cache.set(f"own-{i}-{round_}", ok_result(f"own-{i}-{round_}"))
        assert cache.get(f"own-{i}-{round_}") is not None
    cache.close()
    return written


def test_concurrent_processes_write_safely(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        written = pool.map(_writer, [(str(tmp_path), i) for i in range(8)])
    assert written == [40] * 8
    cache = ResultCache(tmp_path)
    assert cache.stats().entries == 8 * 20 + 1
    shared = cache.get("shared")
    assert shared is not None and shared.doc_id.startswith("shared-")
    for i in range(8):
        own = cache.get(f"own-{i}-19")
        assert own is not None and own.doc_id == f"own-{i}-19"


def test_disabled_cache_always_calls_the_model(tmp_path: Path) -> None:
    with FakeServer() as server:
        settings = settings_for(server, tmp_path, cache=False)
        extract(settings, article())
        again = extract(settings, article())
    assert not again.cached and len(server.model_requests) == 2
    assert not (tmp_path / "cache").exists()


def test_cache_cli_stats_and_clear(tmp_path: Path) -> None:
    with ResultCache(tmp_path) as cache:
        cache.set("a", ok_result("a"))
        cache.set("b", ok_result("b"))
        cache.get("a")
        cache.get("missing")
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    stats = runner.invoke(app, ["cache", "stats", "--cache-dir", str(tmp_path), "--json"])
    assert stats.exit_code == 0, stats.output
    data = json.loads(stats.output)
    assert data["entries"] == 2 and data["size_bytes"] > 0
    assert (data["hits"], data["misses"]) == (1, 1)
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(tmp_path)])
    assert cleared.exit_code == 0 and "removed 2" in cleared.output
    again = runner.invoke(app, ["cache", "stats", "--cache-dir", str(tmp_path), "--json"])
    assert json.loads(again.output)["entries"] == 0


def test_default_dir_comes_from_settings_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_EXTRACT_CACHE_DIR", str(tmp_path / "envcache"))
    with ResultCache(tmp_path / "envcache") as cache:
        cache.set("x", ok_result())
    app = typer.Typer()
    register(app)
    out = CliRunner().invoke(app, ["cache", "stats"])
    assert out.exit_code == 0 and "entries: 1" in out.output


def test_data_files_are_fingerprinted_by_name_and_content(tmp_path: Path) -> None:
    """A new place or alias changes results, so it must change the key (not only settings)."""
    from llm_extract.cache import data_fingerprint, fingerprint_files

    (tmp_path / "actors.json").write_text('{"actors": []}')
    (tmp_path / "places.json").write_text('{"places": []}')
    before = fingerprint_files(tmp_path)
    assert fingerprint_files(tmp_path) == before
    (tmp_path / "places.json").write_text('{"places": [1]}')
    edited = fingerprint_files(tmp_path)
    (tmp_path / "places.json").rename(tmp_path / "world.json")
    renamed = fingerprint_files(tmp_path)
    assert len({before, edited, renamed}) == 3
    assert len(data_fingerprint()) == 64
