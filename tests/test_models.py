"""Records: gold files load as the same types predictions use; ACLED rules enforced."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from llm_extract.models import Count, DateRange, Document, Event
from llm_extract.ontology import SUB_EVENT_TYPES, EventType, SubEventType, event_type_of
from tests.conftest import SEEDS


def test_public_api_imports() -> None:
    from llm_extract import Actor, Casualty, Event, Extractor, aextract, extract  # noqa: F401


@pytest.mark.parametrize("path", sorted((SEEDS / "gold").glob("*.gold.json")), ids=str)
def test_seed_gold_loads_and_round_trips(path: object) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    doc = Document.model_validate(raw)
    assert len(doc.events) == len(raw["events"]) and len(doc.actors) == len(raw["actors"])
    again = json.loads(doc.model_dump_json(exclude_defaults=True))
    for key in ("doc_id", "published", "source"):
        assert again[key] == raw[key]
    assert [e["sub_event_type"] for e in again["events"]] == [
        e["sub_event_type"] for e in raw["events"]
    ]


def test_ontology_is_acled_verbatim() -> None:
    assert len(EventType) == 6 and len(SubEventType) == 25
    assert sum(len(v) for v in SUB_EVENT_TYPES.values()) == 25
    assert event_type_of("Air/drone strike") is EventType.EXPLOSIONS
    assert event_type_of("Government regains territory").value == "Battles"


def test_wrong_sub_event_type_is_rejected_with_the_allowed_ones() -> None:
    with pytest.raises(ValidationError) as err:
        Event(id="e1", event_type="Battles", sub_event_type="Air/drone strike")
    message = str(err.value)
    assert "'Air/drone strike' does not belong to event_type 'Battles'" in message
    assert "'Armed clash'" in message


def test_unknown_event_type_is_rejected() -> None:
    with pytest.raises(ValidationError):
        Event(id="e1", event_type="Skirmish", sub_event_type="Armed clash")


def test_dangling_actor_reference_names_the_field() -> None:
    with pytest.raises(ValidationError, match=r"events\[0\] \(e1\)\.actor1: unknown actor id 'a9'"):
        Document.model_validate(
            {
                "doc_id": "d",
                "events": [
                    {
                        "id": "e1",
                        "event_type": "Battles",
                        "sub_event_type": "Armed clash",
                        "actor1": ["a9"],
                    }
                ],
            }
        )


def test_count_and_date_ranges_must_be_ordered() -> None:
    assert Count(low=120, best=120, high=None, text="more than 120").best == 120
    with pytest.raises(ValidationError, match="low 20 > best 10"):
        Count(low=20, best=10, text="x")
    with pytest.raises(ValidationError, match="starts"):
        DateRange(start="2016-01-13", end="2016-01-12", precision="day")


def test_gold_only_fields_suffice_and_extras_survive() -> None:
    doc = Document.model_validate({"doc_id": "d", "published": None, "custom": 1})
    assert doc.events == [] and doc.model_dump()["custom"] == 1
