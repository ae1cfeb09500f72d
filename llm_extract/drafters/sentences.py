"""The `sentences` drafter: code reads the fields, a small model answers small questions.

A 135M model cannot fill a whole-article schema, but it can be asked one constrained
question about one sentence. The rules read every field they read well (count phrases,
date expressions, places, canonical actors); the model labels each candidate sentence
with a sub-event type (or none), with worked examples as prior turns. Where the two
disagree the record says so, and `Settings.arbiter` decides who wins: `code` (default)
keeps the rules' reading and flags the model's, `model` takes the model's label, drops
events the model calls non-events and adds events only the model saw.

The system text and examples are byte-stable and the sentence comes last, so a server
that caches the shared prompt prefix pays for it once per run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from llm_extract.draft import MAX_NAMES, MAX_QUOTE, Draft, DraftEvent, main_country
from llm_extract.drafters.base import Drafter, DraftOutcome
from llm_extract.normalize import fold
from llm_extract.ontology import SubEventType
from llm_extract.rules import build_draft
from llm_extract.rules.actors import scan_actors
from llm_extract.rules.dates import find_date_phrase
from llm_extract.rules.places import best_place, province_in, scan_places
from llm_extract.sentences import candidate_sentences

if TYPE_CHECKING:
    from llm_extract.article import Article
    from llm_extract.backends.base import Generator
    from llm_extract.context import DocContext
    from llm_extract.normalize import Gazetteer
    from llm_extract.prompts import Message, PromptTemplate

MAX_SENTENCES = 40
Arbiter = Literal["code", "model"]


class SentenceLabel(BaseModel):
    """The model's one answer about one sentence."""

    model_config = ConfigDict(extra="forbid")
    sub_event_type: SubEventType | None = Field(
        description="The ACLED sub-event type the sentence reports, or null."
    )


def _label(value: SubEventType | None) -> str:
    return value.value if value else "no event"


def _model_only_event(
    text: str, sub: SubEventType, country: str | None, gazetteer: Gazetteer | None = None
) -> DraftEvent:
    """An event only the model saw: its fields still read by code from the sentence.

    `country` is where the article's other events happen; it resolves generic actor
    phrases ("the army", "militants") as the rules do for the whole article.
    """
    actors = scan_actors(text, country=country, gazetteer=gazetteer)
    places = scan_places(text, exclude=[(a.start, a.end) for a in actors], gazetteer=gazetteer)
    place = best_place(places, near=0)
    return DraftEvent(
        evidence=text[:MAX_QUOTE],
        sub_event_type=sub,
        date_text=find_date_phrase(text),
        location=place.surface if place else None,
        admin1=province_in(text, gazetteer),
        country=place.place.country if place and place.place else country,
        actor1=[a.surface for a in actors][:MAX_NAMES],
        actor2=[],
        fatalities_text=None,
    )


def questions(
    text: str, published: dt.date | None, gazetteer: Gazetteer | None = None
) -> tuple[Draft, list[str]]:
    """The rules' draft, and the sentences the model is asked about (each once):
    every candidate sentence plus every sentence the rules read an event from."""
    rules = build_draft(text, published, gazetteer=gazetteer)
    by_text: dict[str, str] = {fold(s.text): s.text for s in candidate_sentences(text)}
    for event in rules.events:
        by_text.setdefault(fold(event.evidence), event.evidence)
    return rules, list(by_text.values())[:MAX_SENTENCES]


class SentencesDrafter(Drafter):
    """Rules draft, checked (or overruled) by one model label per candidate sentence.

    Every question goes through the document's `context`, so the rate limit and the
    token budget hold per request and per document, and a question asked before for
    the same document (e.g. in an overlapping chunk) is not sent again.
    """

    strategy = "sentences"

    def __init__(
        self,
        generator: Generator,
        template: PromptTemplate,
        *,
        arbiter: Arbiter = "code",
        few_shot: bool = True,
    ) -> None:
        self.generator = generator
        self.template: PromptTemplate = template
        self.arbiter: Arbiter = arbiter
        self.few_shot = few_shot

    def messages(self, sentence: str) -> list[Message]:
        """The request asking about one sentence (the `prompts show` command prints them)."""
        return self.template.render(sentence, few_shot=self.few_shot)

    async def draft(self, article: Article, context: DocContext) -> DraftOutcome:
        rules, asked = await asyncio.to_thread(
            questions, article.text, article.published, context.gazetteer
        )
        by_text = {fold(text): text for text in asked}
        labels: dict[str, SubEventType | None] = {}
        for key, text in by_text.items():
            gen = await self.generator.generate(self.messages(text), SentenceLabel, context=context)
            labels[key] = gen.value.sub_event_type
        return arbitrate(rules, labels, by_text, self.arbiter, context.gazetteer)


def arbitrate(
    rules: Draft,
    labels: dict[str, SubEventType | None],
    by_text: dict[str, str],
    arbiter: Arbiter,
    gazetteer: Gazetteer | None = None,
) -> DraftOutcome:
    """The rules' events, flagged where the model's label agrees or not, and settled by
    `arbiter`; sentences only the model labelled become events (model) or warnings (code).
    `labels` and `by_text` are keyed by the folded sentence; places of model-only events
    are looked up in `gazetteer` (None: the process's choice)."""
    warnings: list[str] = []
    flags: dict[int, list[str]] = {}
    events: list[DraftEvent] = []
    covered: set[str] = set()
    for event in rules.events:
        key = fold(event.evidence)
        covered.add(key)
        if key not in labels:
            events.append(event)
            continue
        said = labels[key]
        if said == event.sub_event_type:
            flags.setdefault(len(events), []).append("model_agrees")
            events.append(event)
            continue
        note = f"model read {_label(said)}, rules read {event.sub_event_type.value}"
        if arbiter == "model":
            if said is None:
                warnings.append(f"dropped event {event.evidence[:60]!r}: {note}; model wins")
                continue
            event = event.model_copy(update={"sub_event_type": said})
        flags.setdefault(len(events), []).append(f"disputed: {note}; {arbiter} wins")
        events.append(event)
    country = main_country(rules)
    for key, said in labels.items():
        if key in covered or said is None:
            continue
        if arbiter == "model":
            flags.setdefault(len(events), []).append("model_only")
            events.append(_model_only_event(by_text[key], said, country, gazetteer))
        else:
            warnings.append(f"model saw {said.value} in {by_text[key][:60]!r}; rules did not")
    draft = Draft(actors=rules.actors, events=events[:8], casualties=rules.casualties)
    return DraftOutcome(draft=draft, warnings=warnings, event_flags=flags)
