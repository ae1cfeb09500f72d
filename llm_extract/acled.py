"""ACLED's column layout for our events, so existing ACLED tooling reads our output.

One row per event, under ACLED's own column names and order. Columns we have no value
for (ISO codes, regions, admin2/3, source scale, upload timestamp) are left blank rather
than guessed. `event_id_cnty` is `<doc_id>:<event id>`, which keeps rows traceable to the
article they came from.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from enum import Enum

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from llm_extract.models import Actor, Document, Event
from llm_extract.ontology import INTER_CODE, ActorType, DatePrecision, EventType, SubEventType

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

# ACLED's time precision: 1 = the day is known, 2 = within a week, 3 = a month or more.
TIME_PRECISION: dict[DatePrecision, int] = {
    DatePrecision.DAY: 1,
    DatePrecision.WEEK: 2,
    DatePrecision.MONTH: 3,
    DatePrecision.YEAR: 3,
}

POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
CIVILIAN_TARGETING = "Civilian targeting"


def disorder_type(event_type: EventType, sub_event_type: SubEventType) -> str:
    """ACLED's disorder type, which splits riots and protests by sub-event type."""
    if sub_event_type is SubEventType.EXCESSIVE_FORCE:
        return f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}"
    if sub_event_type is SubEventType.MOB_VIOLENCE:
        return POLITICAL_VIOLENCE
    if event_type in (EventType.PROTESTS, EventType.RIOTS):
        return DEMONSTRATIONS
    if event_type is EventType.STRATEGIC_DEVELOPMENTS:
        return EventType.STRATEGIC_DEVELOPMENTS.value
    return POLITICAL_VIOLENCE


def interaction(inter1: int | None, inter2: int | None) -> str:
    """ACLED's two-digit interaction code: lower inter code first, `x0` for one side."""
    if inter1 is None and inter2 is None:
        return ""
    codes = sorted(c for c in (inter1, inter2) if c is not None)
    if len(codes) == 1:
        return f"{codes[0]}0"
    return f"{codes[0]}{codes[1]}"


def _side(doc: Document, ids: list[str]) -> tuple[str, str, int | None, list[Actor]]:
    actors = [a for a in (doc.actor(i) for i in ids) if a is not None]
    if not actors:
        return "", "", None, []
    first, rest = actors[0], actors[1:]
    return first.name, "; ".join(a.name for a in rest), INTER_CODE[first.actor_type], actors


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def event_row(doc: Document, event: Event) -> dict[str, str]:
    """One ACLED row for one event; every column present, blank where we have nothing."""
    actor1, assoc1, inter1, _ = _side(doc, event.actor1)
    actor2, assoc2, inter2, targets = _side(doc, event.actor2)
    date = event.date.start or event.date.end
    targets_civilians = event.event_type is EventType.VIOLENCE_AGAINST_CIVILIANS or any(
        a.actor_type is ActorType.CIVILIANS for a in targets
    )
    fatalities = event.fatalities.best if event.fatalities else None
    row = dict.fromkeys(ACLED_COLUMNS, "")
    row.update(
        {
            "event_id_cnty": f"{doc.doc_id}:{event.id}",
            "event_date": date.isoformat() if date else "",
            "year": str(date.year) if date else "",
            "time_precision": _cell(TIME_PRECISION.get(event.date.precision)),
            "disorder_type": disorder_type(event.event_type, event.sub_event_type),
            "event_type": event.event_type.value,
            "sub_event_type": event.sub_event_type.value,
            "actor1": actor1,
            "assoc_actor_1": assoc1,
            "inter1": _cell(inter1),
            "actor2": actor2,
            "assoc_actor_2": assoc2,
            "inter2": _cell(inter2),
            "interaction": interaction(inter1, inter2),
            "civilian_targeting": CIVILIAN_TARGETING if targets_civilians else "",
            "country": _cell(event.location.country),
            "admin1": _cell(event.location.admin1),
            "location": _cell(event.location.name),
            "latitude": _cell(event.location.latitude),
            "longitude": _cell(event.location.longitude),
            "source": "; ".join([*([doc.source] if doc.source else []), *event.reported_by]),
            "notes": " ".join(event.evidence),
            "fatalities": _cell(fatalities),
            "tags": "; ".join(event.flags),
        }
    )
    return row


# Where a user's added actor and casualty fields go in an event row: the ACLED column
# naming the actor(s), or `casualty`, then `_<field>` (e.g. `actor1_claimed_by`).
ACTOR_SIDES: tuple[str, ...] = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")
CASUALTY_PREFIX = "casualty"


def extra_columns_for(
    event: Iterable[str] = (), actor: Iterable[str] = (), casualty: Iterable[str] = ()
) -> tuple[str, ...]:
    """The columns after the trace columns for fields a user's classes add: each event
    field under its own name; each actor field four times (`actor1_<f>`,
    `assoc_actor_1_<f>`, `actor2_<f>`, `assoc_actor_2_<f>`: the actors of that ACLED
    column); each casualty field as `casualty_<f>` (the event's casualties)."""
    actor = tuple(actor)
    return (
        *event,
        *(f"{side}_{name}" for name in actor for side in ACTOR_SIDES),
        *(f"{CASUALTY_PREFIX}_{name}" for name in casualty),
    )


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, Enum, dt.date))


def extra_cell(value: object) -> str:
    """A user-added field as one cell: lists of plain values joined with '; ', anything
    else a cell cannot hold (objects, nested lists) as JSON, so nothing is lost."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)) and all(_scalar(v) for v in value):
        return "; ".join(extra_cell(v) for v in value)
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(to_jsonable_python(value), ensure_ascii=False)
    return str(value)


def _has(record: BaseModel, name: str) -> bool:
    return name in type(record).model_fields or name in (record.model_extra or {})


def _many(records: Iterable[BaseModel], name: str) -> str:
    return "; ".join(extra_cell(getattr(r, name, None)) for r in records)


def _extra_value(doc: Document, event: Event, column: str) -> str:
    """One added column's cell for an event row (see `extra_columns_for`)."""
    if _has(event, column):
        return extra_cell(getattr(event, column))
    for side in ACTOR_SIDES:
        if column.startswith(side + "_"):
            ids = event.actor1 if side.endswith("1") else event.actor2
            ids = ids[:1] if side.startswith("actor") else ids[1:]
            actors = [a for a in (doc.actor(i) for i in ids) if a is not None]
            return _many(actors, column[len(side) + 1 :])
    if column.startswith(CASUALTY_PREFIX + "_"):
        mine = [c for c in doc.casualties if c.event == event.id]
        return _many(mine, column[len(CASUALTY_PREFIX) + 1 :])
    return ""


def document_rows(doc: Document, extra_columns: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """ACLED rows for every event of a document, in event order; `extra_columns` hold
    the fields a user's classes add (`extra_columns_for`; read back from JSON they are
    extras)."""
    return [
        {**event_row(doc, event), **{c: _extra_value(doc, event, c) for c in extra_columns}}
        for event in doc.events
    ]


def doc_id_of(event_id_cnty: str) -> str:
    """The document a row came from (inverse of the `event_id_cnty` we write)."""
    return event_id_cnty.rsplit(":", 1)[0]
