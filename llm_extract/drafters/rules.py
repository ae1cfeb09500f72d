"""The `rules` drafter: trigger lexicons and the alias table read the draft; no model.

It needs nothing but the package itself, so it is the offline baseline: fast, free,
deterministic, and what every model is compared with. Its draft goes through the same
assemble stage as a model's, so grounding and normalisation are identical.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from llm_extract.drafters.base import Drafter, DraftOutcome
from llm_extract.rules import build_draft

if TYPE_CHECKING:
    from llm_extract.article import Article
    from llm_extract.context import DocContext


class RulesDrafter(Drafter):
    """Rule-based drafts; the work runs off the event loop."""

    strategy = "rules"

    async def draft(self, article: Article, context: DocContext) -> DraftOutcome:
        draft = await asyncio.to_thread(
            build_draft, article.text, article.published, gazetteer=context.gazetteer
        )
        return DraftOutcome(draft=draft)
