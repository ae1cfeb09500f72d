"""User records in every output: fields added to `Event`, `Actor` and `Casualty` reach
JSONL, JSON, CSV and Parquet with their values (invented text, a regression test)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from llm_extract import Actor, Casualty, Event
from llm_extract.assemble import assemble
from llm_extract.models import Evidence, ExtractionResult
from llm_extract.records import Records, draft_model
from llm_extract.writers import open_writer


class ArmedEvent(Event):
    weapon: str | None = Field(None, description="The weapon used, as the article names it.")
    claimed_by: Evidence | None = None


class SourcedActor(Actor):
    role: str | None = None
    claimed_by: Evidence | None = None


class QuotedCasualty(Casualty):
    source_quote: Evidence | None = None
    tally: dict[str, int] | None = None  # no cell holds a dict: written as JSON


WRITTEN = Records(event=ArmedEvent, actor=SourcedActor, casualty=QuotedCasualty)
WRITTEN_TEXT = (
    "Fighters killed three soldiers near Goma on Tuesday, the group said. Residents fled."
)


def _actor(name: str, role: str, claimed_by: str | None) -> dict[str, Any]:
    return {"name": name, "actor_type": "other", "country": None, "role": role,
            "claimed_by": claimed_by}  # fmt: skip


def test_every_writer_carries_event_actor_and_casualty_fields(tmp_path: Path) -> None:
    """One result with fields added to all three records, written in every format: each
    added field is in each file with its value, and `Evidence` fields of actors and
    casualties are grounded like the event's (the article's words, or dropped)."""
    pytest.importorskip("pyarrow")
    from llm_extract.parquet import events_table, read_results

    event = {
        "evidence": "Fighters killed three soldiers near Goma on Tuesday",
        "sub_event_type": "Armed clash",
        **dict.fromkeys(("date_text", "location", "admin1", "country", "fatalities_text")),
        "actor1": ["Fighters"],
        "actor2": ["soldiers", "Residents"],
        "weapon": "mortar",
        "claimed_by": "THE GROUP  said",  # retyped by the model
    }
    casualty = {
        "evidence": "Fighters killed three soldiers near Goma",
        "outcome": "killed",
        "count_text": "three soldiers",
        "victim_type": "unknown",
        "perpetrator": [],
        "source_quote": "the group said",
        "tally": {"killed": 3},
    }
    actors = [
        _actor("Fighters", "attacker", "fighters KILLED three soldiers"),
        _actor("soldiers", "defender", "words the article never had"),
        _actor("Residents", "bystanders", None),
    ]
    draft = draft_model(WRITTEN).model_validate(
        {"actors": actors, "events": [event], "casualties": [casualty]}
    )
    built = assemble(draft, doc_id="d1", text=WRITTEN_TEXT, records=WRITTEN)
    doc = built.document
    assert "actors[soldiers].claimed_by: 'words the article never had' not found" in " ".join(
        built.warnings
    )
    fighters = next(a for a in doc.actors if a.mentions == ["Fighters"])
    assert isinstance(fighters, SourcedActor)
    span = next(s for s in fighters.spans if getattr(s, "field", None) == "claimed_by")
    assert WRITTEN_TEXT[span.start : span.end] == "Fighters killed three soldiers"
    (cas,) = doc.casualties
    assert isinstance(cas, QuotedCasualty) and cas.event == "e1"
    assert [getattr(s, "field", None) for s in cas.spans] == [None, "source_quote"]
    result = ExtractionResult(doc_id="d1", status="ok", document=doc)

    expected = {
        "weapon": "mortar",
        "claimed_by": "the group said",
        "actor1_role": "attacker",
        "assoc_actor_1_role": "",
        "actor2_role": "defender",
        "assoc_actor_2_role": "bystanders",
        "actor1_claimed_by": "Fighters killed three soldiers",
        "assoc_actor_1_claimed_by": "",
        "actor2_claimed_by": "",  # not in the article: dropped, with the warning above
        "assoc_actor_2_claimed_by": "",
        "casualty_source_quote": "the group said",
        "casualty_tally": '{"killed": 3}',
    }
    columns = WRITTEN.extra_columns
    assert sorted(columns) == sorted(expected)
    for fmt in ("jsonl", "json", "csv", "parquet"):
        with open_writer(tmp_path / f"out.{fmt}", fmt, extra_columns=columns) as writer:
            writer.write(result)
    with (tmp_path / "out.csv").open(newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    table = events_table(tmp_path / "out.parquet", columns).to_pylist()
    assert len(table) == 1
    wrong = [
        (column, fmt, got, want)
        for column, want in expected.items()
        for fmt, got in (("csv", row[column]), ("parquet", table[0][column]))
        if got != want
    ]
    assert wrong == []
    back = [
        ExtractionResult.model_validate_json((tmp_path / "out.jsonl").read_text()),
        ExtractionResult.model_validate(json.loads((tmp_path / "out.json").read_text())[0]),
        next(iter(read_results(tmp_path / "out.parquet"))),
    ]
    for again in back:
        assert WRITTEN.adopt(again.document) == doc
