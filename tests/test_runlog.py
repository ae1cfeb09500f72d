"""Run log: one row per model call and per cache hit, payloads only when asked, the
`logs` command, and concurrent writers."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import typer
from typer.testing import CliRunner

from llm_extract.article import Article
from llm_extract.backends.chat import CallEvent
from llm_extract.cache_cli import register
from llm_extract.extract import Extractor
from llm_extract.runlog import RunLog, bind_doc, query, summary
from llm_extract.settings import Settings
from tests.fake_server import SAMPLE_TEXT, FakeServer, settings_for

TEXT = SAMPLE_TEXT


def run(settings: Settings, docs: list[Article]) -> str:
    async def go() -> str:
        async with Extractor(settings) as extractor:
            _ = [r async for r in extractor.aextract_many(docs)]
            return extractor.run_id

    return asyncio.run(go())


def test_rows_per_call_with_outcomes_and_cache_hits(tmp_path: Path) -> None:
    docs = [Article(doc_id="a", text=TEXT), Article(doc_id="b", text=TEXT + " More.")]
    with FakeServer(script=["503", "invalid", "ok", "ok"]) as server:
        settings = settings_for(server, tmp_path, concurrency=1)
        first = run(settings, docs)
        second = run(settings, docs)
    db = settings.runlog_path
    rows = list(reversed(query(db, run_id=first, limit=None)))
    assert [(r["doc_id"], r["attempt"], r["outcome"]) for r in rows] == [
        ("a", 1, "transport_error"),
        ("a", 2, "validation_error"),
        ("a", 3, "ok"),
        ("b", 1, "ok"),
    ]
    assert rows[0]["error_type"] == "InternalServerError"
    assert rows[1]["error_type"] == "InstructorRetryException"
    assert rows[2]["prompt_tokens"] > 0 and rows[2]["completion_tokens"] > 0
    assert all(r["latency_s"] >= 0 and r["run_id"] == first for r in rows)
    assert all(r["request"] is None for r in query(db, run_id=first, payloads=True))
    hits = query(db, run_id=second, limit=None)
    assert sorted((r["doc_id"], r["outcome"], r["cache_hit"]) for r in hits) == [
        ("a", "cache_hit", 1),
        ("b", "cache_hit", 1),
    ]
    totals = summary(db, first)
    assert totals["calls"] == 4 and totals["ok"] == 2
    assert query(db, doc_id="b", limit=1)[0]["outcome"] == "cache_hit"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_payloads_only_when_asked(tmp_path: Path) -> None:
    with FakeServer() as server:
        settings = settings_for(server, tmp_path, log_payloads=True, cache=False)
        run_id = run(settings, [Article(doc_id="a", text=TEXT)])
    row = query(settings.runlog_path, run_id=run_id, payloads=True)[0]
    assert TEXT in json.loads(row["request"])[-1]["content"]
    assert "Fighters clashed" in row["response"]


def test_disabled_runlog_writes_nothing(tmp_path: Path) -> None:
    with FakeServer() as server:
        settings = settings_for(server, tmp_path, runlog=False)
        run(settings, [Article(doc_id="a", text=TEXT)])
    assert not settings.runlog_path.exists()


def test_secrets_are_redacted(tmp_path: Path) -> None:
    log = RunLog(tmp_path / "r.db", log_payloads=True, secrets_to_redact=("sk-secret-123",))
    event = CallEvent(
        attempt=1,
        backend="openai",
        model="m",
        outcome="transport_error",
        error_message="bad key sk-secret-123",
        request=[{"role": "user", "content": "sk-secret-123"}],
        response="sk-secret-123",
    )
    with bind_doc("d"):
        log.observer(event)
    log.close()
    assert b"sk-secret-123" not in (tmp_path / "r.db").read_bytes()
    row = query(tmp_path / "r.db", payloads=True)[0]
    assert row["doc_id"] == "d" and row["error_message"] == "bad key ***"


def test_concurrent_writers_in_threads(tmp_path: Path) -> None:
    import threading

    logs = [RunLog(tmp_path / "r.db", run_id=f"run{i}") for i in range(4)]

    def write(log: RunLog) -> None:
        for n in range(50):
            log.record_cache_hit(f"doc{n}", "b", "m")

    threads = [threading.Thread(target=write, args=(log,)) for log in logs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(query(tmp_path / "r.db", limit=None)) == 200
    assert len(query(tmp_path / "r.db", run_id="run2", limit=None)) == 50


def test_logs_command(tmp_path: Path) -> None:
    log = RunLog(tmp_path / "r.db", run_id="R1")
    for doc in ("a", "b", "c"):
        log.record_cache_hit(doc, "llamacpp", "local")
    log.close()
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    out = runner.invoke(app, ["logs", "--db", str(tmp_path / "r.db"), "--doc", "b", "--json"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert [(r["run_id"], r["doc_id"]) for r in rows] == [("R1", "b")]
    limited = runner.invoke(app, ["logs", "--db", str(tmp_path / "r.db"), "--limit", "2", "--json"])
    assert len(limited.output.splitlines()) == 2
    table = runner.invoke(app, ["logs", "--db", str(tmp_path / "r.db"), "--run", "R1"])
    assert table.exit_code == 0 and "cache_hit" in table.output
