"""What each backend profile puts on the wire, pinned offline.

The capable backends (OpenAI, Azure, Ollama, vLLM) cannot be called from here, so their
request shapes are checked against a mock transport that records each request and
answers with a minimal valid completion for the mode.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from llm_extract.backends import get_backend
from llm_extract.backends.chat import ChatBackend
from llm_extract.draft import Draft
from llm_extract.errors import ConfigurationError
from llm_extract.extract import run_sync
from llm_extract.settings import Settings
from tests.mock_openai import answering, route_openai

EMPTY_DRAFT = json.dumps({"actors": [], "events": [], "casualties": []})


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> list[httpx2.Request]:
    """Route every openai client through a transport that records requests."""
    seen: list[httpx2.Request] = []
    route_openai(monkeypatch, answering(EMPTY_DRAFT, seen))
    return seen


def _send(settings: Settings, wire: list[httpx2.Request]) -> dict[str, Any]:
    backend = get_backend(settings)
    assert isinstance(backend, ChatBackend)
    messages = [{"role": "user", "content": "hello"}]

    async def go() -> None:
        try:
            await backend.generate(messages, Draft)
        finally:
            await backend.aclose()

    run_sync(go())
    body: dict[str, Any] = json.loads(wire[-1].content)
    return body


def test_openai_default_is_strict_json_schema(
    wire: list[httpx2.Request], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-000")
    body = _send(Settings(backend="openai", base_url="http://127.0.0.1:9/v1"), wire)
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == "Draft"
    assert "maxLength" not in json.dumps(fmt["json_schema"]["schema"])
    assert "tools" not in body
    assert body["model"] == "gpt-4o-mini"
    assert (body["temperature"], body["seed"]) == (0.0, 0)
    assert wire[-1].url.path == "/v1/chat/completions"
    assert wire[-1].headers["authorization"] == "Bearer sk-test-not-a-real-key-000"


def test_openai_tools_mode_is_a_strict_forced_tool(
    wire: list[httpx2.Request], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-000")
    body = _send(Settings(backend="openai", mode="tools", base_url="http://127.0.0.1:9/v1"), wire)
    assert body["tools"][0]["function"]["name"] == "Draft"
    assert body["tools"][0]["function"].get("strict") is True
    assert body["tool_choice"] == {"type": "function", "function": {"name": "Draft"}}
    assert "response_format" not in body


def test_openai_without_key_says_which_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):  # at once, not per request
        get_backend(Settings(backend="openai"))


def test_llamacpp_default_is_a_forced_tool_call(wire: list[httpx2.Request]) -> None:
    body = _send(Settings(backend="llamacpp", base_url="http://127.0.0.1:9/v1"), wire)
    assert body["tool_choice"] == {"type": "function", "function": {"name": "Draft"}}
    assert "response_format" not in body
    params = body["tools"][0]["function"]["parameters"]
    assert params["properties"]["events"]["maxItems"] == 8  # bounds reach the grammar


def test_llamacpp_json_object_carries_the_schema(wire: list[httpx2.Request]) -> None:
    settings = Settings(backend="llamacpp", mode="json_object", base_url="http://127.0.0.1:9/v1")
    body = _send(settings, wire)
    fmt = body["response_format"]
    assert fmt["type"] == "json_object"
    assert fmt["schema"]["title"] == "Draft"
    assert "tools" not in body


def test_llamacpp_never_sends_json_schema() -> None:
    with pytest.raises(ConfigurationError, match="HTTP 500"):
        get_backend(Settings(backend="llamacpp", mode="json_schema"))


@pytest.mark.parametrize(
    ("backend", "model", "path"),
    [("ollama", "llama3.1", "/v1/chat/completions"), ("vllm", "qwen", "/v1/chat/completions")],
)
def test_ollama_and_vllm_use_json_schema(
    wire: list[httpx2.Request], backend: str, model: str, path: str
) -> None:
    body = _send(Settings(backend=backend, model=model), wire)
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["name"] == "Draft"
    assert body["model"] == model
    assert wire[-1].url.path == path
    default_port = {"ollama": 11434, "vllm": 8000}[backend]
    assert wire[-1].url.port == default_port


def test_azure_sends_key_in_api_key_header(
    wire: list[httpx2.Request], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-test-key")
    settings = Settings(
        backend="azure", model="gpt-4o-mini", base_url="https://example.invalid/openai/v1"
    )
    body = _send(settings, wire)
    request = wire[-1]
    assert request.headers["api-key"] == "azure-test-key"
    assert "azure-test-key" not in request.headers.get("authorization", "")
    assert body["response_format"]["json_schema"]["strict"] is True


def test_unknown_backend_lists_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match="openai"):
        get_backend(Settings(backend="nope"))


def test_prefix_is_byte_stable_and_article_goes_last(wire: list[httpx2.Request]) -> None:
    from llm_extract.prompts import load_template

    template = load_template("extract_v1")
    first = template.render("Article one.", "2016-01-13")
    second = template.render("Article two, longer.", "2016-01-11")
    assert first[:-1] == second[:-1]
    assert first[-1]["role"] == "user" and "Article one." in first[-1]["content"]
