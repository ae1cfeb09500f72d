"""What every drafter provides: a draft for one article, within the document's context.

A drafter is a strategy: how an article becomes requests to a generator (or none, for
the rules). It is given its generator and prompt when built, and the document's
`DocContext` on every call; what the document cost is booked in that context where each
request is made, so a drafter never sums usage itself.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from llm_extract.draft import Draft

if TYPE_CHECKING:
    from llm_extract.article import Article
    from llm_extract.context import DocContext
    from llm_extract.prompts import PromptTemplate


@dataclass
class DraftOutcome:
    """A drafter's answer for one article."""

    draft: Draft
    warnings: list[str] = field(default_factory=list)
    event_flags: dict[int, list[str]] = field(default_factory=dict)
    """Flags for draft events by index (e.g. where model and rules disagree)."""


class Drafter(ABC):
    """One way of turning an article into a draft."""

    strategy: str
    template: PromptTemplate | None = None
    """The prompt this drafter sends (None: it sends none), for provenance and cache keys."""

    @abstractmethod
    async def draft(self, article: Article, context: DocContext) -> DraftOutcome:
        """Extract a draft for one article; every request goes through `context`."""
