"""Pairwise agreement rules and the one-to-one assignment behind `llm_extract.evaluate`."""

from __future__ import annotations

import datetime as dt

import pytest

from llm_extract.evaluate.matching import (
    actors_agree,
    align_document,
    assign,
    count_range,
    counts_overlap,
    dates_overlap,
    events_agree,
    fold_name,
    fold_place,
    ground_quote,
    locations_agree,
)
from llm_extract.models import (
    Actor,
    AlignmentStatus,
    Count,
    DateRange,
    Document,
    Event,
    Location,
)


def loc(name: str | None, admin1: str | None = None) -> Location:
    return Location(name=name, admin1=admin1)


def day(s: str | None, e: str | None = None) -> DateRange:
    start = dt.date.fromisoformat(s) if s else None
    end = dt.date.fromisoformat(e) if e else start
    return DateRange(start=start, end=end)


def event(id: str, name: str, start: str | None, sub: str = "Armed clash", **kw: object) -> Event:
    return Event.model_validate(
        {
            "id": id,
            "event_type": kw.pop("event_type", "Battles"),
            "sub_event_type": sub,
            "location": {"name": name, "admin1": kw.pop("admin1", None)},
            "date": {"start": start, "end": kw.pop("end", start)},
            **kw,
        }
    )


def test_fold_name_ignores_case_diacritics_punctuation() -> None:
    assert fold_name("Al-Nusra Front") == fold_name("al Nusra  front") == "al nusra front"
    assert fold_name("Ma'arat al-Nu‘mān") == fold_name("Maarat al Numan")
    assert fold_place("the town of Salma") == fold_place("SALMA") == "salma"


@pytest.mark.parametrize(
    ("gold", "pred", "agree"),
    [
        (loc("Salma", "Latakia"), loc("the town of Salma"), True),  # same after folding
        (loc("Salma", "Latakia"), loc("Latakia"), True),  # pred names gold's admin1
        (loc("Latakia"), loc("Salma", "Latakia"), True),  # gold names pred's admin1
        (loc("Kadeen and Wadi Nabaa Miro"), loc("Kadeen"), True),  # contained as words
        (loc("Manbij"), loc("Manbij city"), True),
        (loc("Salma", "Latakia"), loc("Homs", "Homs"), False),
        (loc("Salma"), loc("Salmaya"), False),  # a prefix is not a word
        (Location(country="Ukraine"), Location(name="Lviv", country="Ukraine"), True),
        (Location(name="Lviv", country="Ukraine"), Location(country="Ukraine"), True),
        (Location(country="Ukraine"), Location(name="Kharkiv"), False),  # country unknown
        (Location(name="Salma", country="Syria"), Location(name="Homs", country="Syria"), False),
        (loc(None), loc(None), True),  # names nothing: only matches nothing
        (loc("Salma"), loc(None), False),
    ],
)
def test_locations_agree(gold: Location, pred: Location, agree: bool) -> None:
    assert locations_agree(gold, pred) is agree


@pytest.mark.parametrize(
    ("gold", "pred", "overlap"),
    [
        (day("2016-01-10", "2016-01-11"), day("2016-01-11", "2016-01-12"), True),
        (day("2016-01-11"), day("2016-01-12"), False),  # off by one day
        (day("2016-01-11"), day(None), False),  # missing matches only missing
        (day(None), day(None), True),
        (day("2016-01-11"), DateRange(start=dt.date(2016, 1, 1)), True),  # open end
    ],
)
def test_dates_overlap(gold: DateRange, pred: DateRange, overlap: bool) -> None:
    assert dates_overlap(gold, pred) is overlap


def c(low: int | None, best: int | None, high: int | None) -> Count:
    return Count(low=low, best=best, high=high)


