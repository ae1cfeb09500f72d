"""Long articles: split on sentence boundaries, draft each chunk, merge the drafts.

A model sees a bounded context and returns at most a few events per call (the draft
schema caps lists so small models cannot loop), so a 40,000-character report would lose
most of its events in one call. This module cuts an article into overlapping chunks of
whole sentences and merges chunk drafts into one draft for the WHOLE article; the
`chunked` drafter (`llm_extract.drafters.chunked`) wraps any drafter with them. Offsets
need no shifting: the assemble stage aligns every quote against the whole article text.
"""

from __future__ import annotations

from dataclasses import dataclass

from llm_extract.draft import Draft, DraftActor, DraftCasualty, DraftEvent
from llm_extract.normalize import fold
from llm_extract.text import split_sentences

DEFAULT_MAX_CHARS = 6000
"""Chunk size cap: about 1,500 tokens of article, and few enough events per chunk for a
draft's bounded lists (8 events, 8 casualties) to hold them all."""

DEFAULT_OVERLAP = 400
"""Characters of whole sentences repeated at the start of the next chunk, so an event
told across a chunk boundary is seen whole at least once."""

CHARS_PER_TOKEN = 3.5
PROMPT_TOKENS = 2500
"""Instructions, schema and few-shot examples: what the prompt costs besides the article."""


@dataclass(frozen=True)
class Chunk:
    """A slice of an article: `article.text[start:end] == text`."""

    index: int
    start: int
    end: int
    text: str


def max_chars_for_context(
    context_tokens: int, max_tokens: int, *, prompt_tokens: int = PROMPT_TOKENS
) -> int:
    """Largest chunk (characters) that fits the model's context beside prompt and answer,
    capped at `DEFAULT_MAX_CHARS` (a draft holds only a few events)."""
    room = context_tokens - max_tokens - prompt_tokens
    return max(1000, min(DEFAULT_MAX_CHARS, int(room * CHARS_PER_TOKEN)))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Contiguous [start, end) pieces covering `text`, one per sentence of the text
    layer's splitter, each running to where the next sentence starts (so it carries its
    trailing whitespace and line breaks)."""
    starts = [s.start for s in split_sentences(text)]
    if not starts:
        return [(0, len(text))] if text else []
    starts[0] = 0
    ends = [*starts[1:], len(text)]
    return [(s, e) for s, e in zip(starts, ends, strict=True) if e > s]


def _hard_split(start: int, end: int, text: str, max_chars: int) -> list[tuple[int, int]]:
    """A sentence longer than a chunk, cut at the last whitespace before the limit."""
    out: list[tuple[int, int]] = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        cut = cut + 1 if cut > start else start + max_chars
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def split_text(
    text: str, max_chars: int = DEFAULT_MAX_CHARS, overlap: int = DEFAULT_OVERLAP
) -> list[Chunk]:
    """Chunks of whole sentences, each at most `max_chars` long (unless one sentence is
    longer, then it is cut at whitespace), the next one starting with up to `overlap`
    characters of the previous one's last sentences. Deterministic; one chunk when the
    text fits."""
    if max_chars <= 0:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    if overlap < 0 or overlap >= max_chars:
        raise ValueError(f"overlap must be in [0, max_chars), got {overlap}")
    if len(text) <= max_chars:
        return [Chunk(0, 0, len(text), text)]
    pieces: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        pieces += _hard_split(s, e, text, max_chars)
    chunks: list[Chunk] = []
    first = 0
    while first < len(pieces):
        last = first
        while last + 1 < len(pieces) and pieces[last + 1][1] - pieces[first][0] <= max_chars:
            last += 1
        start, end = pieces[first][0], pieces[last][1]
        chunks.append(Chunk(len(chunks), start, end, text[start:end]))
        if last == len(pieces) - 1:
            break
        nxt = last + 1
        while (
            nxt - 1 > first
            and end - pieces[nxt - 1][0] <= overlap
            and pieces[last + 1][1] - pieces[nxt - 1][0] <= max_chars
        ):
            nxt -= 1
        first = nxt
    return chunks


def event_key(e: DraftEvent) -> tuple[str, str]:
    return (fold(e.evidence), e.sub_event_type.value)


def _casualty_key(c: DraftCasualty) -> tuple[str, str]:
    return (fold(c.evidence), c.outcome.value)


def merge_drafts(drafts: list[Draft]) -> Draft:
    """One draft from chunk drafts, in chunk order: events and casualties repeated by the
    overlap (same evidence, same sub-event type or outcome) once, actors once per name.

    Built without validation: the list bounds are per model call, and a merged draft of a
    long article may rightly hold more than one call could.
    """
    actors: dict[str, DraftActor] = {}
    events: dict[tuple[str, str], DraftEvent] = {}
    casualties: dict[tuple[str, str], DraftCasualty] = {}
    for draft in drafts:
        for a in draft.actors:
            actors.setdefault(fold(a.name), a)
        for e in draft.events:
            events.setdefault(event_key(e), e)
        for c in draft.casualties:
            casualties.setdefault(_casualty_key(c), c)
    return Draft.model_construct(
        actors=list(actors.values()),
        events=list(events.values()),
        casualties=list(casualties.values()),
    )
