"""What every backend provides: a draft for an article.

A backend need not be an HTTP model: the rules backend reads drafts straight from the
text. Chat backends (OpenAI-compatible servers) implement `generate` on top and leave
the choice of messages to an extraction strategy.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from llm_extract.draft import Draft
from llm_extract.models import Usage

if TYPE_CHECKING:
    from llm_extract.article import Article
    from llm_extract.context import DocContext
    from llm_extract.prompts import PromptTemplate
    from llm_extract.settings import Settings


@dataclass
class DraftOutcome:
    """A backend's answer for one article, with what it cost."""

    draft: Draft
    usage: Usage = field(default_factory=Usage)
    attempts: int = 1
    warnings: list[str] = field(default_factory=list)
    event_flags: dict[int, list[str]] = field(default_factory=dict)
    """Flags for draft events by index (e.g. where model and rules disagree)."""


class Backend(ABC):
    """One way of turning an article into a draft."""

    name: str
    model: str
    strategy: str = "single"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    async def draft(
        self,
        article: Article,
        template: PromptTemplate | None,
        *,
        context: DocContext | None = None,
    ) -> DraftOutcome:
        """Extract a draft for one article (the template is ignored by non-LLM backends).

        `context` carries the document's limits (rate, token budget, circuit breaker);
        a backend that makes requests passes it to where each request is sent.
        """

    @property
    def uses_prompt(self) -> bool:
        return True

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections or servers."""
