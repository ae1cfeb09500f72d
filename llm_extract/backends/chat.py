"""Chat backend: openai client -> instructor -> HTTP, shaped by a profile.

Two retry loops are kept apart. Transport failures (429, 5xx, timeouts) are retried in
`llm_extract.retry` and never shown to the model. Invalid output is re-asked here, and
compactly: the original messages plus only the last bad output and its error, so a
re-ask costs the same every time instead of growing with the history.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any, TypeVar

import httpx2 as httpx
import openai
from instructor import OpenAISchema, openai_schema
from pydantic import BaseModel

from llm_extract.backends.base import Generation, Generator
from llm_extract.backends.calls import (
    CallEvent,
    CallObserver,
    _annotate,
    is_validation,
    raw_output,
    short_error,
    usage_of,
)
from llm_extract.backends.lean import AVAILABLE as LEAN_AVAILABLE
from llm_extract.backends.lean import lean_chat
from llm_extract.backends.probe import probe_with_retries
from llm_extract.backends.profile import Profile
from llm_extract.context import DocContext
from llm_extract.errors import TokenBudgetError, ValidationExhaustedError
from llm_extract.models import Usage
from llm_extract.prompts import Message
from llm_extract.redact import redact, redact_url, register_secret
from llm_extract.retry import TransportPolicy, api_error, bad_answer, with_transport_retries
from llm_extract.settings import Settings

T = TypeVar("T", bound=BaseModel)

__all__ = [
    "REASK",
    "CallEvent",
    "CallObserver",
    "ChatBackend",
    "Generation",
    "is_validation",
    "raw_output",
    "short_error",
    "usage_of",
]


@functools.cache
def _schema_model(model: type[BaseModel]) -> type[BaseModel]:
    """instructor's schema wrapper for `model`, built once per model class.

    Given a plain model, instructor builds a new wrapper class on every call, so its own
    schema cache never hits and the tool schema is regenerated per request (measured at
    6.5 ms a call). Passing the same wrapper each time sends the identical request.
    """
    return model if issubclass(model, OpenAISchema) else openai_schema(model)


logger = logging.getLogger(__name__)

REASK = (
    "Your last answer could not be used: {error}\n"
    "Answer again for the same article, with output that fits the schema exactly."
)
NO_KEY = "no-key-needed"  # local servers ignore it; the openai client insists on one
CONNECT_TIMEOUT = 10.0
"""Seconds to open a connection: a server that does not even accept fails fast."""


class ChatBackend(Generator):
    """Any OpenAI-compatible chat server, described by a `Profile`."""

    def __init__(self, settings: Settings, profile: Profile) -> None:
        super().__init__(settings)
        self.profile = profile
        self.name = profile.name
        self.mode: str = profile.resolve_mode(settings)
        self.model = profile.resolve_model(settings)
        self.default_strategy = profile.default_strategy
        self._client: Any = None
        self.base_url: str | None = None
        """The server the client talks to, known once the client is built."""
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self.on_call: CallObserver | None = None
        """Sees every request when no document context names an observer (tests, tools)."""
        self._lean = lean_chat(profile.modes[self.mode]) if LEAN_AVAILABLE else None
        """Sends requests without instructor's per-call machinery (same bytes, same result)."""
        self.http_transport: httpx.AsyncBaseTransport | None = None
        """Replaces the network under the client (the Batch API engine answers from files)."""
        if profile.needs_key:  # a missing key is one configuration error, before any document
            profile.resolve_key(settings)

    @property
    def where(self) -> str:
        """This backend and server, for messages (credentials in the URL masked)."""
        # never the profile's factory here: for `embedded` it starts the server
        url = redact_url(self.base_url or self.settings.base_url or self.profile.default_base_url)
        return f"{self.name} backend ({self.model}{' at ' + url if url else ''})"

    @property
    def client(self) -> Any:
        """The instructor-wrapped async client, built on first use (may start a server)."""
        if self._client is None:
            import instructor

            key = self.profile.resolve_key(self.settings)
            register_secret(key)
            headers = {}
            if self.profile.key_header and key:
                headers[self.profile.key_header] = key
            self.base_url = self.profile.resolve_base_url(self.settings)
            timeout = httpx.Timeout(self.timeout, connect=min(self.timeout, CONNECT_TIMEOUT))
            raw = openai.AsyncOpenAI(
                base_url=self.base_url,
                api_key=(key if key and not self.profile.key_header else NO_KEY),
                default_headers=headers or None,
                timeout=timeout,
                max_retries=0,  # transport retries are ours; a cassette miss fails at once
                http_client=(
                    httpx.AsyncClient(transport=self.http_transport, timeout=timeout)
                    if self.http_transport is not None
                    else None
                ),
            )
            self._client = instructor.from_openai(raw, mode=self.profile.modes[self.mode])
        return self._client

    @property
    def timeout(self) -> float:
        """The profile's timeout unless the user set one (a CPU model needs minutes)."""
        if "timeout" in self.settings.model_fields_set or self.profile.default_timeout is None:
            return self.settings.timeout
        return self.profile.default_timeout

    def _slot(self) -> asyncio.Semaphore | None:
        """A per-event-loop cap on requests in flight, where the server needs one."""
        if self.profile.max_concurrency is None:
            return None
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.profile.max_concurrency))
        return self._slots[1]

    def request_kwargs(self, messages: list[Message], response_model: type[T]) -> dict[str, Any]:
        """Everything sent besides the schema instructor adds for the mode."""
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "response_model": _schema_model(response_model),
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
            "max_retries": 0,
        }
        if self.settings.seed is not None:
            kwargs["seed"] = self.settings.seed
        return self.profile.prepare_request(kwargs, response_model, self.mode)

    def _emit(self, event: CallEvent, context: DocContext | None) -> None:
        observer = context.observer if context is not None else None
        observer = observer or self.on_call
        if observer is not None:
            try:
                observer(event)
            except Exception:  # an observer must never fail an extraction
                logger.warning("on_call observer failed", exc_info=True)

    async def _create(
        self, kwargs: dict[str, Any], timeout: float | None = None
    ) -> tuple[Any, Any]:
        """One request under a deadline for the whole exchange, not only between bytes.

        httpx's read timeout restarts with every byte, so a server trickling one byte
        every few seconds would hold a request forever; past `timeout` it is cut off and
        fails as `APITimeoutError` (retried like any timeout). An answer that is not a
        chat completion (not JSON, no choices) is a server error, never a re-ask.
        """
        client = self.client
        if self._lean is not None:  # instructor's request and parser, not its per-call cost
            sending = self._lean.create_with_completion(client.client, kwargs)
        else:
            sending = client.chat.completions.create_with_completion(**kwargs)
        try:
            value, completion = await asyncio.wait_for(
                sending, timeout=self.timeout if timeout is None else timeout
            )
        except asyncio.TimeoutError as exc:
            url = f"{self.base_url or ''}/chat/completions"
            raise openai.APITimeoutError(request=httpx.Request("POST", url)) from exc
        except Exception as exc:
            malformed = bad_answer(exc)
            if malformed is None:
                raise
            raise malformed from exc
        malformed = bad_answer(None, completion)
        if malformed is not None:
            raise malformed
        return value, completion

    def _time_left(self, context: DocContext | None) -> float:
        return context.time_left(self.timeout) if context is not None else self.timeout

    async def _call_once(
        self, kwargs: dict[str, Any], attempt: int, context: DocContext | None = None
    ) -> tuple[Any, Any]:
        """One HTTP request under the document's limits, reported to its observer."""
        if context is not None:
            await context.before_request()
        started = time.perf_counter()
        event = CallEvent(
            attempt=attempt,
            backend=self.name,
            model=self.model,
            outcome="ok",
            request=list(kwargs.get("messages") or []),
        )
        slot = self._slot()
        try:
            if slot is None:
                value, completion = await self._create(kwargs, self._time_left(context))
            else:
                async with slot:
                    started = time.perf_counter()  # time the request, not the queue
                    value, completion = await self._create(kwargs, self._time_left(context))
        except Exception as exc:
            event.latency_s = time.perf_counter() - started
            transport = api_error(exc)
            used = Usage(calls=1)
            if transport is not None:
                event.outcome = "transport_error"
                event.error_type = type(transport).__name__
                event.error_message = redact(str(transport))[:500]
            else:
                completion = getattr(exc, "last_completion", None)
                used = usage_of(completion) if completion is not None else Usage(calls=1)
                event.outcome = "validation_error" if is_validation(exc) else "error"
                event.error_type = type(exc).__name__
                event.error_message = short_error(exc)
                event.prompt_tokens = used.prompt_tokens
                event.completion_tokens = used.completion_tokens
                event.response = raw_output(completion) if completion is not None else None
            self._emit(event, context)
            if context is not None:
                context.after_request(used, exc)
            raise
        used = usage_of(completion)
        event.latency_s = time.perf_counter() - started
        event.prompt_tokens = used.prompt_tokens
        event.completion_tokens = used.completion_tokens
        event.response = raw_output(completion)
        self._emit(event, context)
        if context is not None:
            context.after_request(used)
        return value, completion

    async def generate(
        self, messages: list[Message], response_model: type[T], *, context: DocContext | None = None
    ) -> Generation[T]:
        """One validated answer, re-asking compactly on invalid output.

        Transport failures are retried underneath (never shown to the model); invalid
        output is re-asked with the original messages plus only the last bad output and
        its error. Raised errors carry `attempts` (requests sent) and `usage` (tokens
        spent), so an error record still accounts for what the document cost.

        Every request goes through `context` (the document's breaker, token budget and
        rate limit); an identical question asked before for the document is answered
        from its memo. Without a context, the limits apply to this call alone.
        """
        if context is None:
            context = DocContext(token_budget=self.settings.token_budget, where=self.where)
        question = DocContext.question_key(messages, response_model)
        if question in context.answers:
            return Generation(value=context.answers[question], usage=Usage(), attempts=0)
        usage = Usage()
        current = messages
        last_raw: str | None = None
        last_error = ""
        budget = context.token_budget
        max_attempts = 1 + self.settings.validation_retries
        policy = TransportPolicy.from_settings(self.settings, self.timeout)
        sent = 0
        for attempt in range(1, max_attempts + 1):
            kwargs = self.request_kwargs(current, response_model)

            async def call(kw: dict[str, Any] = kwargs) -> tuple[Any, Any]:
                nonlocal sent, usage
                sent += 1
                try:
                    return await self._call_once(kw, sent, context)
                except Exception as exc:
                    if api_error(exc) is not None:  # a failed request still counts as a call
                        usage = usage.add(Usage(calls=1))
                    raise

            try:
                value, completion = await with_transport_retries(
                    call, policy=policy, where=self.where
                )
            except Exception as exc:
                if api_error(exc) is not None or not is_validation(exc):
                    # Transport gave up, or a non-retryable HTTP error (400, 401...):
                    # never re-asked, and never pasted into a prompt.
                    error = exc
                    inner = api_error(exc)
                    if inner is not None and inner is not exc:
                        error = inner
                    _annotate(error, attempts=sent, usage=usage)
                    if error is exc:
                        raise
                    raise error from None
                completion = getattr(exc, "last_completion", None)
                usage = usage.add(
                    usage_of(completion) if completion is not None else Usage(calls=1)
                )
                last_raw = raw_output(completion) if completion is not None else None
                last_error = short_error(exc)
                if budget is not None and context.spent.total_tokens >= budget:
                    spent = TokenBudgetError(
                        f"token budget of {budget} spent after {attempt} attempt(s) "
                        f"({context.spent.total_tokens} tokens); last error: {last_error}",
                        attempts=sent,
                        last_output=last_raw,
                    )
                    _annotate(spent, attempts=sent, usage=usage)
                    raise spent from exc
                current = [
                    *messages,
                    {"role": "assistant", "content": last_raw or ""},
                    {"role": "user", "content": REASK.format(error=last_error)},
                ]
                continue
            usage = usage.add(usage_of(completion))
            context.answers[question] = value
            return Generation(value=value, usage=usage, attempts=sent, raw=raw_output(completion))
        exhausted = ValidationExhaustedError(
            f"output failed validation {max_attempts} time(s); last error: {last_error}. "
            "A stronger model, mode 'tools', or more validation_retries may help.",
            attempts=sent,
            last_output=last_raw,
        )
        _annotate(exhausted, attempts=sent, usage=usage)
        raise exhausted

    async def probe(self, context: DocContext | None = None) -> None:
        """Check that the server constrains output to the schema, once per server, model
        and mode; transport failures are retried under the context's limits."""
        await probe_with_retries(self, context or DocContext(where=self.where))

    async def aclose(self) -> None:
        if self._client is not None:
            raw = getattr(self._client, "client", None)
            if raw is not None and hasattr(raw, "close"):
                await raw.close()
            self._client = None
