"""Transport retries: 429, 5xx, timeouts and dropped connections, never validation.

Validation failures are re-asked by the chat backend with a compact prompt; transport
failures are retried here with exponential backoff and jitter that honours the server's
Retry-After (seconds or an HTTP date; OpenAI's `retry-after-ms` too), bounded in attempts
and in total time. The error text of a transport failure never reaches a prompt.

instructor wraps every exception from the HTTP call, transport ones included, in
`InstructorRetryException`; `api_error` unwraps it so a 500 is not mistaken for a
validation failure. An HTTP 200 whose body is not a chat completion (not JSON, no
`choices`) is the server's fault too: `bad_answer` turns it into a transient
`APIResponseValidationError`, retried like a 502, never re-asked as the model's error.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx2 as httpx
import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

from llm_extract.errors import BackendUnreachableError

if TYPE_CHECKING:
    from llm_extract.settings import Settings

T = TypeVar("T")

API_ERRORS = (
    openai.APIStatusError,
    openai.APIConnectionError,  # timeouts subclass it
    openai.APIResponseValidationError,  # a 200 that is not a chat completion
)


@dataclass(frozen=True)
class TransportPolicy:
    """How often and how long to retry: attempts include the first try."""

    attempts: int = 5
    max_wait: float = 60.0
    initial: float = 0.5
    max_backoff: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings, timeout: float | None = None) -> TransportPolicy:
        """The settings' policy; unless `transport_max_wait` was set, it leaves room to
        retry a request that timed out after `timeout` seconds once."""
        max_wait = settings.transport_max_wait
        if timeout is not None and "transport_max_wait" not in settings.model_fields_set:
            max_wait = max(max_wait, 1.5 * timeout)
        return cls(
            attempts=1 + settings.transport_retries,
            max_wait=max_wait,
            initial=settings.retry_initial,
            max_backoff=settings.retry_max_backoff,
        )


def api_error(exc: BaseException | None) -> openai.APIError | None:
    """The HTTP-level error behind `exc` (itself, or what instructor wrapped), if any."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, API_ERRORS):
            return exc
        module = type(exc).__module__
        if not module.startswith("instructor"):
            return None
        exc = exc.__cause__
        seen += 1
    return None


def bad_answer(
    exc: BaseException | None, completion: Any = None
) -> openai.APIResponseValidationError | None:
    """The server error behind an answer that is not a chat completion, if it is one.

    Checks `completion` (what the client returned) or, for a failure, what instructor
    attached to `exc`: a body that is not JSON fails to parse before any completion
    exists; an HTML page comes back as a plain string; `choices` may be empty.
    """
    if exc is not None:
        if api_error(exc) is not None:
            return None
        completion = getattr(exc, "last_completion", None)
        if completion is None:
            cause = exc.__cause__ or exc.__context__
            if not isinstance(cause, json.JSONDecodeError):
                return None
            what = f"not JSON ({cause.msg})"
        elif isinstance(completion, (str, bytes)):
            what = f"not a chat completion: {str(completion)[:120]!r}"
        elif not getattr(completion, "choices", None):
            what = "a chat completion with no choices"
        else:
            return None
    elif isinstance(completion, (str, bytes)):
        what = f"not a chat completion: {str(completion)[:120]!r}"
    elif completion is not None and not getattr(completion, "choices", None):
        what = "a chat completion with no choices"
    else:
        return None
    request = httpx.Request("POST", "http://model-server/chat/completions")
    return openai.APIResponseValidationError(
        response=httpx.Response(200, request=request),
        body=None,
        message=f"the server answered HTTP 200 with {what}",
    )


def is_transient(exc: BaseException) -> bool:
    """Errors worth another try: the server was busy, slow or unreachable."""
    err = api_error(exc)
    if isinstance(err, (openai.APIConnectionError, openai.APIResponseValidationError)):
        return True
    if isinstance(err, openai.APIStatusError):
        return err.status_code in (408, 409, 429) or err.status_code >= 500
    return False


def retry_after_seconds(exc: BaseException | None, now: dt.datetime | None = None) -> float | None:
    """The wait a 429/503 asked for, in seconds, if it said one."""
    err = api_error(exc)
    response = getattr(err, "response", None)
    if response is None:
        return None
    headers = response.headers
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


def make_wait(policy: TransportPolicy) -> Callable[[RetryCallState], float]:
    """Backoff with jitter, unless the server said how long to wait."""
    backoff = wait_exponential_jitter(
        multiplier=policy.initial, max=policy.max_backoff, jitter=policy.initial
    )

    def _wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(exc)
        return asked if asked is not None else float(backoff(state))

    return _wait


async def with_transport_retries(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int | None = None,
    max_wait: float | None = None,
    policy: TransportPolicy | None = None,
    where: str,
    on_retry: Callable[[BaseException, int, float], None] | None = None,
) -> T:
    """Run `call`, retrying transient transport errors; raise BackendUnreachableError after.

    The error carries `attempts`, the number of tries actually made. A wait that would
    overrun `max_wait` (e.g. a long Retry-After) ends the retries at once.
    """
    policy = policy or TransportPolicy()
    if attempts is not None or max_wait is not None:
        policy = TransportPolicy(
            attempts=attempts if attempts is not None else policy.attempts,
            max_wait=max_wait if max_wait is not None else policy.max_wait,
            initial=policy.initial,
            max_backoff=policy.max_backoff,
        )

    def _before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if on_retry and exc is not None:
            on_retry(exc, state.attempt_number, state.upcoming_sleep)

    retrying = AsyncRetrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(max(1, policy.attempts)) | stop_before_delay(policy.max_wait),
        wait=make_wait(policy),
        before_sleep=_before_sleep,
        reraise=True,
    )
    started = time.monotonic()
    try:
        async for attempt in retrying:
            with attempt:
                return await call()
    except Exception as exc:
        if is_transient(exc):
            made = int(retrying.statistics.get("attempt_number", 1))
            cause = api_error(exc) or exc
            error = BackendUnreachableError(
                f"{where}: {type(cause).__name__}: {cause}. Gave up after {made} attempt(s) "
                f"in {time.monotonic() - started:.1f}s; check that the server is running and "
                "the base URL is right, or raise transport_retries / transport_max_wait."
            )
            error.attempts = made  # type: ignore[attr-defined]
            raise error from cause
        raise
    raise AssertionError("unreachable")  # pragma: no cover
