"""Run log: one SQLite row per model call (and per cache hit), to see where time and
tokens went and why a document failed.

Backends know nothing of SQLite: a chat backend reports each request to its `on_call`
observer, and `RunLog.observer` is such a callable. The document a call belongs to comes
from a context variable the Extractor sets around each article (`bind_doc`), so
concurrent documents on one event loop are told apart. Prompts and responses are stored
only when `log_payloads` is set; the API key is never stored (every text goes through the
shared `llm_extract.redact`).

The schema is versioned with `PRAGMA user_version` and numbered migrations (`MIGRATIONS`),
applied in order when a log is opened, each in its own transaction: a log written by an
older version is upgraded in place without losing rows, and one from a newer version is
refused rather than written in a shape it does not know.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from llm_extract.redact import redact

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from llm_extract.backends.chat import CallEvent
    from llm_extract.settings import Settings

APP_NAME = "llm-extract"
OUTCOMES = ("ok", "validation_error", "transport_error", "error", "cache_hit")

_current_doc: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "llm_extract_doc_id", default=None
)

SCHEMA_V1 = """
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
"""The log as every version before migrations wrote it (no `user_version`)."""


def _m001_calls(conn: sqlite3.Connection) -> None:
    """The calls table and its indexes (a log from before migrations already has them)."""
    for statement in SCHEMA_V1.split(";"):
        if statement.strip():
            conn.execute(statement)


def _m002_run_doc_index(conn: sqlite3.Connection) -> None:
    """`logs --run R --doc D` and per-document summaries look up both at once."""
    conn.execute("CREATE INDEX IF NOT EXISTS calls_run_doc ON calls(run_id, doc_id)")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_m001_calls, _m002_run_doc_index)
"""Migration N is `MIGRATIONS[N - 1]`; a log at `user_version` N has had 1..N applied.
Append only: never edit or reorder a migration that has shipped."""
SCHEMA_VERSION = len(MIGRATIONS)


class RunLogVersionError(sqlite3.DatabaseError):
    """The log was written by a newer llm-extract (its schema version is unknown here)."""


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations `conn` lacks, each in one transaction; returns the version.

    `BEGIN IMMEDIATE` takes the write lock before the version is read, so processes
    opening the same log at once apply each migration exactly once.
    """
    while True:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise RunLogVersionError(
                f"run log schema version {version} is newer than this llm-extract knows "
                f"({SCHEMA_VERSION}); upgrade llm-extract or use another --runlog-path"
            )
        if version == SCHEMA_VERSION:
            return version
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current == version:
                MIGRATIONS[version](conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


COLUMNS = (
    "id",
    "run_id",
    "ts",
    "doc_id",
    "attempt",
    "backend",
    "model",
    "latency_s",
    "prompt_tokens",
    "completion_tokens",
    "cache_hit",
    "outcome",
    "error_type",
    "error_message",
    "request",
    "response",
)


INSERT_COLUMNS = COLUMNS[1:]  # id is assigned by SQLite
_DEFAULTS: dict[str, Any] = {
    "latency_s": 0.0,
    "prompt_tokens": 0,
    "completion_tokens": 0,
    "cache_hit": 0,
}
_INSERT = (
    f"INSERT INTO calls ({', '.join(INSERT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(INSERT_COLUMNS))})"
)


def default_runlog_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "runlog.sqlite3"


def new_run_id() -> str:
    """Sortable and unique: UTC time plus random hex."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


@contextmanager
def bind_doc(doc_id: str) -> Iterator[None]:
    """Attribute model calls made inside the block to `doc_id`."""
    token = _current_doc.set(doc_id)
    try:
        yield
    finally:
        _current_doc.reset(token)


def current_doc() -> str | None:
    return _current_doc.get()


