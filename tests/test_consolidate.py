"""Cross-article consolidation on the seeds' gold and on small hand-built cases."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from llm_extract.consolidate import (
    consolidate,
    links,
    places_agree,
    reconcile_fatalities,
)
from llm_extract.models import (
    Count,
    Document,
    ErrorInfo,
    ExtractionResult,
    Location,
)

GOLD = Path(__file__).resolve().parents[1] / "seeds" / "gold"


def _gold() -> list[Document]:
    return [
        Document.model_validate_json(p.read_text(encoding="utf-8"))
        for p in sorted(GOLD.glob("*.gold.json"))
    ]


def _doc(doc_id: str, *events: dict[str, Any], actors: Sequence[str] = ()) -> Document:
    """A document with actors a1..aN named `actors`, and the given events."""
    return Document.model_validate(
        {
            "doc_id": doc_id,
            "actors": [{"id": f"a{i + 1}", "name": n} for i, n in enumerate(actors)],
            "events": [{"id": f"e{i + 1}", **e} for i, e in enumerate(events)],
        }
    )


def _strike(
    place: str = "Salma",
    admin1: str | None = "Latakia",
    start: str = "2016-01-11",
    end: str | None = None,
    actor1: list[str] = ["a1"],  # noqa: B006 - read only
    sub: str = "Air/drone strike",
    fatalities: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "event_type": "Explosions/Remote violence"
        if sub in ("Air/drone strike", "Shelling/artillery/missile attack")
        else "Battles",
        "sub_event_type": sub,
        "date": {"start": start, "end": end or start, "precision": "day"},
        "location": {"name": place, "admin1": admin1, "country": "Syria"},
        "actor1": actor1,
        "fatalities": fatalities,
        "evidence": [f"Strike on {place} on {start}."],
    }


# --- the seeds' gold -------------------------------------------------------------------


def test_gold_seeds_link_exactly_the_shared_air_strike() -> None:
    """(b) links.json says 000#e2 and 003#e3 are one event; nothing else merges."""
    events = consolidate(_gold())
    expected = json.loads((GOLD / "links.json").read_text(encoding="utf-8"))
    assert links(events) == expected
    assert len(events) == 6 + 5 - 1
    merged = [e for e in events if len(e.sources) > 1]
    assert len(merged) == 1
    strike = merged[0]
    assert strike.members == ["000_4c7802ff51b8819f#e2", "003_083b7cf5f0b80020#e3"]
    assert strike.doc_ids == ["000_4c7802ff51b8819f", "003_083b7cf5f0b80020"]
    assert strike.sub_event_type.value == "Air/drone strike"
    assert strike.location.name == "Salma"
    # both sources' evidence is kept, word for word
    gold = {d.doc_id: d for d in _gold()}
    for source in strike.sources:
        event = next(e for e in gold[source.doc_id].events if e.id == source.event_id)
        assert source.evidence == event.evidence
    assert {s.source for s in strike.sources} == {d.source for d in gold.values()}
    assert "Military Forces of Russia" in strike.actor1
    # 000 says 11-12 Jan, 003 says 10-11 Jan: the window both allow
    assert (strike.date.start, strike.date.end) == (dt.date(2016, 1, 11), dt.date(2016, 1, 11))


def test_gold_seeds_keep_the_near_misses_apart() -> None:
    events = consolidate(_gold())
    alone = {e.members[0] for e in events if len(e.sources) == 1}
    # shelling at Salma (003#e4) is not the air strike; the Salma battles of 10-11 Jan
    # (003#e1) and 12 Jan (000#e1) do not overlap in time; the undated clash (000#e6) has
    # no date to agree on.
    for key in ("003_083b7cf5f0b80020#e4", "003_083b7cf5f0b80020#e1"):
        assert key in alone
    for key in ("000_4c7802ff51b8819f#e1", "000_4c7802ff51b8819f#e6"):
        assert key in alone


def test_result_does_not_depend_on_input_order() -> None:
    docs = _gold()
    first = consolidate(docs)
    for perm in itertools.permutations(docs):
        assert consolidate(list(perm)) == first
    shuffled = [d.model_copy(update={"events": list(reversed(d.events))}) for d in docs]
    assert [e.members for e in consolidate(shuffled)] == [e.members for e in first]


def test_extraction_results_are_accepted_and_errors_skipped() -> None:
    docs = _gold()
    results = [ExtractionResult(doc_id=d.doc_id, document=d) for d in docs]
    results.append(
        ExtractionResult(
            doc_id="broken",
            status="error",
            error=ErrorInfo(stage="transport", type="X", message="down"),
        )
    )
    assert consolidate(results) == consolidate(docs)
    assert consolidate([]) == []


