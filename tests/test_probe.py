"""The first-use probe: a server that ignores the schema constraint fails loudly."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai
import pytest

from llm_extract.backends import get_backend, probe
from llm_extract.backends.chat import ChatBackend
from llm_extract.errors import ConstraintNotHonouredError
from llm_extract.extract import Extractor, run_sync
from llm_extract.settings import Settings


def _serve(monkeypatch: pytest.MonkeyPatch, content: str, tool_call: bool) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        bodies.append(body)
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if tool_call and body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": name, "arguments": content},
                    }
                ],
            }
        return httpx2.Response(
            200,
            json={
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
            },
        )

    class Mocked(openai.AsyncOpenAI):
        def __init__(self, **kwargs: Any) -> None:
            kwargs["http_client"] = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
            super().__init__(**kwargs)

    monkeypatch.setattr(openai, "AsyncOpenAI", Mocked)
    probe._PASSED.clear()
    return bodies


def _probe(settings: Settings) -> None:
    backend = get_backend(settings)
    assert isinstance(backend, ChatBackend)

    async def go() -> None:
        try:
            await backend.probe()
        finally:
            await backend.aclose()

    run_sync(go())


def test_prose_answer_means_the_constraint_was_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    _serve(monkeypatch, "Rain falls softly on the roof,\nthe night is long.", tool_call=False)
    settings = Settings(backend="llamacpp", mode="json_object", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ConstraintNotHonouredError, match="ignored the JSON schema"):
        _probe(settings)


def test_constrained_answer_passes_once_per_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    bodies = _serve(monkeypatch, json.dumps({"verdict": "constrained", "digits": [1]}), True)
    settings = Settings(backend="llamacpp", base_url="http://127.0.0.1:9/v1")
    _probe(settings)
    _probe(settings)
    assert len(bodies) == 1  # checked at first use only
    assert bodies[0]["tool_choice"]["function"]["name"] == "ProbeAnswer"


def test_extractor_refuses_to_extract_when_the_probe_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    _serve(monkeypatch, "Sure! Here is a poem about rain.", tool_call=False)
    settings = Settings(
        backend="llamacpp", mode="json_object", base_url="http://127.0.0.1:9/v1", cache=False
    )
    result = run_sync(Extractor(settings).aextract_or_error(_article()))
    assert result.status == "error" and result.error is not None
    assert result.error.type == "ConstraintNotHonouredError"


def _article() -> Any:
    from llm_extract.article import Article

    return Article(doc_id="d1", text="Gunmen attacked a village on Monday.")
