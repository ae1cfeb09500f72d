"""One chat request on the lean path: instructor's request shape and parser, without the
per-call machinery around them.

Measured against a bare `openai.AsyncOpenAI` call with the same body (bench/overhead.py),
instructor's `create_with_completion` costs about half a call more on every request: it
walks the response model for async validators twice, prepares the model again, builds a
tenacity loop for a single attempt; and the openai client then walks the whole body, tools
schema included, against its TypedDicts to transform a dict that needs no transforming.

`LeanChat` keeps what decides the bytes sent and the result returned:

- instructor's request handler for the mode (the same `tools` / `tool_choice` /
  `response_format` and messages) and its message converter;
- the body the openai client would send after its transform: the same keys in the same
  order (the order of `AsyncCompletions.create`'s parameters). Chat-completion params have
  no aliases or formats, so on plain JSON values the transform is the identity;
- instructor's response parser (same strict validation), and the errors instructor raises
  with `max_retries=0`: `IncompleteOutputException` as is, a parse failure as
  `InstructorRetryException` (with `last_completion`) raised from it, an HTTP failure as
  the openai error itself (which `llm_extract.retry.api_error` also finds under instructor's
  wrapper).

A request it cannot vouch for (a parameter `create` does not take, a value that is not
plain JSON, streaming) is sent through the standard `create` instead, transform included.
"""

from __future__ import annotations

import functools
import inspect
import json
from typing import Any

import instructor
from openai import NOT_GIVEN
from openai._base_client import make_request_options
from openai.resources.chat.completions import AsyncCompletions
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

try:  # instructor's v2 internals: without them, the standard path is used
    from instructor.v2.core.errors import (
        AsyncValidationError,
        FailedAttempt,
        IncompleteOutputException,
        InstructorRetryException,
        ResponseParsingError,
    )
    from instructor.v2.core.providers import Provider
    from instructor.v2.core.registry import mode_registry
    from instructor.v2.core.response_model import prepare_response_model
    from instructor.v2.core.retry import _finalize_parsed_response, _initialize_usage
    from instructor.v2.core.usage import update_total_usage

    AVAILABLE = True
except ImportError:  # pragma: no cover - depends on the installed instructor
    AVAILABLE = False

_OPTION_KEYS = ("extra_headers", "extra_query", "extra_body", "timeout")
_INSTRUCTOR_KEYS = ("response_model", "max_retries")
_SCHEMA_KEYS = ("tools", "tool_choice", "response_format", "extra_body")


@functools.cache
def body_order() -> tuple[str, ...]:
    """The body keys in the order `AsyncCompletions.create` puts them before sending."""
    params = inspect.signature(AsyncCompletions.create).parameters
    return tuple(p for p in params if p not in ("self", *_OPTION_KEYS))