class RunLog:
    """Append-only call log in SQLite (WAL: readers never block the writer)."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        run_id: str | None = None,
        log_payloads: bool = False,
        secrets_to_redact: tuple[str, ...] = (),
    ) -> None:
        self.path = Path(path) if path else default_runlog_path()
        self.run_id = run_id or new_run_id()
        self.log_payloads = log_payloads
        self._secrets = tuple(s for s in secrets_to_redact if s and len(s) >= 4)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            str(self.path), timeout=30.0, check_same_thread=False, isolation_level=None
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        try:
            migrate(self._conn)
        except BaseException:
            self._conn.close()
            raise

    @classmethod
    def from_settings(cls, settings: Settings, run_id: str | None = None) -> RunLog:
        key = settings.api_key()
        profile_key = _profile_key(settings)
        return cls(
            settings.runlog_path,
            run_id=run_id,
            log_payloads=settings.log_payloads,
            secrets_to_redact=tuple(k for k in (key, profile_key) if k),
        )

    def _redact(self, text: str | None) -> str | None:
        """The shared redaction (`llm_extract.redact`) plus this log's own secrets."""
        if text is None:
            return None
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return redact(text)

    def _insert(self, row: dict[str, Any]) -> None:
        values = tuple(row.get(c, _DEFAULTS.get(c)) for c in INSERT_COLUMNS)
        with self._lock:
            self._conn.execute(_INSERT, values)

    def flush(self) -> None:
        """Nothing to do: every row is written as it comes (kept for callers)."""

    def record_call(self, event: CallEvent, doc_id: str | None = None) -> None:
        """One model request (the backend's `on_call` hook)."""
        request = response = None
        if self.log_payloads:
            request = self._redact(json.dumps(event.request, ensure_ascii=False))
            response = self._redact(event.response)
        self._insert(
            {
                "run_id": self.run_id,
                "ts": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
                "doc_id": doc_id if doc_id is not None else current_doc(),
                "attempt": event.attempt,
                "backend": event.backend,
                "model": event.model,
                "latency_s": round(event.latency_s, 6),
                "prompt_tokens": event.prompt_tokens,
                "completion_tokens": event.completion_tokens,
                "cache_hit": 0,
                "outcome": event.outcome,
                "error_type": event.error_type,
                "error_message": self._redact(event.error_message),
                "request": request,
                "response": response,
            }
        )

    def observer(self, event: CallEvent) -> None:
        self.record_call(event)

    def record_cache_hit(self, doc_id: str, backend: str, model: str) -> None:
        self._insert(
            {
                "run_id": self.run_id,
                "ts": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
                "doc_id": doc_id,
                "attempt": 0,
                "backend": backend,
                "model": model,
                "cache_hit": 1,
                "outcome": "cache_hit",
            }
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _profile_key(settings: Settings) -> str | None:
    """The key a backend profile would read by default (e.g. OPENAI_API_KEY)."""
    try:
        from llm_extract.backends.profile import Profile
        from llm_extract.registry import BACKENDS

        found = BACKENDS.load(settings.backend)
        profile = found if isinstance(found, Profile) else None
        env = settings.api_key_env or (profile.default_api_key_env if profile else None)
    except Exception:  # pragma: no cover - defensive: redaction is best effort
        return None
    import os

    return os.environ.get(env) if env else None


def query(
    path: Path | str | None = None,
    *,
    run_id: str | None = None,
    doc_id: str | None = None,
    limit: int | None = 50,
    payloads: bool = False,
) -> list[dict[str, Any]]:
    """Rows, newest first, filtered by run and/or document."""
    db = Path(path) if path else default_runlog_path()
    if not db.exists():
        return []
    columns = [c for c in COLUMNS if payloads or c not in ("request", "response")]
    where, args = [], []
    if run_id:
        where.append("run_id = ?")
        args.append(run_id)
    if doc_id:
        where.append("doc_id = ?")
        args.append(doc_id)
    sql = f"SELECT {', '.join(columns)} FROM calls"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(str(int(limit)))
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30.0)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql, args)]
    finally:
        conn.close()


def summary(path: Path | str | None = None, run_id: str | None = None) -> dict[str, Any]:
    """Per-outcome call counts and token sums for a run (all runs when None)."""
    rows = query(path, run_id=run_id, limit=None)
    out: dict[str, Any] = {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0}
    for row in rows:
        out["calls"] += 0 if row["cache_hit"] else 1
        out["prompt_tokens"] += row["prompt_tokens"]
        out["completion_tokens"] += row["completion_tokens"]
        out[row["outcome"]] = out.get(row["outcome"], 0) + 1
    return out
