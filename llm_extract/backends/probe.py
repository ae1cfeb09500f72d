"""First-use check that a server really constrains output to the schema.

No backend reports an ignored constraint by itself: a server that drops `response_format`
or `tool_choice` just returns prose. The probe asks for prose and demands schema-shaped
JSON back; only a constrained decoder can pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Protocol

from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ConfigDict, ValidationError

from llm_extract.backends.calls import raw_output
from llm_extract.errors import ConstraintNotHonouredError
from llm_extract.models import Usage
from llm_extract.retry import TransportPolicy, api_error, with_transport_retries

if TYPE_CHECKING:
    from llm_extract.context import DocContext
    from llm_extract.prompts import Message
    from llm_extract.settings import Settings


class ProbeAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: Literal["constrained"]
    digits: list[int]


PROBE_MESSAGES = [
    {"role": "system", "content": "You are a poet. Never write JSON."},
    {"role": "user", "content": "Write two lines of free verse about rain."},
]

_PASSED: set[tuple[str, str | None, str, str | None]] = set()


class ProbedServer(Protocol):
    """What the probe needs of a chat backend (it never imports one)."""

    name: str
    model: str
    mode: str
    base_url: str | None
    settings: Settings

    @property
    def client(self) -> Any: ...

    @property
    def timeout(self) -> float: ...

    def request_kwargs(
        self, messages: list[Message], response_model: type[Any]
    ) -> dict[str, Any]: ...

    async def _create(self, kwargs: dict[str, Any]) -> tuple[Any, Any]: ...


async def check_constraint(backend: ProbedServer) -> None:
    """Raise ConstraintNotHonouredError unless the reply fits ProbeAnswer exactly.

    Remembered per server, model and mode: two servers may serve the same model name
    with different constraint support.
    """
    _ = backend.client  # builds the client (and starts an embedded server) first
    key = (backend.name, backend.base_url, backend.model, backend.mode)
    if key in _PASSED:
        return
    kwargs = backend.request_kwargs(list(PROBE_MESSAGES), ProbeAnswer)
    kwargs["max_tokens"] = 64
    try:
        await backend._create(kwargs)  # the same deadline as every other request
    except (InstructorRetryException, ValidationError, IncompleteOutputException) as exc:
        completion = getattr(exc, "last_completion", None)
        text = (raw_output(completion) if completion is not None else None) or str(exc)
        raise ConstraintNotHonouredError(
            f"backend {backend.name!r} (model {backend.model!r}, mode {backend.mode!r}) "
            f"ignored the JSON schema: asked for prose, it returned {text[:200]!r}. "
            "Records would be unreliable; pick a mode the server constrains "
            "(llama.cpp: tools or json_object; OpenAI/vLLM/Ollama: json_schema)."
        ) from exc
    _PASSED.add(key)


async def probe_with_retries(backend: ProbedServer, context: DocContext) -> None:
    """Probe once per backend, retrying transport failures (a 500 is not an ignored
    schema), under the run's breaker and rate limit like any other request."""

    async def once() -> None:
        await context.before_request()
        try:
            await check_constraint(backend)
        except ConstraintNotHonouredError as exc:
            transport = api_error(exc.__cause__)
            context.after_request(Usage(calls=1), transport)
            if transport is not None:
                raise transport from exc
            raise
        except Exception as exc:
            context.after_request(Usage(calls=1), exc)
            raise
        context.after_request(Usage(calls=1))

    await with_transport_retries(
        once,
        policy=TransportPolicy.from_settings(backend.settings, backend.timeout),
        where=f"{context.where} probe",
    )
