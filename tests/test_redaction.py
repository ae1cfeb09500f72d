"""No secret reaches an output, the terminal or the run log, even when the server echoes it.

A loopback server answers every request with an error whose body quotes the request's
Authorization header (as OpenAI's 401 "Incorrect API key provided: Bearer sk-..." does)
and the URL's credentials; the run's output file, stderr and run-log database must not
contain the key or the password.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from llm_extract.cli import app

KEY = "sk-proj-TESTKEYdoNotLeak0123456789abcdef"
PASSWORD = "hunter2-s3cret-pw"


class EchoServer:
    """Answers every POST with `status` and a body echoing the Authorization header."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.requests = 0
        echo = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                echo.requests += 1
                auth = self.headers.get("Authorization", "")
                message = (
                    f"Incorrect API key provided: {auth}. Request {self.path} from "
                    f"http://user:{PASSWORD}@proxy.local; api_key={KEY}"
                )
                body = json.dumps({"error": {"message": message, "type": "invalid"}}).encode()
                self.send_response(echo.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://user:{PASSWORD}@127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> EchoServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"doc{i}.txt").write_text(f"Soldiers clashed with rebels near Goma. Story {i}.")
    return folder


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("LLM_EXTRACT_RETRY_INITIAL", "0")
    monkeypatch.setenv("LLM_EXTRACT_RETRY_MAX_BACKOFF", "0.01")
    monkeypatch.setenv("LLM_EXTRACT_LOG_PAYLOADS", "true")
    monkeypatch.setenv("LLM_EXTRACT_RUNLOG_PATH", str(tmp_path / "runlog.sqlite3"))
    yield tmp_path


def _leaks(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [s for s in (KEY, PASSWORD, KEY[8:30]) if s.encode() in data]


@pytest.mark.parametrize("status", [401, 500])
def test_key_echoed_by_the_server_reaches_no_output_terminal_or_log(
    status: int, corpus: Path, state: Path
) -> None:
    out = state / "out.jsonl"
    with EchoServer(status) as server:
        res = CliRunner().invoke(
            app,
            ["run", str(corpus), "-o", str(out), "--backend", "openai", "--base-url", server.url],
        )
    assert server.requests >= 1  # the server did see (and echo) the key
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 3 and all(r["status"] == "error" for r in records)
    assert res.exit_code in (1, 2), res.output
    found = {
        "output": _leaks(out.read_bytes()),
        "stdout": _leaks(res.stdout),
        "stderr": _leaks(res.stderr),
        "run log": [
            leak for db in state.glob("runlog.sqlite3*") for leak in _leaks(db.read_bytes())
        ],
    }
    assert not any(found.values()), found
    assert "***" in out.read_text()  # the message is still there, masked


def test_redact_masks_keys_bearer_tokens_and_url_credentials() -> None:
    from llm_extract.redact import redact, redact_url

    text = (
        f"Incorrect API key provided: Bearer {KEY}. See https://bob:{PASSWORD}@host/v1 "
        f'or {{"api_key": "{KEY}"}} or ?key=abcd1234efgh'
    )
    shown = redact(text)
    assert not _leaks(shown) and "abcd1234efgh" not in shown
    assert "Incorrect API key provided" in shown and "https://***@host/v1" in shown
    assert redact_url(f"http://u:{PASSWORD}@127.0.0.1:8/v1") == "http://***@127.0.0.1:8/v1"
    ordinary = "Fighters killed 12 people near Goma; the army said the key road was shut."
    assert redact(ordinary) == ordinary
