"""What a backend is: where completions come from, and nothing about strategies.

A `Generator` turns messages and a response schema into one validated completion, and
can probe what its server enforces; every OpenAI-compatible server is one (`ChatBackend`).
A backend need not generate: the rules backend has no model, and its drafts come from
the `rules` drafter alone. Which drafter asks the backend is the extractor's choice
(`llm_extract.drafters`), so a backend never calls back up into a strategy.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import BaseModel

from llm_extract.models import Usage

if TYPE_CHECKING:
    from llm_extract.context import DocContext
    from llm_extract.prompts import Message
    from llm_extract.settings import Settings

T = TypeVar("T", bound=BaseModel)


@dataclass
class Generation(Generic[T]):
    """A validated answer and what all its attempts cost."""

    value: T
    usage: Usage = field(default_factory=Usage)
    attempts: int = 1
    raw: str | None = None


class Backend(ABC):
    """A named backend: `model` and `version` name what produced a result (provenance,
    cache keys); `default_strategy` names the drafter used when the settings name none."""

    name: str
    model: str
    version: str = ""
    default_strategy: str = "single"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def where(self) -> str:
        """This backend, for messages."""
        return f"{self.name} backend"

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections or servers."""


class Generator(Backend):
    """A backend that answers messages with one completion fitting a schema."""

    @abstractmethod
    async def generate(
        self, messages: list[Message], response_model: type[T], *, context: DocContext | None = None
    ) -> Generation[T]:
        """One validated answer. Every request goes through `context` (the document's
        breaker, token budget, rate limit and call observer)."""

    async def probe(self, context: DocContext | None = None) -> None:
        """Check once that the server enforces the schema; nothing to check by default."""
