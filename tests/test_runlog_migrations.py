"""Run-log schema versions: an old log is migrated in place without loss, a newer one is
refused, and a failed migration leaves the log as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from llm_extract.runlog import (
    MIGRATIONS,
    SCHEMA_VERSION,
    RunLog,
    RunLogVersionError,
    query,
)

# The DDL every release before schema versions wrote, copied here on purpose: the test
# must keep meaning "a log from then", whatever runlog.py's current DDL says.
OLD_DDL = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    ts TEXT NOT NULL,
    doc_id TEXT,
    attempt INTEGER NOT NULL,
    backend TEXT,
    model TEXT,
    latency_s REAL NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cache_hit INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    error_type TEXT,
    error_message TEXT,
    request TEXT,
    response TEXT
);
CREATE INDEX IF NOT EXISTS calls_run ON calls(run_id);
CREATE INDEX IF NOT EXISTS calls_doc ON calls(doc_id);
"""


def old_log(path: Path, rows: int) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    conn.executescript(OLD_DDL)
    conn.execute("PRAGMA journal_mode=WAL")
    for n in range(rows):
        conn.execute(
            "INSERT INTO calls (run_id, ts, doc_id, attempt, backend, model, latency_s, "
            "prompt_tokens, completion_tokens, outcome, error_type, error_message, request, "
            "response) VALUES (?, ?, ?, ?, 'vllm', 'm', ?, ?, ?, ?, ?, ?, ?, ?)",
            ("old-run", f"2026-01-01T00:00:{n:02d}", f"d{n}", 1 + n % 2, 0.5 + n, 100 + n,
             20 + n, "ok" if n % 2 else "validation_error", None if n % 2 else "X",
             None if n % 2 else f"bad {n}", f"[{n}]", f"out {n}"),
        )  # fmt: skip
    conn.commit()
    before = conn.execute("SELECT * FROM calls ORDER BY id").fetchall()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    conn.close()
    return before


def indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()
    return {name for (name,) in rows}


def test_an_old_log_is_migrated_without_loss(tmp_path: Path) -> None:
    db = tmp_path / "runlog.sqlite3"
    before = old_log(db, 12)
    log = RunLog(db, run_id="new-run")
    log.record_cache_hit("d99", "vllm", "m")
    log.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        after = conn.execute("SELECT * FROM calls ORDER BY id").fetchall()
    assert after[: len(before)] == before  # every old row, every column, unchanged
    assert [r[1] for r in after[len(before) :]] == ["new-run"]
    assert "calls_run_doc" in indexes(db)  # migration 2 ran
    assert [r["doc_id"] for r in query(db, run_id="old-run", doc_id="d3")] == ["d3"]
    RunLog(db).close()  # opening again applies nothing twice
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM calls").fetchone()[0] == len(before) + 1


def test_a_new_log_gets_every_migration(tmp_path: Path) -> None:
    db = tmp_path / "fresh.sqlite3"
    RunLog(db).close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert {"calls_run", "calls_doc", "calls_run_doc"} <= indexes(db)


def test_a_log_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    old_log(db, 2)
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RunLogVersionError, match="newer"):
        RunLog(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM calls").fetchone()[0] == 2
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_failing_migration_leaves_the_log_at_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import llm_extract.runlog as runlog

    db = tmp_path / "runlog.sqlite3"
    before = old_log(db, 3)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE INDEX calls_half ON calls(ts)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(runlog, "MIGRATIONS", (runlog.MIGRATIONS[0], broken))
    monkeypatch.setattr(runlog, "SCHEMA_VERSION", 2)
    with pytest.raises(sqlite3.OperationalError):
        RunLog(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1  # 1 applied, 2 not
        assert conn.execute("SELECT * FROM calls ORDER BY id").fetchall() == before
    assert "calls_half" not in indexes(db)  # the failed migration was rolled back whole
