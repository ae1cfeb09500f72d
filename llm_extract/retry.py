"""Transport retries: 429, 5xx, timeouts and dropped connections, never validation.

Validation failures are re-asked by the chat backend with a compact prompt; transport
failures are retried here with exponential backoff and jitter that honours the server's
Retry-After, bounded in attempts and in total time. The error text of a transport failure
never reaches a prompt.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from llm_extract.errors import BackendUnreachableError

T = TypeVar("T")

_backoff = wait_exponential_jitter(initial=0.5, max=20.0, jitter=0.5)


def is_transient(exc: BaseException) -> bool:
    """Errors worth another try: the server was busy, slow or unreachable."""
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """The wait a 429/503 asked for, in seconds, if it said one."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    asked = retry_after_seconds(exc)
    return asked if asked is not None else float(_backoff(state))


async def with_transport_retries(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int,
    max_wait: float,
    where: str,
    on_retry: Callable[[BaseException], None] | None = None,
) -> T:
    """Run `call`, retrying transient transport errors; raise BackendUnreachableError after."""

    def _before_sleep(state: RetryCallState) -> None:
        if on_retry and state.outcome and state.outcome.exception():
            on_retry(state.outcome.exception())  # type: ignore[arg-type]

    retrying = AsyncRetrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(attempts) | stop_after_delay(max_wait),
        wait=_wait,
        before_sleep=_before_sleep,
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                return await call()
    except Exception as exc:
        if is_transient(exc):
            raise BackendUnreachableError(
                f"{where}: {type(exc).__name__}: {exc}. Gave up after "
                f"{attempts} attempt(s); check that the server is running and the base URL "
                "is right, or raise transport_retries."
            ) from exc
        raise
    raise AssertionError("unreachable")  # pragma: no cover
