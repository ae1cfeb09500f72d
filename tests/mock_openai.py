"""A test double for OpenAI-compatible servers: every openai client routed to a handler.

Used where the request *shape* matters (what a profile sends), not a conversation: the
handler sees each request and answers with a minimal completion that carries `content`
either as message text or, when the request forces a tool, as that tool's arguments.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import openai
import pytest

Handler = Callable[[httpx2.Request], httpx2.Response]


def completion(body: dict[str, Any], content: str, *, tool_call: bool = True) -> dict[str, Any]:
    """A chat completion answering `body`, as a forced tool call when the body asks one."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_call and body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": name, "arguments": content},
                }
            ],
        }
    return {
        "id": "cmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": body["model"],
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def answering(content: str, seen: list[httpx2.Request], *, tool_call: bool = True) -> Handler:
    """A handler that records each request and answers `content`."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        body = json.loads(request.content)
        return httpx2.Response(200, json=completion(body, content, tool_call=tool_call))

    return handler


def route_openai(monkeypatch: pytest.MonkeyPatch, handler: Handler) -> None:
    """Make every `openai.AsyncOpenAI` built from now on send its requests to `handler`."""

    class Routed(openai.AsyncOpenAI):
        def __init__(self, **kwargs: Any) -> None:
            kwargs["http_client"] = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
            super().__init__(**kwargs)

    monkeypatch.setattr(openai, "AsyncOpenAI", Routed)
