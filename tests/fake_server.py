"""A fake OpenAI-compatible chat server for tests and benchmarks (a test double).

It answers POST /v1/chat/completions on 127.0.0.1 with a deterministic, schema-valid
draft built from the request's last user message (one event whose evidence is the first
sentence between the <article> markers), as a forced tool call when the request carries
`tools`, as JSON content otherwise. Faults are injected at chosen rates, decided by a hash
of (seed, request content, how often that content was seen): the same input meets the same
faults on every run, whatever order concurrent requests arrive in. A scripted sequence
(`script=[...]`) overrides the rates, one entry per request, for exact scenarios.

Fault kinds: "429" (with Retry-After), "500", "503", "slow" (answers after the client
timeout), "truncated" (JSON cut off, finish_reason "length") and "invalid" (well-formed JSON
that breaks the Draft schema). Every response is written in one send with TCP_NODELAY.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from typing_extensions import Self

FAULT_KINDS = ("429", "500", "503", "slow", "truncated", "invalid")
TRANSPORT_FAULTS = frozenset({"429", "500", "503", "slow"})
_ARTICLE = re.compile(r"<article>\n?(.*?)\n?</article>", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class RecordedRequest:
    """One request as the server saw it, with the fault it was given (or "ok")."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    outcome: str
    at: float = field(default_factory=time.monotonic)

    @property
    def last_user(self) -> str:
        return last_user_message(self.body)

    @property
    def is_probe(self) -> bool:
        return schema_name(self.body) == "ProbeAnswer"


def last_user_message(body: dict[str, Any]) -> str:
    """The last user turn holding an <article> (a re-ask comes after it), else the last."""
    users = [
        m.get("content") if isinstance(m.get("content"), str) else json.dumps(m.get("content"))
        for m in body.get("messages") or []
        if m.get("role") == "user"
    ]
    with_article = [u for u in users if "<article>" in u]
    return (with_article or users or [""])[-1]


def schema_name(body: dict[str, Any]) -> str:
    """The response model's name, from the forced tool or the response_format."""
    tools = body.get("tools") or []
    if tools:
        return str(tools[0]["function"]["name"])
    fmt = body.get("response_format") or {}
    if isinstance(fmt, dict) and "json_schema" in fmt:
        return str(fmt["json_schema"].get("name", "Draft"))
    schema = fmt.get("schema") if isinstance(fmt, dict) else None
    if isinstance(schema, dict) and schema.get("title"):
        return str(schema["title"])
    return "Draft"


def article_of(user_message: str) -> str:
    found = _ARTICLE.search(user_message)
    return found.group(1) if found else user_message


def first_sentence(text: str) -> str:
    stripped = text.strip()
    return _SENTENCE_END.split(stripped, maxsplit=1)[0][:600] if stripped else ""