def test_count_ranges() -> None:
    assert count_range(c(120, 120, None)) == (120, float("inf"))  # "more than 120"
    assert count_range(c(None, None, 20)) == (0, 20)  # low falls back to 0
    assert count_range(c(None, 7, None)) == (7, float("inf"))  # then to best
    assert count_range(c(None, None, None)) is None  # "several": unquantified


@pytest.mark.parametrize(
    ("gold", "pred", "overlap"),
    [
        (c(10, 10, 15), c(12, 12, 12), True),  # inside the range
        (c(10, 10, 15), c(16, 16, 16), False),  # outside it
        (c(10, 10, None), c(500, 500, 500), True),  # open above
        (c(10, 10, 15), c(15, 15, 20), True),  # touching ends overlap
        # Decision: an unquantified count matches only another unquantified count.
        (c(None, None, None), c(None, None, None), True),
        (c(None, None, None), c(5, 5, 5), False),
        (c(5, 5, 5), c(None, None, None), False),
    ],
)
def test_counts_overlap(gold: Count, pred: Count, overlap: bool) -> None:
    assert counts_overlap(gold, pred) is overlap


def test_actor_agreement_by_mention_and_fuzzy() -> None:
    gold = Actor(id="a1", name="National Defence Forces", mentions=["NDF"])
    assert actors_agree(gold, Actor(id="p", name="national defence forces."))
    assert actors_agree(gold, Actor(id="p", name="x", mentions=["NDF"]))
    assert actors_agree(gold, Actor(id="p", name="National Defense Forces"))  # ratio 95.7
    # Conservative: ratio("hezbollah", "hizbollah") is 88.9, below the threshold of 90.
    hezbollah = Actor(id="a2", name="Hezbollah")
    assert not actors_agree(hezbollah, Actor(id="p", name="Hizbollah"))
    assert not actors_agree(gold, Actor(id="p", name="Hamas"))


def test_events_need_same_type() -> None:
    gold = event("e1", "Salma", "2016-01-10")
    assert events_agree(gold, event("p1", "Salma", "2016-01-10", "Government regains territory"))
    other = event(
        "p1", "Salma", "2016-01-10", "Air/drone strike", event_type="Explosions/Remote violence"
    )
    assert not events_agree(gold, other)


def test_ground_quote_levels() -> None:
    text = "Twenty-one\u00a0civilians were killed in Russian raids on Maaret al-Numan."
    assert ground_quote("Russian raids on Maaret", text) is AlignmentStatus.EXACT
    assert ground_quote("twenty-one civilians  were", text) is AlignmentStatus.NORMALIZED
    assert ground_quote("civilians were kiled in Russian raids", text) is AlignmentStatus.FUZZY
    assert ground_quote("Rebels shelled Aleppo overnight", text) is AlignmentStatus.NOT_FOUND
    assert ground_quote("  ", text) is AlignmentStatus.NOT_FOUND


def test_required_gold_preferred_over_optional() -> None:
    """One prediction fits a required and an optional gold event: it takes the required
    one, whichever order they come in."""
    required = event("e2", "Salma", "2016-01-10")
    optional = event("e1", "Salma", "2016-01-10", optional=True)
    pred = event("p1", "Salma", "2016-01-10")
    for gold in ([required, optional], [optional, required]):
        result = assign(gold, [pred], events_agree, lambda g, p: 0.0)
        assert [(g.id, p.id) for g, p in result.pairs] == [("e2", "p1")]
        assert [g.id for g in result.unmatched_gold] == ["e1"]


def test_more_matches_beat_better_bonuses() -> None:
    """Cardinality first: giving p1 to e1 (the larger bonus) would leave e2 unmatched."""
    e1 = event("e1", "Salma", "2016-01-10", admin1="Latakia")
    e2 = event("e2", "Latakia", "2016-01-10")
    p1 = event("p1", "Salma", "2016-01-10", admin1="Latakia")  # fits e1, and e2 by admin1
    p2 = event("p2", "Salma", "2016-01-10")  # fits e1 only

    def bonus(g: Event, p: Event) -> float:
        return 1.0 if (g.id, p.id) == ("e1", "p1") else 0.0

    result = assign([e1, e2], [p1, p2], events_agree, bonus)
    assert sorted((g.id, p.id) for g, p in result.pairs) == [("e1", "p2"), ("e2", "p1")]


