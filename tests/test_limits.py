"""Limits hold per request and per document whatever the strategy; smaller trust fixes.

`--rpm` and `token_budget` are checked where each request is made (the per-document
context), so the `sentences` strategy, which asks one question per sentence, is held to
them too. Also: identical questions in one document are sent once, the cache key includes
the server, and an answer that is not a chat completion is a server error, not a re-ask.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from llm_extract.aio import run_sync
from llm_extract.article import Article
from llm_extract.backends.chat import REASK
from llm_extract.drafters.sentences import questions
from llm_extract.extract import Extractor
from llm_extract.models import ExtractionResult
from llm_extract.runlog import query
from llm_extract.runner import BatchRun
from tests.conftest import SEEDS
from tests.fake_server import FakeServer, settings_for

SEED = SEEDS / "000_4c7802ff51b8819f.txt"


def _article() -> Article:
    return Article(doc_id="seed", text=SEED.read_text(encoding="utf-8"))


def _seed_result(settings: Any) -> ExtractionResult:
    """The seed through one extractor, an error as its record."""

    async def go() -> ExtractionResult:
        async with Extractor(settings) as extractor:
            return await extractor.aextract_or_error(_article())

    return run_sync(go())


def _sentences_settings(server: FakeServer, tmp_path: Path, **overrides: Any) -> Any:
    return settings_for(
        server, tmp_path, strategy="sentences", cache=False, runlog=False, **overrides
    )


def test_rpm_limits_every_request_of_the_sentences_strategy(tmp_path: Path) -> None:
    rpm = 300.0  # one request every 0.2 s
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    with FakeServer() as server:
        summary = BatchRun(
            inputs=[folder],
            settings=_sentences_settings(server, tmp_path),
            output=tmp_path / "out.jsonl",
            rpm=rpm,
        ).run()
    assert summary.ok == 1
    times = sorted(r.at for r in server.requests)
    assert len(times) >= 5, "the seed should ask several questions"
    span = times[-1] - times[0]
    print(f"{len(times)} requests in {span:.2f} s at --rpm {rpm:g}")
    # at most N a minute plus one burst, in every window (50 ms of loopback jitter allowed)
    worst = max(
        (j - i) - ((times[j] - times[i] + 0.05) * rpm / 60.0 + 1)
        for i in range(len(times))
        for j in range(i + 1, len(times))
    )
    assert worst <= 0, f"{len(times)} requests in {span:.2f} s break --rpm {rpm:g}"


def test_token_budget_holds_for_the_whole_document(tmp_path: Path) -> None:
    from llm_extract.errors import ValidationExhaustedError

    with FakeServer() as server:
        settings = _sentences_settings(server, tmp_path, token_budget=1)
        with Extractor(settings) as extractor, pytest.raises(ValidationExhaustedError) as caught:
            extractor.extract(SEED.read_text(encoding="utf-8"), doc_id="seed")
    assert type(caught.value).__name__ == "TokenBudgetError"
    assert "token budget of 1" in str(caught.value)
    assert len(server.model_requests) == 1  # the first question spent it all


def test_identical_questions_in_one_document_are_sent_once(tmp_path: Path) -> None:
    sentences = [
        f"Gunmen attacked a police post in town number {i} on Monday, killing {i + 2} officers."
        for i in range(8)
    ]
    text = " ".join(sentences)
    with FakeServer() as server:
        settings = _sentences_settings(server, tmp_path, chunk_chars=300, chunk_overlap=200)
        with Extractor(settings) as extractor:
            result = extractor.extract(text, doc_id="overlap")
    assert result.ok, result.error
    asked = [json.dumps(r.body["messages"], sort_keys=True) for r in server.model_requests]
    repeated = {q[-120:] for q in asked if asked.count(q) > 1}
    assert not repeated, f"{len(asked)} requests, sent more than once: {sorted(repeated)}"


def test_cache_key_includes_the_server(tmp_path: Path) -> None:
    from llm_extract.settings import Settings

    def key(base_url: str) -> str:
        settings = Settings(backend="llamacpp", base_url=base_url, cache_dir=tmp_path / "c")
        return Extractor(settings, runlog=None).cache_key(
            __import__("llm_extract.article", fromlist=["Article"]).Article(
                doc_id="d", text="Rebels attacked Goma."
            )
        )

    assert key("http://127.0.0.1:8080/v1") != key("http://gpu-box:8000/v1")
    # credentials are not part of the key (nor stored in it)
    assert key("http://a:one@gpu-box:8000/v1") == key("http://b:two@gpu-box:8000/v1")


class BadAnswerServer:
    """HTTP 200 that is not a chat completion: HTML, an empty body, or no choices."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.bodies: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                owner.bodies.append(
                    self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                )
                body, kind = b"", owner.kind
                if kind == "html":
                    body = b"<html><body>502 Bad Gateway</body></html>"
                elif kind == "no_choices":
                    body = json.dumps(
                        {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                         "choices": []}
                    ).encode()  # fmt: skip
                self.send_response(200)
                self.send_header(
                    "Content-Type", "text/html" if kind == "html" else "application/json"
                )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("kind", ["html", "empty", "no_choices"])
