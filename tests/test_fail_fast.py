"""Fail fast, lose nothing: a request deadline that a trickling server cannot stretch, a
run-level circuit breaker (dead server, 401) and a missing key caught before any document.

Every server here is on loopback; time bounds are generous (a loaded 2-core machine).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llm_extract.backends import ChatBackend, get_backend
from llm_extract.cli import app
from llm_extract.draft import Draft
from llm_extract.errors import BackendUnreachableError
from llm_extract.settings import Settings
from tests.test_redaction import EchoServer

MESSAGES = [{"role": "user", "content": "<article>\nRebels attacked Goma.\n</article>"}]


class TrickleServer:
    """Accepts a request, then sends one byte every `every` seconds (for at most
    `for_at_most` seconds): httpx's read timeout restarts with each byte."""

    def __init__(self, every: float = 0.5, for_at_most: float = 40.0) -> None:
        self.every = every
        self.for_at_most = for_at_most
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100000\r\n\r\n"
                )
                ends = time.monotonic() + self.for_at_most
                while time.monotonic() < ends and not self.stop.wait(self.every):
                    conn.sendall(b" ")
            except OSError:
                return

    def __enter__(self) -> TrickleServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.sock.close()


def test_a_trickling_server_is_cut_off_at_the_deadline(tmp_path: Path) -> None:
    with TrickleServer(every=0.5) as server:
        settings = Settings(
            backend="llamacpp", base_url=server.url, cache=False, runlog=False,
            timeout=2.0, transport_retries=0, max_connection_failures=100,
        )  # fmt: skip
        backend = get_backend(settings)
        assert isinstance(backend, ChatBackend)

        async def once() -> None:
            try:
                await backend.generate(list(MESSAGES), Draft)
            finally:
                await backend.aclose()

        _ = backend.client  # built (instructor imported) before the clock starts
        started = time.monotonic()
        with pytest.raises(BackendUnreachableError, match="Timeout"):
            asyncio.run(once())
        elapsed = time.monotonic() - started
    print(f"trickle cut off after {elapsed:.2f} s (timeout 2 s)")
    assert 1.5 <= elapsed < 10.0


@pytest.mark.parametrize("backend", ["openai", "llamacpp", "embedded"])
def test_default_retry_budget_retries_a_timed_out_request(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llm_extract.retry import TransportPolicy

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    chat = get_backend(Settings(backend=backend))
    assert isinstance(chat, ChatBackend)
    policy = TransportPolicy.from_settings(chat.settings, chat.timeout)
    # after one full timeout and the first backoff there is budget left for a retry
    assert policy.attempts >= 2
    assert chat.timeout + policy.initial + policy.max_backoff / 10 < policy.max_wait


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"doc{i:02d}.txt").write_text(f"Rebels attacked a post near Goma. Report {i}.")
    return folder


def _dead_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens: every connection is refused
    return f"http://127.0.0.1:{port}/v1"


@pytest.mark.parametrize("concurrency", ["1", "8"])
def test_a_dead_server_ends_a_48_document_run_fast_with_every_record_written(
    concurrency: str, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "in", 48)
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    res = CliRunner().invoke(
        app,
        [
            "run", str(corpus), "-o", str(out), "--backend", "vllm", "--model", "m",
            "--base-url", _dead_url(), "--concurrency", concurrency, "--no-cache",
        ],
    )  # fmt: skip
    elapsed = time.monotonic() - started
    print(f"dead server, concurrency {concurrency}: {elapsed:.1f} s")
    assert res.exit_code == 2, res.output
    assert elapsed < 30.0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["doc_id"] for r in records) == [f"doc{i:02d}" for i in range(48)]
    assert all(r["status"] == "error" for r in records)
    assert res.stderr.count("run stopped") == 1
    assert len(res.stderr.splitlines()) < 15, res.stderr


@pytest.mark.parametrize(
    ("status", "said"), [(401, "refused the credentials"), (404, "has no such model")]
)
def test_a_401_or_404_stops_the_run_after_one_request(
    status: int, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-wrong-key-000000")
    corpus = _corpus(tmp_path / "in", 20)
    out = tmp_path / "out.jsonl"
    with EchoServer(status) as server:
        res = CliRunner().invoke(
            app, ["run", str(corpus), "-o", str(out), "--backend", "openai",
                  "--base-url", server.url, "--concurrency", "4"],
        )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert server.requests <= 4  # at most the documents already in flight
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 20 and all(r["status"] == "error" for r in records)
    assert res.stderr.count(said) == 1, res.stderr


def test_a_missing_key_is_one_configuration_error_before_any_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    corpus = _corpus(tmp_path / "in", 80)
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(app, ["run", str(corpus), "-o", str(out), "--backend", "openai"])
    assert res.exit_code == 2
    assert res.stderr.count("error:") == 1 and "Traceback" not in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) <= 4, res.stderr  # one message, wrapped
    assert "OPENAI_API_KEY" in res.stderr
    assert not out.exists() or out.read_text() == ""
