"""Typed errors whose messages tell the user what to do next.

Their text is redacted (`llm_extract.redact`): a server that echoes the API key in an
error body cannot carry it through our messages into an output or the terminal.
"""

from __future__ import annotations

import importlib
from typing import Any

from llm_extract.redact import redact


class LLMExtractError(Exception):
    """Base class for every error llm-extract raises on purpose."""

    stage: str = "extract"

    def __str__(self) -> str:
        return redact(super().__str__())


class ConfigurationError(LLMExtractError):
    """Settings are missing or contradictory (exit code 2 on the CLI)."""

    stage = "config"


class MissingExtraError(ConfigurationError):
    """An optional dependency group is needed for what was asked."""

    def __init__(self, what: str, extra: str) -> None:
        super().__init__(
            f"{what} needs the '{extra}' extra. Install it with:\n"
            f"    pip install 'llm-extract[{extra}]'\n"
            f"(from a source checkout: pip install -e '.[{extra}]')"
        )
        self.extra = extra


def require_extra(what: str, extra: str, *modules: str) -> Any:
    """Import an optional dependency's `modules` and return the first; if one is not
    installed, a `MissingExtraError` saying which extra brings it."""
    try:
        loaded = [importlib.import_module(name) for name in modules]
    except ImportError as exc:
        raise MissingExtraError(what, extra) from exc
    return loaded[0]


class BackendUnreachableError(LLMExtractError):
    """The model server could not be reached, or kept failing, after transport retries."""

    stage = "transport"


class ConstraintNotHonouredError(LLMExtractError):
    """The backend returned output that ignores the requested JSON schema."""

    stage = "probe"


class ValidationExhaustedError(LLMExtractError):
    """The model's output failed validation on every allowed attempt."""

    stage = "validation"

    def __init__(self, message: str, attempts: int, last_output: str | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_output = last_output


class TokenBudgetError(ValidationExhaustedError):
    """The document spent its `token_budget` (all requests, all strategies) before finishing."""

    stage = "budget"


class DeadlineError(LLMExtractError):
    """The document ran past its `document_timeout` (all requests together) before finishing."""

    stage = "deadline"

    def __init__(self, message: str, attempts: int = 1) -> None:
        super().__init__(message)
        self.attempts = attempts


class RunAbortedError(ConfigurationError):
    """The run stopped dispatching: the server is unreachable or refuses the credentials
    or the model (exit code 2). Documents not sent get an error record of this type."""

    stage = "aborted"


class InputError(LLMExtractError):
    """An article could not be read or is not text."""

    stage = "input"
