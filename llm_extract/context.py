"""Limits that hold per request and per document, whatever the strategy.

A `DocContext` is made by the Extractor for each document and passed down, through the
drafter, to where requests are made (`ChatBackend._call_once`). Every HTTP request goes
through it:

- the run's `CircuitBreaker` (stop sending once the server is gone or refuses us),
- the document's `token_budget` (all requests of all strategies, re-asks included),
- the run's `RateLimiter` (`--rpm`: at most N requests a minute, plus one burst),
- the document's `deadline` (`document_timeout`: no request starts after it, and none
  runs past it),

and identical questions within one document are answered from its memo, not sent again.
It also holds what the document cost (`spent`, `requests`) and who watches its requests
(`observer`, the run log), so nothing is patched onto a shared backend.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import openai

from llm_extract.errors import (
    ConfigurationError,
    DeadlineError,
    RunAbortedError,
    TokenBudgetError,
)
from llm_extract.models import Usage
from llm_extract.redact import redact
from llm_extract.retry import api_error

if TYPE_CHECKING:
    from llm_extract.backends.calls import CallObserver
    from llm_extract.normalize.gazetteer import Gazetteer

FATAL_STATUS = {401: "refused the credentials", 403: "forbids access", 404: "has no such model"}
"""HTTP answers no retry can fix: the run stops at the first one."""


class RateLimiter:
    """Spaces request starts at least 60/rpm seconds apart (no bursts beyond the first).

    In any minute at most `rpm` requests start, plus the one that opened the window.
    """

    def __init__(
        self,
        rpm: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if rpm <= 0:
            raise ValueError(f"requests per minute must be positive, got {rpm}")
        self.interval = 60.0 / rpm
        self._clock = clock
        self._sleep = sleep
        self._next: float | None = None
        self._lock: asyncio.Lock | None = None

    async def acquire(self) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            now = self._clock()
            if self._next is not None and self._next > now:
                await self._sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


class CircuitBreaker:
    """Run-level fail-fast: after `max_failures` consecutive connection failures (refused,
    reset, timed out), or one 401/403/404, or a configuration error, nothing more is sent.

    Any answer from the server (even a 500 or invalid output) resets the count.
    """

    def __init__(self, max_failures: int = 5) -> None:
        self.max_failures = max(1, max_failures)
        self.consecutive = 0
        self.reason: str | None = None

    @property
    def tripped(self) -> bool:
        return self.reason is not None

    def check(self) -> None:
        """Raise `RunAbortedError` once tripped: the request is not sent."""
        if self.reason is not None:
            raise RunAbortedError(f"not sent: the run stopped because {self.reason}")

    def success(self) -> None:
        self.consecutive = 0

    def trip(self, reason: str) -> None:
        if self.reason is None:
            self.reason = redact(reason)

    def failure(self, exc: BaseException, where: str) -> None:
        """Count one failed request; trip when it shows the run cannot succeed."""
        if self.reason is not None:
            return
        err = api_error(exc)
        if isinstance(err, openai.APIStatusError) and err.status_code in FATAL_STATUS:
            first = (str(err).splitlines() or [""])[0][:300]
            self.trip(
                f"{where} {FATAL_STATUS[err.status_code]} (HTTP {err.status_code}: {first}); "
                "check the API key, the model name and the base URL"
            )
        elif isinstance(err, openai.APIConnectionError):
            self.consecutive += 1
            if self.consecutive >= self.max_failures:
                self.trip(
                    f"{where} failed {self.consecutive} requests in a row "
                    f"({type(err).__name__}: {err}); check that the server is running and "
                    "the base URL is right"
                )
        elif isinstance(exc, ConfigurationError) and not isinstance(exc, RunAbortedError):
            self.trip(str(exc))
        else:
            self.consecutive = 0  # the server answered


@dataclass
class DocContext:
    """One document's limits and spending, shared by every request made for it."""

    doc_id: str | None = None
    token_budget: int | None = None
    limiter: RateLimiter | None = None
    breaker: CircuitBreaker | None = None
    where: str = "the model server"
    deadline: float | None = None
    """`time.monotonic()` by which the document must be done (None: no deadline)."""
    observer: CallObserver | None = None
    """Sees every request made for the document (e.g. the run log)."""
    gazetteer: Gazetteer | None = None
    """Where the document's places are looked up (`Settings.gazetteer`; None: the
    process's choice), by the drafters that read places and by assemble."""
    spent: Usage = field(default_factory=Usage)
    requests: int = 0
    answers: dict[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        """Raise if no further request may be sent for this document."""
        if self.breaker is not None:
            self.breaker.check()
        budget = self.token_budget
        if budget is not None and self.spent.total_tokens >= budget:
            error = TokenBudgetError(
                f"token budget of {budget} per document spent after {self.requests} "
                f"request(s) ({self.spent.total_tokens} tokens)",
                attempts=self.requests,
            )
            error.usage = self.spent  # type: ignore[attr-defined]
            raise error
        if self.deadline is not None and time.monotonic() >= self.deadline:
            late = DeadlineError(
                f"document deadline passed after {self.requests} request(s)",
                attempts=max(1, self.requests),
            )
            late.usage = self.spent  # type: ignore[attr-defined]
            raise late

    def time_left(self, timeout: float) -> float:
        """`timeout`, or less if the document's deadline comes sooner."""
        if self.deadline is None:
            return timeout
        return max(0.0, min(timeout, self.deadline - time.monotonic()))

    async def before_request(self) -> None:
        """Check the breaker and the budget, then wait for the rate limiter."""
        self.check()
        if self.limiter is not None:
            await self.limiter.acquire()
            if self.breaker is not None:  # it may have tripped while we waited
                self.breaker.check()
        self.requests += 1

    def after_request(self, used: Usage, error: BaseException | None = None) -> None:
        """Book what one request cost and tell the breaker how it went."""
        self.spent = self.spent.add(used)
        if self.breaker is None:
            return
        if error is None:
            self.breaker.success()
        else:
            self.breaker.failure(error, self.where)

    @staticmethod
    def question_key(messages: Any, response_model: type[Any]) -> str:
        """Identical messages for the same schema are the same question."""
        return response_model.__name__ + "\0" + json.dumps(messages, sort_keys=True, default=str)
