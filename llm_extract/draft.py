"""What the model is asked to fill: a flat draft that code turns into records.

The draft asks only for what a reader must judge (which sentence, which kind of event,
who did it) and for verbatim phrases where code reads better than a model: the date
expression, the count phrase. Ids, event types (derived from the sub-event type),
low/best/high figures, dates and canonical actor names are all set by code afterwards.
Every field is required (nullable where it may be absent) so the same schema is valid for
OpenAI's strict structured outputs and for llama.cpp's grammar-constrained decoding.
Evidence comes first in each object so the model quotes before it classifies.
Lengths and list sizes are bounded: llama.cpp turns the bounds into its grammar, which
stops a small model from looping inside a string until it runs out of tokens.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from llm_extract.ontology import ActorType, Outcome, SubEventType, VictimType

MAX_QUOTE = 600
MAX_NAME = 100
MAX_PHRASE = 80
MAX_NAMES = 6


class _Draft(BaseModel):
    model_config = ConfigDict(extra="forbid")


Name = Annotated[str, Field(max_length=MAX_NAME)]


class DraftActor(_Draft):
    name: str = Field(max_length=MAX_NAME, description="The actor as the article names it.")
    actor_type: ActorType
    country: str | None = Field(max_length=MAX_PHRASE, description="Its country, if stated.")


class DraftEvent(_Draft):
    evidence: str = Field(
        max_length=MAX_QUOTE, description="The sentence that reports it, copied verbatim."
    )
    sub_event_type: SubEventType
    date_text: str | None = Field(
        max_length=MAX_PHRASE,
        description="The date expression as written, e.g. 'on Tuesday'; null if none.",
    )
    location: str | None = Field(max_length=MAX_NAME, description="Place as named.")
    admin1: str | None = Field(max_length=MAX_NAME, description="Province, if named.")
    country: str | None = Field(max_length=MAX_PHRASE)
    actor1: list[Name] = Field(max_length=MAX_NAMES, description="Who carried it out.")
    actor2: list[Name] = Field(max_length=MAX_NAMES, description="The other side or target.")
    fatalities_text: str | None = Field(
        max_length=MAX_PHRASE,
        description="The phrase giving the number killed, verbatim; null if none.",
    )


class DraftCasualty(_Draft):
    evidence: str = Field(max_length=MAX_QUOTE, description="The clause reporting it, verbatim.")
    outcome: Outcome
    count_text: str = Field(max_length=MAX_PHRASE, description="How many, verbatim.")
    victim_type: VictimType
    perpetrator: list[Name] = Field(max_length=MAX_NAMES, description="Who caused it.")


class Draft(_Draft):
    """The model's answer for one article (or one chunk of it)."""

    actors: list[DraftActor] = Field(max_length=12)
    events: list[DraftEvent] = Field(max_length=8)
    casualties: list[DraftCasualty] = Field(max_length=8)


@lru_cache(maxsize=16)
def schema_hash(model: type[BaseModel] = Draft) -> str:
    """Stable hash of a response schema; a changed schema must miss the cache.

    Cached: building a JSON Schema costs milliseconds and the answer never changes
    within a process, but it is asked for every document.
    """
    canonical = json.dumps(model.model_json_schema(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def main_country(draft: Draft) -> str | None:
    """The country most of the draft's events are placed in, if any says.

    Generic actor phrases ("the army", "militants") and state forces abroad are read
    against it, both when a draft is assembled and when the model adds an event.
    """
    countries = Counter(e.country for e in draft.events if e.country)
    return countries.most_common(1)[0][0] if countries else None