def test_an_answer_that_is_not_a_completion_is_a_server_error(kind: str, tmp_path: Path) -> None:
    server = BadAnswerServer(kind)
    try:
        from llm_extract.backends import ChatBackend, get_backend
        from llm_extract.draft import Draft
        from llm_extract.errors import BackendUnreachableError
        from llm_extract.settings import Settings

        settings = Settings(
            backend="llamacpp", base_url=server.base_url, cache=False, runlog=False,
            retry_initial=0.0, retry_max_backoff=0.01, transport_retries=1,
            validation_retries=2,
        )  # fmt: skip
        backend = get_backend(settings)
        assert isinstance(backend, ChatBackend)
        messages = [{"role": "user", "content": "<article>\nRebels attacked Goma.\n</article>"}]

        async def once() -> Any:
            try:
                return await backend.generate(messages, Draft)
            finally:
                await backend.aclose()

        import asyncio

        with pytest.raises(BackendUnreachableError, match="HTTP 200"):
            asyncio.run(once())
    finally:
        server.close()
    assert len(server.bodies) == 2  # one try and one transport retry
    assert not any(REASK.split(":")[0] in body for body in server.bodies)  # never re-asked


def test_missing_extra_error_is_exported() -> None:
    import llm_extract

    assert issubclass(llm_extract.MissingExtraError, llm_extract.ConfigurationError)
    assert "MissingExtraError" in llm_extract.__all__


def test_document_timeout_holds_across_the_documents_requests(tmp_path: Path) -> None:
    """Each question is quick, but together they outrun the document's deadline: no
    request starts after it, and the error record says so with what was spent."""
    text = SEED.read_text(encoding="utf-8")
    _, asked = questions(text, None)  # also loads the text layer, so it is not timed below
    with FakeServer(latency=0.5) as server:
        result = _seed_result(_sentences_settings(server, tmp_path, document_timeout=2.0))
    assert result.error is not None and result.error.stage == "deadline", result.error
    sent = len(server.model_requests)
    assert 1 <= sent < len(asked), f"{sent} of {len(asked)} questions sent in 2 s at 0.5 s each"
    assert result.error.attempts == sent
    assert result.usage.calls == sent


def test_document_timeout_cuts_a_request_in_flight_and_the_others_finish(
    tmp_path: Path,
) -> None:
    """The server holds one document's request (answering only after 30 s): with
    `document_timeout` 1 s that document ends after about 1 s with a deadline error
    record, the request cut and not retried, while the others, in flight beside it, finish
    ok. A first document warms the text layer up, so the clock times the cut alone."""
    docs = [
        Article(doc_id=f"d{i}", text=f"Fighters clashed with soldiers near village {i}.")
        for i in range(4)
    ]
    with FakeServer(script=["ok", "slow"], slow_seconds=30.0) as server:
        # vllm: no one-request-at-a-time cap (llamacpp sends one document at a time)
        settings = settings_for(
            server,
            tmp_path,
            backend="vllm",
            model="m",
            strategy="single",
            cache=False,
            concurrency=3,
            document_timeout=1.0,
            timeout=60.0,
        )

        async def go() -> tuple[list[tuple[ExtractionResult, float]], str]:
            async with Extractor(settings) as extractor:
                assert (await extractor.aextract(docs[0])).ok  # the warm-up takes "ok"
                started = time.monotonic()
                done = [
                    (result, time.monotonic() - started)
                    async for result in extractor.aextract_many(docs[1:])
                ]
                return done, extractor.run_id

        finished, run_id = run_sync(go())
        outcomes = [r.outcome for r in server.model_requests]
    assert sorted(outcomes) == ["ok", "ok", "ok", "slow"]  # cut, and not sent again after it
    cut = [(r, took) for r, took in finished if not r.ok]
    assert len(cut) == 1 and len(finished) == 3
    (result, took), ok_times = cut[0], [t for r, t in finished if r.ok]
    assert result.error is not None and result.error.stage == "deadline", result.error
    assert "deadline" in result.error.message and result.error.attempts == 1
    assert 0.9 <= took < 4.0, f"cut after {took:.1f} s with a 1 s deadline"
    assert max(ok_times) < took  # the others finished beside it, not after it
    rows = query(settings.runlog_path, run_id=run_id, limit=None)
    assert sorted(r["doc_id"] for r in rows) == [d.doc_id for d in docs]  # the cut one too