def _plain(value: Any) -> bool:
    """JSON-native values only (what the transform leaves as it is)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


@functools.cache
def _prepared(model: type[Any]) -> Any:
    return prepare_response_model(model)


class LeanChat:
    """Sends one structured chat request for an instructor `mode` through a raw client."""

    def __init__(self, mode: instructor.Mode) -> None:
        self.handlers = mode_registry.get_handlers(Provider.OPENAI, mode)
        self.lean_requests = 0  # sent on the lean path (for tests and benchmarks)
        self._checked: set[Any] = set()  # response models whose schema parts were checked
        self._requests: dict[Any, tuple[dict[str, Any], Any, dict[str, Any]]] = {}
        self.standard_requests = 0

    def request(self, kwargs: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """(prepared response model, create kwargs) exactly as instructor would build them.

        instructor's handler walks the response model twice per call; its output depends
        on the model and the kwargs besides the messages, and for the modes here it passes
        the messages through. So it runs once per model and set of other kwargs, and later
        requests reuse its output with their own messages; a mode whose handler changes
        the messages is never reused (checked on the first request).
        """
        rest = {k: v for k, v in kwargs.items() if k not in _INSTRUCTOR_KEYS}
        messages = rest.pop("messages", None)
        known = self._requests.get(kwargs["response_model"])
        if known is not None and known[0] == rest:
            _, model, template = known
            create = dict(template)
            create["messages"] = self._converted(list(messages or []))
            return model, create
        model, create = self.handlers.request_handler(
            response_model=_prepared(kwargs["response_model"]),
            kwargs={**rest, "messages": messages} if messages is not None else dict(rest),
        )
        create.pop("autodetect_images", None)
        if "messages" in create:
            passed_through = create["messages"] == list(messages or [])
            create["messages"] = self._converted(create["messages"])
            if passed_through:
                template = {k: v for k, v in create.items() if k != "messages"}
                self._requests[kwargs["response_model"]] = (rest, model, template)
        return model, create

    def _converted(self, messages: list[Any]) -> list[Any]:
        if self.handlers.message_converter is None:
            return messages
        return list(self.handlers.message_converter(messages, autodetect_images=False))

    def body(self, create: dict[str, Any], model: Any = None) -> dict[str, Any] | None:
        """The JSON body `create` would send, or None if the lean path cannot vouch for it.

        The schema parts (`_SCHEMA_KEYS`) are built from the response model alone, so they
        are checked whole once per model; the rest (messages above all) on every request.
        """
        order = body_order()
        known = set(order)
        if any(k not in known and k not in _OPTION_KEYS for k in create):
            return None
        if create.get("stream"):
            return None
        checked = model is not None and model in self._checked
        for key, value in create.items():
            if key in _SCHEMA_KEYS and checked:
                if not isinstance(value, (dict, list)):
                    return None
            elif (key not in _OPTION_KEYS or key == "extra_body") and not _plain(value):
                return None
        if model is not None:
            self._checked.add(model)
        return {k: _listed(create[k]) for k in order if k in create}

    async def create_with_completion(self, raw: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
        """(validated model, completion) for instructor-style `kwargs`, via client `raw`."""
        model, create = self.request(kwargs)
        body = self.body(create, model)
        try:
            completion = await self._send(raw, create, body)
        except IncompleteOutputException:
            raise
        except Exception as exc:  # as instructor: any failure of the call, wrapped
            raise self._retry_error(exc, None, create) from exc
        return self.parse(model, completion, create), completion

    async def _send(self, raw: Any, create: dict[str, Any], body: dict[str, Any] | None) -> Any:
        if body is None:
            self.standard_requests += 1
            return await raw.chat.completions.create(**create)
        self.lean_requests += 1
        options = make_request_options(
            extra_headers=create.get("extra_headers"),
            extra_query=create.get("extra_query"),
            extra_body=create.get("extra_body"),
            timeout=create.get("timeout", NOT_GIVEN),
            security={"bearer_auth": True},
        )
        return await raw.post(
            "/chat/completions", body=body, options=options, cast_to=ChatCompletion
        )

    @staticmethod
    def _retry_error(
        exc: Exception, completion: Any, create: dict[str, Any]
    ) -> InstructorRetryException:
        """What instructor raises after one failed attempt (`max_retries=0`)."""
        usage = _initialize_usage(Provider.OPENAI)
        if completion is not None:
            update_total_usage(response=completion, total_usage=usage)
        return InstructorRetryException(
            str(exc),
            last_completion=completion,
            n_attempts=1,
            total_usage=usage,
            messages=list(create.get("messages") or []),
            create_kwargs=create,
            failed_attempts=[FailedAttempt(1, exc, completion)] if completion is not None else [],
        )

    def parse(self, model: Any, completion: Any, create: dict[str, Any]) -> Any:
        """instructor's parser, and its errors for a single attempt."""
        try:
            parsed = self.handlers.response_parser(
                response=completion,
                response_model=model,
                validation_context=None,
                strict=True,
                stream=False,
                is_async=True,
            )
        except IncompleteOutputException:
            raise
        except (
            ValidationError,
            json.JSONDecodeError,
            AsyncValidationError,
            ResponseParsingError,
        ) as exc:
            raise self._retry_error(exc, completion, create) from exc
        except Exception as exc:  # not retryable for instructor: no completion kept
            raise self._retry_error(exc, None, create) from exc
        return _finalize_parsed_response(parsed, completion)


def _listed(value: Any) -> Any:
    """Tuples become lists, as the transform makes them (JSON has only arrays)."""
    if isinstance(value, tuple):
        return [_listed(v) for v in value]
    return value


def lean_chat(mode: instructor.Mode) -> LeanChat | None:
    """A `LeanChat` for `mode`, or None (the standard path) if instructor has no OpenAI
    handler registered for it (e.g. a plugin profile's mode)."""
    try:
        return LeanChat(mode)
    except Exception:  # instructor's registry raises its own error types
        return None
