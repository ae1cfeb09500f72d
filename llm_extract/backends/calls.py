"""One model request as the rest of the package sees it: its outcome, tokens and text.

Helpers shared by the chat backend, the probe and the run log: what an HTTP exchange
cost (`usage_of`), what the model said (`raw_output`), whether a failure is the model's
(`is_validation`) and a short form of it for a re-ask (`short_error`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import ValidationError

from llm_extract.models import Usage
from llm_extract.prompts import Message
from llm_extract.retry import api_error

CallOutcome = Literal["ok", "validation_error", "transport_error", "error"]
VALIDATION_ERRORS = (InstructorRetryException, ValidationError, IncompleteOutputException)


@dataclass
class CallEvent:
    """One HTTP request to a model, as reported to a backend's `on_call` observer."""

    attempt: int
    backend: str
    model: str
    outcome: CallOutcome
    latency_s: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error_type: str | None = None
    error_message: str | None = None
    request: list[Message] | None = None
    response: str | None = None


CallObserver = Callable[[CallEvent], None]


def is_validation(exc: BaseException) -> bool:
    """Invalid or cut-off model output (worth a re-ask), as opposed to an HTTP failure."""
    return isinstance(exc, VALIDATION_ERRORS) and api_error(exc) is None


def _annotate(exc: BaseException, *, attempts: int, usage: Usage) -> None:
    """Attach what the failed document cost, for its error record."""
    exc.attempts = attempts  # type: ignore[attr-defined]
    exc.usage = usage  # type: ignore[attr-defined]


def raw_output(completion: Any) -> str | None:
    """The model's text, whether it answered in content or in a tool call."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments)
    content = getattr(message, "content", None)
    return str(content) if content is not None else None


def usage_of(completion: Any) -> Usage:
    usage = getattr(completion, "usage", None)
    if usage is None:
        return Usage(calls=1)
    return Usage(
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        calls=1,
    )


def short_error(exc: BaseException, limit: int = 600) -> str:
    """A validation error short enough to paste into a re-ask."""
    if isinstance(exc, InstructorRetryException) and exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, ValidationError):
        parts = [
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:6]
        ]
        text = "; ".join(parts)
    elif isinstance(exc, IncompleteOutputException):
        text = "the output was cut off before the JSON was complete; answer more briefly"
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:limit]
