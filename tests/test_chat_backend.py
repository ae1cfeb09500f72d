"""ChatBackend.generate against the fake server: compact re-asks, transport errors kept
out of prompts, attempts and tokens summed over every request, the token budget."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from llm_extract.backends import ChatBackend, get_backend
from llm_extract.backends.chat import REASK, CallEvent
from llm_extract.draft import Draft
from llm_extract.errors import BackendUnreachableError, ValidationExhaustedError
from llm_extract.settings import Settings
from tests.fake_server import FakeServer

ARTICLE = "Fighters clashed with soldiers near Goma on Tuesday. Residents fled."
MESSAGES = [
    {"role": "system", "content": "Extract events."},
    {"role": "user", "content": f"Published: unknown\n<article>\n{ARTICLE}\n</article>"},
]


def backend_for(server: FakeServer, tmp_path: Path, **overrides: Any) -> ChatBackend:
    values: dict[str, Any] = {
        "backend": "llamacpp",
        "base_url": server.base_url,
        "cache": False,
        "runlog": False,
        "timeout": 1.0,
        "retry_initial": 0.0,
        "retry_max_backoff": 0.01,
        **overrides,
    }
    backend = get_backend(Settings(**values))
    assert isinstance(backend, ChatBackend)
    return backend


async def _generate(backend: ChatBackend) -> Any:
    try:
        return await backend.generate(list(MESSAGES), Draft)
    finally:
        await backend.aclose()


def run(backend: ChatBackend) -> Any:
    return asyncio.run(_generate(backend))


def body_text(request: Any) -> str:
    return json.dumps(request.body["messages"])


@pytest.mark.parametrize("fault", ["500", "503", "429"])
def test_transport_error_is_retried_and_never_reaches_the_prompt(
    fault: str, tmp_path: Path
) -> None:
    with FakeServer(script=[fault, "ok"]) as server:
        gen = run(backend_for(server, tmp_path))
    assert gen.value.events[0].evidence == "Fighters clashed with soldiers near Goma on Tuesday."
    assert gen.attempts == 2
    assert gen.usage.calls == 2
    first, second = server.requests
    assert second.body["messages"] == first.body["messages"] == MESSAGES
    for needle in (f"fake {fault}", "Error code", "Rate limit", "could not be used"):
        assert needle not in body_text(second)


def test_invalid_output_is_reasked_compactly(tmp_path: Path) -> None:
    with FakeServer(script=["invalid", "truncated", "ok"]) as server:
        gen = run(backend_for(server, tmp_path, validation_retries=2))
    assert gen.attempts == 3
    first, second, third = (r.body["messages"] for r in server.requests)
    assert first == MESSAGES
    # original messages + the last bad output + its error, never a growing history
    assert len(second) == len(third) == len(MESSAGES) + 2
    assert second[: len(MESSAGES)] == third[: len(MESSAGES)] == MESSAGES
    assert second[-2]["role"] == "assistant" and '"Picnic"' in second[-2]["content"]
    assert "sub_event_type" in second[-1]["content"]
    assert "Picnic" not in json.dumps(third)  # the older bad output is gone
    assert "cut off" in third[-1]["content"]
    assert third[-1]["content"].startswith(REASK.split("{")[0])
    # tokens are summed over all three requests, as the server reported them
    assert gen.usage.calls == 3
    assert gen.usage.prompt_tokens > 3 * len(json.dumps(MESSAGES)) // 4 - 3


def test_validation_exhausted_reports_attempts_and_usage(tmp_path: Path) -> None:
    with FakeServer(script=["invalid"] * 5) as server:
        backend = backend_for(server, tmp_path, validation_retries=1)
        with pytest.raises(ValidationExhaustedError) as caught:
            run(backend)
    assert len(server.requests) == 2
    assert caught.value.attempts == 2
    usage = caught.value.usage  # type: ignore[attr-defined]
    assert usage.calls == 2 and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert '"Picnic"' in (caught.value.last_output or "")


def test_transport_give_up_counts_every_request(tmp_path: Path) -> None:
    with FakeServer(script=["invalid", "500", "503", "500"]) as server:
        backend = backend_for(server, tmp_path, transport_retries=2)
        with pytest.raises(BackendUnreachableError) as caught:
            run(backend)
    assert len(server.requests) == 4
    assert caught.value.attempts == 4  # type: ignore[attr-defined]
    assert caught.value.usage.calls == 4  # type: ignore[attr-defined]
    assert "InternalServerError" in str(caught.value)


def test_token_budget_stops_reasking(tmp_path: Path) -> None:
    with FakeServer(script=["invalid"] * 5) as server:
        backend = backend_for(server, tmp_path, validation_retries=4, token_budget=1)
        with pytest.raises(ValidationExhaustedError, match="token budget of 1") as caught:
            run(backend)
    assert len(server.requests) == 1
    assert caught.value.attempts == 1


def test_slow_response_times_out_and_is_retried(tmp_path: Path) -> None:
    with FakeServer(script=["slow", "ok"], slow_seconds=2.0) as server:
        gen = run(backend_for(server, tmp_path, timeout=0.3))
    assert gen.attempts == 2
    assert len(server.requests) == 2


def test_on_call_sees_every_request_with_its_outcome(tmp_path: Path) -> None:
    events: list[CallEvent] = []
    with FakeServer(script=["429", "invalid", "ok"]) as server:
        backend = backend_for(server, tmp_path)
        backend.on_call = events.append
        run(backend)
    assert [(e.attempt, e.outcome) for e in events] == [
        (1, "transport_error"),
        (2, "validation_error"),
        (3, "ok"),
    ]
    assert events[0].error_type == "RateLimitError"
    assert events[1].prompt_tokens > 0 and events[2].completion_tokens > 0


def test_a_failing_observer_does_not_fail_the_call(tmp_path: Path) -> None:
    def broken(_event: CallEvent) -> None:
        raise RuntimeError("observer bug")

    with FakeServer() as server:
        backend = backend_for(server, tmp_path)
        backend.on_call = broken
        gen = run(backend)
    assert gen.value.events
