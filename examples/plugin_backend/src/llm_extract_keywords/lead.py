"""The `lead` strategy: only the article's lead event, a drafter registered on its own.

A strategy is a factory `(backend, settings) -> Drafter` declared in the
`llm_extract.drafters` entry-point group; `--strategy lead` (or `Settings(strategy="lead")`)
chooses it over any backend's default. This one needs no model: it drafts the first
sentence the keyword table matches (news leads with what happened), so with
`--backend keywords` each article gets at most the first event of the `keywords` strategy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_extract.backends import Backend
from llm_extract.drafters import Drafter, DraftOutcome
from llm_extract_keywords.backend import KeywordBackend, draft_from_keywords, load_table

if TYPE_CHECKING:
    from llm_extract.article import Article
    from llm_extract.context import DocContext
    from llm_extract.settings import Settings


class LeadDrafter(Drafter):
    """The first matching sentence as the one event; offline, deterministic, no prompt."""

    strategy = "lead"

    def __init__(self, backend: Backend) -> None:
        self.table = backend.table if isinstance(backend, KeywordBackend) else load_table()[0]

    async def draft(self, article: Article, context: DocContext) -> DraftOutcome:
        draft, _ = draft_from_keywords(article.text, self.table)
        left = len(draft.events) - 1
        warnings = [f"lead: {left} later event(s) not drafted (lead only)"] if left > 0 else []
        lead = draft.model_copy(update={"events": draft.events[:1]})
        return DraftOutcome(draft=lead, warnings=warnings)


def lead_drafter(backend: Backend, settings: Settings) -> Drafter:
    """The `lead` strategy over the keyword backend's table (or the shipped table)."""
    return LeadDrafter(backend)
