"""The first-use probe: a server that ignores the schema constraint fails loudly."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from llm_extract.backends import get_backend, probe
from llm_extract.backends.chat import ChatBackend
from llm_extract.errors import ConstraintNotHonouredError
from llm_extract.extract import Extractor, run_sync
from llm_extract.settings import Settings
from tests.mock_openai import answering, route_openai


def _serve(monkeypatch: pytest.MonkeyPatch, content: str, tool_call: bool) -> list[httpx2.Request]:
    seen: list[httpx2.Request] = []
    route_openai(monkeypatch, answering(content, seen, tool_call=tool_call))
    probe._PASSED.clear()
    return seen


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
    seen = _serve(monkeypatch, json.dumps({"verdict": "constrained", "digits": [1]}), True)
    settings = Settings(backend="llamacpp", base_url="http://127.0.0.1:9/v1")
    _probe(settings)
    _probe(settings)
    assert len(seen) == 1  # checked at first use only
    assert json.loads(seen[0].content)["tool_choice"]["function"]["name"] == "ProbeAnswer"


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


def test_a_second_server_with_the_same_model_name_is_probed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = _serve(monkeypatch, json.dumps({"verdict": "constrained", "digits": [1]}), True)
    _probe(Settings(backend="llamacpp", base_url="http://127.0.0.1:9/v1"))
    _probe(Settings(backend="llamacpp", base_url="http://127.0.0.1:10/v1"))
    assert [r.url.port for r in seen] == [9, 10]
