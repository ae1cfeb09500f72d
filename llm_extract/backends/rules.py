"""The `rules` backend: drafts from trigger lexicons and the alias table, no model.

It needs nothing but the package itself, so it is the offline baseline: fast, free,
deterministic, and what every model backend is compared with. Its draft goes through the
same assemble stage as a model's, so grounding and normalisation are identical.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from llm_extract.backends.base import Backend, DraftOutcome
from llm_extract.models import Usage
from llm_extract.rules import RULES_VERSION, build_draft

if TYPE_CHECKING:
    from llm_extract.article import Article
    from llm_extract.context import DocContext
    from llm_extract.prompts import PromptTemplate


class RulesBackend(Backend):
    """Rule-based extraction; `model` names the rule set so caches tell versions apart."""

    name = "rules"
    model = RULES_VERSION
    version = RULES_VERSION

    @property
    def uses_prompt(self) -> bool:
        return False

    async def draft(
        self,
        article: Article,
        template: PromptTemplate | None,
        *,
        context: DocContext | None = None,
    ) -> DraftOutcome:
        """Rules ignore the prompt template; the work runs off the event loop."""
        draft = await asyncio.to_thread(build_draft, article.text, article.published)
        return DraftOutcome(draft=draft, usage=Usage(), attempts=1)