def draft_for(
    user_message: str, events: int = 1, extras: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The deterministic answer: `events` copies of one event quoting the first sentence
    (plus `extras`, the values of fields a user's Event subclass adds)."""
    sentence = first_sentence(article_of(user_message))
    event: dict[str, Any] = {
        **(extras or {}),
        "evidence": sentence,
        "sub_event_type": "Armed clash",
        "date_text": None,
        "location": None,
        "admin1": None,
        "country": None,
        "actor1": [],
        "actor2": [],
        "fatalities_text": None,
    }
    return {"actors": [], "events": [dict(event) for _ in range(max(0, min(events, 8)))],
            "casualties": []}  # fmt: skip


class FakeServer:
    """Loopback OpenAI-compatible server in a background thread; use as a context manager.

    `faults` maps a fault kind to its rate, e.g. `{"429": 0.05, "500": 0.05}`; `script` is
    an explicit list of outcomes ("ok" or a fault kind) consumed one per non-probe request,
    after which requests are answered normally. `latency` delays every answer; `events` and
    `padding` (spaces inside the JSON) set the response size; `event_extras` are added to
    every answered event (for a user's extended records).
    """

    def __init__(
        self,
        latency: float = 0.0,
        faults: dict[str, float] | None = None,
        seed: int = 0,
        *,
        script: list[str] | None = None,
        retry_after: str = "0",
        slow_seconds: float = 2.0,
        events: int = 1,
        padding: int = 0,
        fault_probe: bool = False,
        event_extras: dict[str, Any] | None = None,
    ) -> None:
        self.event_extras = event_extras
        unknown = set(faults or {}) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; use {FAULT_KINDS}")
        if sum((faults or {}).values()) > 1.0:
            raise ValueError("fault rates add up to more than 1")
        self.latency = latency
        self.faults = dict(faults or {})
        self.seed = seed
        self.script = list(script or [])
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.events = events
        self.padding = padding
        self.fault_probe = fault_probe
        self.requests: list[RecordedRequest] = []
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("server not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> Self:
        server: FakeServer = self

        class Handler(_Handler):
            fake = server

        self._stopping.clear()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- bookkeeping -------------------------------------------------------------------
    @property
    def model_requests(self) -> list[RecordedRequest]:
        """Requests other than the constraint probe."""
        return [r for r in self.requests if not r.is_probe]

    def count(self, outcome: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if outcome is None or r.outcome == outcome)

    def choose_outcome(self, body: dict[str, Any]) -> str:
        """The fault for this request: scripted, else seeded by content and repetition."""
        probe = schema_name(body) == "ProbeAnswer"
        if probe and not self.fault_probe:
            return "ok"
        with self._lock:
            if self.script:
                return self.script.pop(0)
            content = json.dumps(body.get("messages"), sort_keys=True)
            digest = hashlib.sha256(content.encode()).hexdigest()
            nth = self._seen.get(digest, 0)
            self._seen[digest] = nth + 1
        draw = random.Random(f"{self.seed}:{digest}:{nth}").random()
        edge = 0.0
        for kind in FAULT_KINDS:
            edge += self.faults.get(kind, 0.0)
            if draw < edge:
                return kind
        return "ok"

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    # -- answers -----------------------------------------------------------------------
    def answer_arguments(self, body: dict[str, Any], outcome: str) -> tuple[str, str]:
        """(JSON text of the answer, finish_reason) for a request and its outcome."""
        if schema_name(body) == "ProbeAnswer":
            payload: dict[str, Any] = {"verdict": "constrained", "digits": [1, 2, 3]}
        elif schema_name(body) == "SentenceLabel":  # the sentences strategy's question
            payload = {"sub_event_type": None}
        else:
            payload = draft_for(last_user_message(body), self.events, self.event_extras)
        if outcome == "invalid":
            payload = dict(payload)
            payload["events"] = [{"evidence": 42, "sub_event_type": "Picnic"}]
        text = json.dumps(payload, ensure_ascii=False)
        if self.padding:
            text = text[:-1] + " " * self.padding + text[-1:]
        if outcome == "truncated":
            return text[: max(1, len(text) // 2)], "length"
        return text, "stop"

    def completion(self, body: dict[str, Any], outcome: str) -> dict[str, Any]:
        arguments, finish = self.answer_arguments(body, outcome)
        message: dict[str, Any] = {"role": "assistant", "content": None}
        if body.get("tools"):
            name = schema_name(body)
            message["tool_calls"] = [
                {
                    "id": "call_fake_1",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ]
            finish = "tool_calls" if finish == "stop" else finish
        else:
            message["content"] = arguments
        prompt_tokens = max(1, len(json.dumps(body.get("messages"))) // 4)
        completion_tokens = max(1, len(arguments) // 4)
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": str(body.get("model", "fake")),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


class _Handler(BaseHTTPRequestHandler):
    fake: FakeServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
        """Status line, headers and body in a single write."""
        body = json.dumps(payload).encode()
        reason = self.responses.get(status, ("",))[0]
        head = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json"]
        head += [f"{k}: {v}" for k, v in (extra or {}).items()]
        head.append(f"Content-Length: {len(body)}")
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send(400, {"error": {"message": "bad JSON", "type": "invalid_request"}})
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        fake = self.fake
        outcome = fake.choose_outcome(body)
        fake.record(RecordedRequest(self.path, body, dict(self.headers.items()), outcome))
        if fake.latency and fake._stopping.wait(fake.latency):
            return
        if outcome == "429":
            error = {"error": {"message": "Rate limit reached", "type": "rate_limit"}}
            self._send(429, error, {"Retry-After": fake.retry_after})
        elif outcome in ("500", "503"):
            self._send(int(outcome), {"error": {"message": f"fake {outcome}", "type": "server"}})
        elif outcome == "slow":
            if not fake._stopping.wait(fake.slow_seconds):
                self._send(200, fake.completion(body, "ok"))
            self.close_connection = True
        else:
            self._send(200, fake.completion(body, outcome))


SAMPLE_TEXT = "Fighters clashed with soldiers near Goma on Tuesday. Residents fled."


def settings_for(server: FakeServer, tmp_path: Any, **overrides: Any) -> Any:
    """Settings that talk to `server`, with cache and run log under `tmp_path` and quick
    retries, so tests exercise the real retry paths in milliseconds."""
    from llm_extract.settings import Settings

    values: dict[str, Any] = {
        "backend": "llamacpp",
        "base_url": server.base_url,
        "cache_dir": tmp_path / "cache",
        "runlog_path": tmp_path / "runlog.sqlite3",
        "timeout": 2.0,
        "retry_initial": 0.0,
        "retry_max_backoff": 0.01,
        **overrides,
    }
    return Settings(**values)
