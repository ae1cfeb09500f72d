"""Transport retry policy: which errors are retried, Retry-After, bounds, attempt counts."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from email.utils import format_datetime

import httpx2
import openai
import pytest
from instructor.core.exceptions import InstructorRetryException

from llm_extract.errors import BackendUnreachableError
from llm_extract.retry import (
    TransportPolicy,
    api_error,
    is_transient,
    retry_after_seconds,
    with_transport_retries,
)

REQUEST = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def status_error(code: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    response = httpx2.Response(code, headers=headers or {}, request=REQUEST)
    cls = {429: openai.RateLimitError, 500: openai.InternalServerError}.get(
        code, openai.APIStatusError
    )
    return cls(f"Error code: {code}", response=response, body=None)


def wrapped(exc: BaseException) -> InstructorRetryException:
    """What instructor raises for any failure of the HTTP call, transport included."""
    try:
        raise InstructorRetryException(str(exc), n_attempts=1, total_usage=0) from exc
    except InstructorRetryException as outer:
        return outer


def test_importing_retry_raises_no_deprecation_warning() -> None:
    code = "import llm_extract.retry as r; r.make_wait(r.TransportPolicy())"
    done = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (status_error(429), True),
        (status_error(500), True),
        (status_error(503), True),
        (status_error(400), False),
        (status_error(401), False),
        (openai.APITimeoutError(request=REQUEST), True),
        (openai.APIConnectionError(request=REQUEST), True),
        (wrapped(status_error(503)), True),
        (wrapped(status_error(400)), False),
        (ValueError("not json"), False),
    ],
)
def test_is_transient(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient


def test_api_error_unwraps_instructor_but_not_validation() -> None:
    inner = status_error(500)
    assert api_error(wrapped(inner)) is inner
    assert api_error(wrapped(ValueError("bad output"))) is None


def test_retry_after_forms() -> None:
    now = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
    later = format_datetime(now + dt.timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds(status_error(429, {"retry-after": "7"})) == 7.0
    assert retry_after_seconds(status_error(429, {"retry-after": "1.5"})) == 1.5
    assert retry_after_seconds(status_error(429, {"retry-after": later}), now=now) == 30.0
    past = format_datetime(now - dt.timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds(status_error(429, {"retry-after": past}), now=now) == 0.0
    assert retry_after_seconds(status_error(429, {"retry-after-ms": "250"})) == 0.25
    assert retry_after_seconds(status_error(429, {"retry-after": "soon"})) is None
    assert retry_after_seconds(status_error(500)) is None
    assert retry_after_seconds(wrapped(status_error(429, {"retry-after": "3"}))) == 3.0


class Flaky:
    """Fails with the given errors, then answers."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "answer"


FAST = TransportPolicy(attempts=5, max_wait=30.0, initial=0.0, max_backoff=0.0)


def test_retry_after_decides_the_wait() -> None:
    waits: list[float] = []
    flaky = Flaky(status_error(429, {"retry-after": "0.01"}), status_error(500))
    result = asyncio.run(
        with_transport_retries(
            flaky, policy=FAST, where="test", on_retry=lambda _e, _n, w: waits.append(w)
        )
    )
    assert result == "answer" and flaky.calls == 3
    assert waits == [0.01, 0.0]  # the server's ask, then our (zero) backoff


def test_backoff_grows_and_is_capped() -> None:
    waits: list[float] = []
    policy = TransportPolicy(attempts=6, max_wait=100.0, initial=0.001, max_backoff=0.004)
    flaky = Flaky(*[status_error(503) for _ in range(5)])
    asyncio.run(
        with_transport_retries(
            flaky, policy=policy, where="t", on_retry=lambda _e, _n, w: waits.append(w)
        )
    )
    assert len(waits) == 5
    assert all(0.001 <= w <= 0.004 for w in waits)
    assert waits[-1] == 0.004


def test_gives_up_after_attempts_with_the_count() -> None:
    flaky = Flaky(*[status_error(500) for _ in range(10)])
    with pytest.raises(BackendUnreachableError, match="Gave up after 3 attempt") as caught:
        asyncio.run(with_transport_retries(flaky, attempts=3, max_wait=30, where="srv"))
    assert flaky.calls == 3
    assert caught.value.attempts == 3  # type: ignore[attr-defined]


def test_a_wait_past_the_time_budget_stops_at_once() -> None:
    flaky = Flaky(status_error(429, {"retry-after": "3600"}))
    with pytest.raises(BackendUnreachableError) as caught:
        asyncio.run(with_transport_retries(flaky, policy=FAST, where="srv"))
    assert flaky.calls == 1
    assert caught.value.attempts == 1  # type: ignore[attr-defined]


def test_non_transient_errors_are_not_retried() -> None:
    flaky = Flaky(status_error(401))
    with pytest.raises(openai.APIStatusError):
        asyncio.run(with_transport_retries(flaky, policy=FAST, where="srv"))
    assert flaky.calls == 1
