"""The `single` drafter: one request fills the whole draft (for capable models)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_extract.draft import Draft
from llm_extract.drafters.base import Drafter, DraftOutcome

if TYPE_CHECKING:
    from llm_extract.article import Article
    from llm_extract.backends.base import Generator
    from llm_extract.context import DocContext
    from llm_extract.prompts import PromptTemplate


class SingleDrafter(Drafter):
    """The article rendered into the prompt; the generator answers with a `Draft`."""

    strategy = "single"

    def __init__(
        self,
        generator: Generator,
        template: PromptTemplate,
        *,
        few_shot: bool = True,
        response_model: type[Draft] = Draft,
    ) -> None:
        self.generator = generator
        self.template: PromptTemplate = template
        self.few_shot = few_shot
        self.response_model = response_model  # Draft, or one extended by user records

    async def draft(self, article: Article, context: DocContext) -> DraftOutcome:
        messages = self.template.render(article.text, article.published, few_shot=self.few_shot)
        gen = await self.generator.generate(messages, self.response_model, context=context)
        return DraftOutcome(draft=gen.value)
