"""Typed records: the same models read gold files and hold predictions.

Field names follow the gold format (seeds/gold/FORMAT.md, version 1) wherever the two
overlap, so a gold file loads with `Document.model_validate_json` and a prediction can be
scored against it without conversion. Fields the gold format does not have (grounding
spans, flags) are optional extras with defaults, so gold files without them still load.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    field_validator,
    model_validator,
)

from llm_extract.ontology import (
    SUB_EVENT_TYPES,
    ActorType,
    DatePrecision,
    EventType,
    Outcome,
    SubEventType,
    VictimType,
)


class _Record(BaseModel):
    """Base for records: unknown fields are kept, so newer files round-trip."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, use_enum_values=False)


class EvidenceMarker:
    """Marks a string field as a verbatim quote from the article (see `Evidence`)."""

    def __repr__(self) -> str:
        return "EVIDENCE"


EVIDENCE = EvidenceMarker()
Evidence = Annotated[str, EVIDENCE]
"""A field a user adds to a record typed `Evidence` (or `Evidence | None`, `list[Evidence]`)
is a quote: the model is asked to copy it verbatim and code grounds it in the article
like the records' own evidence (see `llm_extract.records`)."""


class AlignmentStatus(str, Enum):
    """How an evidence quote was found in the article text."""

    EXACT = "exact"
    NORMALIZED = "normalized"  # after folding whitespace, NBSP, quotes, dashes and case
    FUZZY = "fuzzy"
    NOT_FOUND = "not_found"


class Span(_Record):
    """Where a quote sits in the article: `text[start:end]` is the grounded passage."""

    quote: str
    start: int | None = None
    end: int | None = None
    status: AlignmentStatus = AlignmentStatus.NOT_FOUND
    score: float | None = None


class Count(_Record):
    """UCDP-style low/best/high figure, with the verbatim phrase it was read from."""

    low: int | None = None
    best: int | None = None
    high: int | None = None
    text: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Count:
        values = [v for v in (self.low, self.best, self.high) if v is not None]
        if any(v < 0 for v in values):
            raise ValueError(f"count {self.text!r}: figures must not be negative")
        if self.low is not None and self.best is not None and self.low > self.best:
            raise ValueError(f"count {self.text!r}: low {self.low} > best {self.best}")
        if self.best is not None and self.high is not None and self.best > self.high:
            raise ValueError(f"count {self.text!r}: best {self.best} > high {self.high}")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"count {self.text!r}: low {self.low} > high {self.high}")
        return self


class DateRange(_Record):
    start: dt.date | None = None
    end: dt.date | None = None
    precision: DatePrecision = DatePrecision.UNKNOWN

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"date range starts {self.start} after it ends {self.end}")
        return self


class Location(_Record):
    name: str | None = None
    admin1: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class Actor(_Record):
    id: str
    name: str
    mentions: list[str] = Field(default_factory=list)
    actor_type: ActorType = ActorType.OTHER
    country: str | None = None
    optional: bool = False
    spans: list[Span] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


class Event(_Record):
    id: str
    event_type: EventType
    sub_event_type: SubEventType
    date: DateRange = Field(default_factory=DateRange)
    location: Location = Field(default_factory=Location)
    actor1: list[str] = Field(default_factory=list)
    actor2: list[str] = Field(default_factory=list)
    fatalities: Count | None = None
    evidence: list[str] = Field(default_factory=list)
    reported_by: list[str] = Field(default_factory=list)
    optional: bool = False
    date_text: str | None = None
    spans: list[Span] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _sub_event_belongs(self) -> Event:
        allowed = SUB_EVENT_TYPES[self.event_type]
        if self.sub_event_type not in allowed:
            names = ", ".join(repr(s.value) for s in allowed)
            raise ValueError(
                f"sub_event_type {self.sub_event_type.value!r} does not belong to "
                f"event_type {self.event_type.value!r}; ACLED allows: {names}"
            )
        return self


