"""The lean request path sends the very bytes instructor's path sends and returns the same
value, or raises the same errors, for every mode a profile uses."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import ValidationError

from llm_extract.backends import get_backend
from llm_extract.backends.chat import ChatBackend
from llm_extract.backends.lean import LeanChat
from llm_extract.draft import Draft
from llm_extract.prompts import load_template
from llm_extract.settings import Settings
from tests.fake_server import SAMPLE_TEXT, FakeServer

# (backend, mode): every instructor mode the profiles send, json_object with extra_body
CASES = [("llamacpp", "tools"), ("llamacpp", "json_object"), ("vllm", "json_schema"),
         ("vllm", "tools"), ("openai", "tools")]  # fmt: skip


class Capture:
    """An HTTP transport that records each request and answers like the fake server."""

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome
        self.requests: list[httpx.Request] = []
        self.fake = FakeServer()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.content)
        return httpx.Response(200, json=self.fake.completion(body, self.outcome))


def backend_for(name: str, mode: str, capture: Capture, tmp_path: Path) -> ChatBackend:
    settings = Settings(
        backend=name, mode=mode, model="m", base_url="http://127.0.0.1:9/v1", seed=7,
        cache_dir=tmp_path / "cache", runlog=False,
    )  # fmt: skip
    backend = get_backend(settings)
    assert isinstance(backend, ChatBackend)
    backend.http_transport = httpx.MockTransport(capture)
    return backend


async def both(
    name: str, mode: str, outcome: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Any], list[httpx.Request]]:
    """(what each path returned or raised, the requests each path sent): two articles in
    turn per path, so the lean path's second request reuses what it built for the first."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-lean-0123456789")
    template = load_template("extract_v1")
    texts = [SAMPLE_TEXT, "Police fired tear gas at protesters in Nairobi on Monday."]
    outcomes: list[Any] = []
    requests: list[httpx.Request] = []
    for lean in (False, True):
        capture = Capture(outcome)
        backend = backend_for(name, mode, capture, tmp_path)
        chat = LeanChat(backend.profile.modes[backend.mode])
        client = backend.client
        for text in texts:
            kwargs = backend.request_kwargs(template.render(text, None, few_shot=True), Draft)
            try:
                if lean:
                    got: Any = await chat.create_with_completion(client.client, dict(kwargs))
                else:
                    got = await client.chat.completions.create_with_completion(**kwargs)
                outcomes.append(got[0])
            except Exception as exc:
                outcomes.append(exc)
        if lean:
            assert chat.lean_requests == 2, "the lean path was not taken"
        await backend.aclose()
        assert len(capture.requests) == 2
        requests += capture.requests
    return outcomes, requests


@pytest.mark.parametrize(("name", "mode"), CASES)
def test_same_bytes_and_same_value(
    name: str, mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes, requests = asyncio.run(both(name, mode, "ok", tmp_path, monkeypatch))
    for k in (0, 1):
        standard, lean = outcomes[k], outcomes[k + 2]
        sent, lean_sent = requests[k], requests[k + 2]
        assert lean_sent.content == sent.content  # byte for byte, key order included
        assert (lean_sent.method, lean_sent.url) == (sent.method, sent.url)
        for header in ("authorization", "content-type", "api-key"):
            assert lean_sent.headers.get(header) == sent.headers.get(header)
        assert isinstance(lean, Draft) and lean.model_dump() == standard.model_dump()
    assert requests[0].content != requests[1].content  # two articles, two bodies


@pytest.mark.parametrize(("name", "mode"), [("llamacpp", "tools"), ("vllm", "json_schema")])
def test_invalid_output_raises_what_instructor_raises(
    name: str, mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes, _ = asyncio.run(both(name, mode, "invalid", tmp_path, monkeypatch))
    standard, lean = outcomes[1], outcomes[3]
    assert isinstance(standard, InstructorRetryException)
    assert isinstance(lean, InstructorRetryException)
    assert str(lean) == str(standard)
    assert isinstance(lean.__cause__, ValidationError)
    assert str(lean.__cause__) == str(standard.__cause__)
    assert lean.last_completion is not None and standard.last_completion is not None
    assert lean.last_completion.model_dump() == standard.last_completion.model_dump()


def test_cut_off_output_raises_incomplete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes, _ = asyncio.run(both("llamacpp", "tools", "truncated", tmp_path, monkeypatch))
    assert type(outcomes[1]) is type(outcomes[3]) is IncompleteOutputException


def test_a_request_it_cannot_vouch_for_goes_the_standard_way() -> None:
    import instructor

    chat = LeanChat(instructor.Mode.TOOLS)
    assert chat.body({"model": "m", "messages": [], "made_up_param": 1}) is None
    assert chat.body({"model": "m", "messages": [], "stream": True}) is None
    assert chat.body({"model": "m", "messages": [{"role": "user", "content": object()}]}) is None
    assert list(chat.body({"temperature": 0.0, "messages": [], "model": "m"}) or {}) == [
        "messages", "model", "temperature"
    ]  # fmt: skip