def test_event_actor_keys_resolve_through_actor_alignment() -> None:
    gold = Document(
        doc_id="d",
        actors=[Actor(id="a1", name="Military Forces of Syria", mentions=["Syrian army"])],
        events=[event("e1", "Salma", "2016-01-10", actor1=["a1"])],
    )
    pred = Document(
        doc_id="d",
        actors=[Actor(id="x", name="Syrian Army")],
        events=[event("p1", "Salma", "2016-01-10", actor1=["x"])],
    )
    al = align_document(gold, pred)
    assert al.pred_actor_keys == {"x": "military forces of syria"}
    assert [(g.id, p.id) for g, p in al.events.pairs] == [("e1", "p1")]


KADEEN = (
    'It specified that pro-regime troops had "seized most of the surrounding hills and '
    'elevations, the last of which - Kadeen and Wadi Nabaa Miro - were taken today."'
)
RECENT = (
    "The recent fighting comes after the beleaguered rebels holed up in the Jabal al-Akrad "
    "region northeast of Latakia have been dealt a series of defeats in recent weeks."
)


def test_prediction_quoting_the_gold_sentence_takes_the_pair() -> None:
    """Issue 14 (seed 003 e2): of two agreeing predictions, the one quoting the gold
    event's sentence is its pair, even when its date is read a day later; the one that
    only shares the province and a wide date range is the false positive. Both id orders."""
    gold = event("e2", "Kadeen", "2016-01-10", admin1="Latakia", evidence=[KADEEN])
    same_sentence = event(
        "p5", "Kadeen", "2016-01-11", "Government regains territory", evidence=[KADEEN]
    )
    wide = event("p4", "Latakia", "2016-01-05", end="2016-01-11", evidence=[RECENT])
    for p_same, p_wide in (("p5", "p4"), ("p1", "p9")):
        preds = [
            same_sentence.model_copy(update={"id": p_same}),
            wide.model_copy(update={"id": p_wide}),
        ]
        doc_g = Document(doc_id="d", events=[gold])
        doc_p = Document(doc_id="d", events=preds)
        result = align_document(doc_g, doc_p).events
        assert [(g.id, p.id) for g, p in result.pairs] == [("e2", p_same)]
        assert [p.id for p in result.unmatched_pred] == [p_wide]


def test_shared_evidence_does_not_bridge_type_or_place() -> None:
    """A shared sentence only forgives a date read up to a week off, or missing: another
    event type, a place outside the gold event's or a date years away still do not agree;
    short fragments do not count."""
    gold = event("e1", "Kadeen", "2016-01-10", evidence=[KADEEN])
    week_off = event("p1", "Kadeen", "2016-01-17", evidence=[KADEEN])
    assert events_agree(gold, week_off)
    years_off = event("p5", "Kadeen", "2012-06-01", evidence=[KADEEN])
    assert not events_agree(gold, years_off)
    undated = event("p6", "Kadeen", None, evidence=[KADEEN])
    assert events_agree(gold, undated)  # a missing date does not contradict the quote
    assert not events_agree(gold, event("p7", "Kadeen", None))  # ...but alone it is no match
    elsewhere = event("p2", "Aleppo", "2016-01-11", evidence=[KADEEN])
    assert not events_agree(gold, elsewhere)
    strike = event(
        "p3", "Kadeen", "2016-01-11", "Air/drone strike",
        event_type="Explosions/Remote violence", evidence=[KADEEN],
    )  # fmt: skip
    assert not events_agree(gold, strike)
    fragment = event("p4", "Kadeen", "2016-01-11", evidence=["were taken today"])
    assert not events_agree(gold, fragment)