class VictimGroup(_Record):
    label: str
    count: Count


class Casualty(_Record):
    id: str
    event: str | None = None
    outcome: Outcome
    count: Count
    victim_type: VictimType = VictimType.UNKNOWN
    victim_groups: list[VictimGroup] = Field(default_factory=list)
    perpetrator: list[str] = Field(default_factory=list)
    evidence: str = ""
    optional: bool = False
    spans: list[Span] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


class Document(_Record):
    """One article's records; also the whole of a gold file."""

    doc_id: str
    published: dt.date | None = None
    source: str | None = None
    # SerializeAsAny: a user's subclass of a record (extra fields) is written whole.
    actors: list[SerializeAsAny[Actor]] = Field(default_factory=list)
    events: list[SerializeAsAny[Event]] = Field(default_factory=list)
    casualties: list[SerializeAsAny[Casualty]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_resolve(self) -> Document:
        actor_ids = {a.id for a in self.actors}
        event_ids = {e.id for e in self.events}
        for kind, ids in (("actor", actor_ids), ("event", event_ids)):
            items = self.actors if kind == "actor" else self.events
            if len(ids) != len(items):
                raise ValueError(f"duplicate {kind} ids in document {self.doc_id!r}")
        for i, event in enumerate(self.events):
            for side in ("actor1", "actor2"):
                for ref in getattr(event, side):
                    if ref not in actor_ids:
                        raise ValueError(
                            f"events[{i}] ({event.id}).{side}: unknown actor id {ref!r}"
                        )
        for i, cas in enumerate(self.casualties):
            if cas.event is not None and cas.event not in event_ids:
                raise ValueError(
                    f"casualties[{i}] ({cas.id}).event: unknown event id {cas.event!r}"
                )
            for ref in cas.perpetrator:
                if ref not in actor_ids:
                    raise ValueError(
                        f"casualties[{i}] ({cas.id}).perpetrator: unknown actor id {ref!r}"
                    )
        return self

    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)


class Usage(BaseModel):
    """Tokens summed over every attempt of every call for a document."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cost_usd: float | None = None

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage) -> Usage:
        cost = None
        if self.cost_usd is not None or other.cost_usd is not None:
            cost = (self.cost_usd or 0.0) + (other.cost_usd or 0.0)
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            calls=self.calls + other.calls,
            cost_usd=cost,
        )


class Provenance(BaseModel):
    """What produced a result: enough to reproduce it and to key a cache on it."""

    backend: str
    model: str
    strategy: str
    prompt_id: str | None = None
    prompt_hash: str | None = None
    schema_hash: str
    package_version: str


class Normalisation(BaseModel):
    """One value that code set or changed, and from what."""

    path: str
    original: Any = None
    value: Any = None
    rule: str


class ErrorInfo(BaseModel):
    """Why a document has no records. The batch goes on without it."""

    stage: str
    type: str
    message: str
    attempts: int = 1


class ExtractionResult(BaseModel):
    """The outcome for one document: records plus provenance, or an error record."""

    doc_id: str
    status: Literal["ok", "error"] = "ok"
    document: Document | None = None
    provenance: Provenance | None = None
    usage: Usage = Field(default_factory=Usage)
    timings: dict[str, float] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    normalisations: list[Normalisation] = Field(default_factory=list)
    dropped: int = 0
    cached: bool = False
    error: ErrorInfo | None = None
    # The article text, with `include_text` set, so a run can be reviewed on its own;
    # left out of the JSON when absent so runs without it are unchanged.
    text: str | None = Field(None, exclude_if=lambda v: v is None)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def events(self) -> list[Event]:
        return self.document.events if self.document else []

    @property
    def actors(self) -> list[Actor]:
        return self.document.actors if self.document else []

    @property
    def casualties(self) -> list[Casualty]:
        return self.document.casualties if self.document else []