# --- rules -----------------------------------------------------------------------------


def test_chains_merge_across_three_articles() -> None:
    """A~B and B~C but A and C do not overlap in time: union-find still joins all three."""
    a = _doc("a", _strike(start="2016-01-10", end="2016-01-11"), actors=["Russia"])
    b = _doc("b", _strike(start="2016-01-11", end="2016-01-12"), actors=["Russia"])
    c = _doc("c", _strike(start="2016-01-12", end="2016-01-13"), actors=["Russia"])
    events = consolidate([c, a, b])
    assert [e.members for e in events] == [["a#e1", "b#e1", "c#e1"]]


def test_events_of_one_article_are_never_merged_even_through_a_chain() -> None:
    a = _doc(
        "a",
        _strike(start="2016-01-10", end="2016-01-11"),
        _strike(start="2016-01-11", end="2016-01-12"),
        actors=["Russia"],
    )
    b = _doc("b", _strike(start="2016-01-11"), actors=["Russia"])
    groups = sorted(e.members for e in consolidate([a, b]))
    assert len(groups) == 2
    assert all(len({m.split("#")[0] for m in g}) == len(g) for g in groups)
    assert ["a#e2", "b#e1"] in groups or ["a#e1", "b#e1"] in groups


@pytest.mark.parametrize(
    ("other", "merged"),
    [
        (_strike(place="Maarat al-Numan", admin1="Idlib"), False),  # another place
        (_strike(place="Latakia", admin1="Latakia"), True),  # the province around Salma
        (_strike(start="2016-01-14"), False),  # dates apart
        (_strike(sub="Shelling/artillery/missile attack"), False),  # another weapon
        (_strike(actor1=["a2"]), False),  # other actors
        (_strike(actor1=[]), True),  # no actor named: no conflict
        (_strike(start="2016-01-01", end="2016-01-31"), True),  # month window holds the day
    ],
)
def test_pair_rules(other: dict[str, Any], merged: bool) -> None:
    a = _doc("a", _strike(), actors=["Military Forces of Russia"])
    b = _doc("b", other, actors=["Military Forces of Russia", "Islamic State"])
    assert (len(consolidate([a, b])) == 1) is merged


def test_battle_sub_types_are_compatible() -> None:
    a = _doc("a", _strike(sub="Armed clash"), actors=["Military Forces of Syria"])
    b = _doc("b", _strike(sub="Government regains territory"), actors=["Military Forces of Syria"])
    (event,) = consolidate([a, b])
    assert len(event.sources) == 2


def test_undated_events_do_not_merge() -> None:
    undated = _strike()
    undated["date"] = {"start": None, "end": None, "precision": "unknown"}
    a = _doc("a", undated, actors=["Russia"])
    b = _doc("b", dict(undated), actors=["Russia"])
    assert len(consolidate([a, b])) == 2


def test_spelling_variants_are_one_place() -> None:
    assert places_agree(
        Location(name="Maaret al-Numan", admin1="Idlib"), Location(name="Maarat al-Numan")
    )
    assert not places_agree(Location(name="Salma", admin1="Latakia"), Location(name="Idlib"))
    assert places_agree(Location(name="Kadeen and Wadi Nabaa Miro"), Location(name="Kadeen"))
    assert not places_agree(Location(), Location())


# --- fatalities ------------------------------------------------------------------------


def test_fatalities_reconciled_ucdp_style() -> None:
    counts = [
        Count(low=10, best=10, high=10, text="10 people"),
        Count(low=12, best=12, high=None, text="dozens"),
        Count(low=8, best=8, high=15, text="between 8 and 15"),
        None,
    ]
    merged = reconcile_fatalities(counts)
    assert merged is not None
    assert (merged.low, merged.best, merged.high) == (8, 8, 15)
    assert merged.text == "10 people | dozens | between 8 and 15"


def test_one_source_figure_is_kept_as_is() -> None:
    only = Count(low=21, best=21, high=None, text="more than 21")
    assert reconcile_fatalities([None, only, Count(text="several")]) == only
    assert reconcile_fatalities([None, None]) is None


def test_merged_event_carries_reconciled_fatalities() -> None:
    a = _doc("a", _strike(actor1=[], fatalities={"low": 21, "best": 21, "high": 21, "text": "21"}))
    b = _doc(
        "b", _strike(actor1=[], fatalities={"low": 25, "best": 25, "high": 30, "text": "25-30"})
    )
    (event,) = consolidate([a, b])
    assert event.fatalities is not None
    assert (event.fatalities.low, event.fatalities.best, event.fatalities.high) == (21, 21, 30)
