"""`chunked(drafter)`: any drafter, asked once per chunk of a long article.

The article is cut into overlapping chunks of whole sentences (`llm_extract.chunking`),
the inner drafter drafts each with the document's one context (so the budget, the rate
limit and the memo of questions span all chunks), and the chunk drafts are merged into
one draft for the whole article. A failed chunk is retried, then reported in the
warnings; the draft fails only when every chunk failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_extract.chunking import (
    DEFAULT_MAX_CHARS,
    DEFAULT_OVERLAP,
    Chunk,
    event_key,
    merge_drafts,
    split_text,
)
from llm_extract.drafters.base import Drafter, DraftOutcome
from llm_extract.errors import DeadlineError, RunAbortedError, TokenBudgetError

if TYPE_CHECKING:
    from llm_extract.article import Article
    from llm_extract.context import DocContext
    from llm_extract.draft import Draft
    from llm_extract.settings import Settings


class ChunkedDrafter(Drafter):
    """Any drafter, asked once per chunk of a long article; drafts merged into one."""

    def __init__(
        self,
        inner: Drafter,
        *,
        max_chars: int = DEFAULT_MAX_CHARS,
        overlap: int = DEFAULT_OVERLAP,
        retries: int = 1,
    ) -> None:
        if overlap < 0 or overlap >= max_chars:
            raise ValueError(f"overlap must be in [0, max_chars={max_chars}), got {overlap}")
        self.inner = inner
        self.strategy = inner.strategy
        self.template = inner.template
        self.max_chars = max_chars
        self.overlap = overlap
        self.retries = retries

    def chunks(self, article: Article) -> list[Chunk]:
        return split_text(article.text, self.max_chars, self.overlap)

    def _part(self, article: Article, chunk: Chunk) -> Article:
        return article.model_copy(
            update={"doc_id": f"{article.doc_id}#chunk{chunk.index}", "text": chunk.text}
        )

    async def _draft_chunk(
        self, article: Article, chunk: Chunk, context: DocContext
    ) -> tuple[DraftOutcome | None, Exception | None, int]:
        part = self._part(article, chunk)
        error: Exception | None = None
        for attempt in range(1, self.retries + 2):
            try:
                return await self.inner.draft(part, context), None, attempt
            except (RunAbortedError, TokenBudgetError, DeadlineError):  # the document is over
                raise
            except Exception as exc:  # one failed chunk must not lose the others
                error = exc
        return None, error, self.retries + 1

    async def draft(self, article: Article, context: DocContext) -> DraftOutcome:
        """Draft each chunk in order (retrying a failure), then merge; raise only when
        every chunk failed."""
        chunks = self.chunks(article)
        if len(chunks) == 1:
            return await self.inner.draft(article, context)
        drafts: list[Draft] = []
        flags: dict[tuple[str, str], list[str]] = {}
        warnings: list[str] = []
        last_error: Exception | None = None
        for chunk in chunks:
            outcome, error, tries = await self._draft_chunk(article, chunk, context)
            where = f"chunk {chunk.index + 1}/{len(chunks)} (chars {chunk.start}-{chunk.end})"
            if outcome is None:
                last_error = error
                warnings.append(
                    f"{where} failed after {tries} attempts, its records are missing: "
                    f"{type(error).__name__}: {error}"
                )
                continue
            drafts.append(outcome.draft)
            for i, event in enumerate(outcome.draft.events):
                for flag in outcome.event_flags.get(i, []):
                    flags.setdefault(event_key(event), []).append(flag)
            warnings += [f"{where}: {w}" for w in outcome.warnings]
        if not drafts:
            assert last_error is not None
            raise last_error
        merged = merge_drafts(drafts)
        event_flags = {
            i: list(dict.fromkeys(flags[key]))
            for i, e in enumerate(merged.events)
            if (key := event_key(e)) in flags
        }
        return DraftOutcome(draft=merged, warnings=warnings, event_flags=event_flags)


def chunked(drafter: Drafter, settings: Settings) -> Drafter:
    """`drafter` wrapped for long articles when the settings enable chunking
    (`chunk_chars` > 0); unchanged otherwise, and never wrapped twice."""
    max_chars = settings.chunk_chars
    if not max_chars or isinstance(drafter, ChunkedDrafter):
        return drafter
    overlap = min(settings.chunk_overlap, max_chars - 1)
    return ChunkedDrafter(drafter, max_chars=int(max_chars), overlap=overlap)
