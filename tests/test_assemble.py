"""The assemble stage: drafts become grounded, normalised records, whatever wrote them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from llm_extract.assemble import assemble
from llm_extract.draft import Draft, DraftActor, DraftCasualty, DraftEvent
from llm_extract.models import AlignmentStatus, Casualty, Event

TEXT = (
    "Russian jets bombed the town of Salma in Latakia province on Monday, the monitor said.\n"
    "Twenty-one civilians were killed in the raids on the market, medics said."
)
PUBLISHED = dt.date(2016, 1, 13)  # a Wednesday


def event(**kw: Any) -> DraftEvent:
    base: dict[str, Any] = {
        "evidence": TEXT.splitlines()[0],
        "sub_event_type": "Air/drone strike",
        "date_text": "on Monday",
        "location": "Salma",
        "admin1": None,
        "country": "Syria",
        "actor1": ["Russian jets"],
        "actor2": [],
        "fatalities_text": None,
    }
    base.update(kw)
    return DraftEvent(**base)


def casualty(**kw: Any) -> DraftCasualty:
    base: dict[str, Any] = {
        "evidence": TEXT.splitlines()[1],
        "outcome": "killed",
        "count_text": "Twenty-one civilians",
        "victim_type": "civilians",
        "perpetrator": [],
    }
    base.update(kw)
    return DraftCasualty(**base)


def draft(
    events: Sequence[DraftEvent] = (),
    casualties: Sequence[DraftCasualty] = (),
    actors: Sequence[DraftActor] = (),
) -> Draft:
    return Draft(actors=list(actors), events=list(events), casualties=list(casualties))


def test_code_sets_type_date_place_and_canonical_actor() -> None:
    out = assemble(draft([event()]), doc_id="d", text=TEXT, published=PUBLISHED)
    (ev,) = out.document.events
    assert ev.event_type.value == "Explosions/Remote violence"
    assert (ev.date.start, ev.date.end) == (dt.date(2016, 1, 11),) * 2
    assert (ev.location.name, ev.location.admin1, ev.location.country) == (
        "Salma",
        "Latakia",
        "Syria",
    )
    (actor,) = out.document.actors
    assert actor.name == "Military Forces of Russia"
    assert actor.actor_type.value == "external_forces"  # Russian forces fighting in Syria
    assert ev.actor1 == [actor.id] and actor.mentions == ["Russian jets"]
    assert any(n.rule == "alias table" and n.original == "Russian jets" for n in out.normalisations)


def test_offsets_slice_back_to_the_evidence() -> None:
    out = assemble(draft([event()], [casualty()]), doc_id="d", text=TEXT, published=PUBLISHED)
    records: list[Event | Casualty] = [*out.document.events, *out.document.casualties]
    for record in records:
        span = record.spans[0]
        quote = record.evidence[0] if isinstance(record.evidence, list) else record.evidence
        assert TEXT[span.start : span.end] == quote


def test_invented_continuation_is_trimmed_to_the_real_sentence() -> None:
    real = TEXT.splitlines()[0]
    out = assemble(
        draft([event(evidence=real + " Dozens of tanks then entered the city from the south.")]),
        doc_id="d",
        text=TEXT,
    )
    (ev,) = out.document.events
    assert ev.evidence == [real]
    assert out.dropped == 0


def test_ungrounded_records_are_dropped_and_counted_or_kept_and_flagged() -> None:
    made_up = event(evidence="Tanks shelled a hospital in Aleppo killing forty people overnight.")
    out = assemble(draft([made_up]), doc_id="d", text=TEXT)
    assert out.document.events == [] and out.dropped == 1
    assert any("evidence not found" in w for w in out.warnings)
    kept = assemble(draft([made_up]), doc_id="d", text=TEXT, keep_ungrounded=True)
    (ev,) = kept.document.events
    assert "ungrounded" in ev.flags and ev.spans[0].status is AlignmentStatus.NOT_FOUND


def test_actor_not_named_in_the_article_is_dropped() -> None:
    out = assemble(draft([event(actor1=["Turkish drones"])]), doc_id="d", text=TEXT)
    assert out.document.actors == [] and out.document.events[0].actor1 == []
    assert any("Turkish drones" in w for w in out.warnings)


def test_count_is_read_from_the_evidence_when_the_model_misreads_it() -> None:
    out = assemble(draft(casualties=[casualty(count_text="12 civilians")]), doc_id="d", text=TEXT)
    (cas,) = out.document.casualties
    assert (cas.count.low, cas.count.best, cas.count.high) == (21, 21, 21)
    assert cas.count.text == "Twenty-one civilians"
    assert any("not supported by its evidence" in w for w in out.warnings)


def test_casualty_links_to_the_event_reported_in_the_same_sentence() -> None:
    second = event(evidence=TEXT.splitlines()[1], location=None, date_text=None)
    out = assemble(draft([event(), second], [casualty()]), doc_id="d", text=TEXT)
    assert out.document.casualties[0].event == out.document.events[1].id


def test_duplicates_merge_and_flags_reach_the_record() -> None:
    out = assemble(
        draft([event(), event()]),
        doc_id="d",
        text=TEXT,
        event_flags={0: ["model_agrees"]},
    )
    assert len(out.document.events) == 1
    assert out.document.events[0].flags == ["model_agrees"]
    assert any("duplicate" in w for w in out.warnings)


def test_nbsp_in_the_article_does_not_stop_grounding() -> None:
    text = TEXT.replace("the monitor said", "the\u00a0monitor\u00a0said")
    out = assemble(draft([event()]), doc_id="d", text=text)
    (ev,) = out.document.events
    assert ev.spans[0].status is AlignmentStatus.NORMALIZED
    assert "\u00a0" in ev.evidence[0]  # the article's own characters, not the model's


def test_groups_counted_one_by_one_become_victim_groups_and_their_sum() -> None:
    text = "Militants ambushed a convoy on Tuesday, killing 10 soldiers and two civilian drivers."
    found = casualty(evidence=text, count_text="10 soldiers and two civilian drivers")
    out = assemble(draft(casualties=[found]), doc_id="d", text=text)
    (cas,) = out.document.casualties
    assert (cas.count.best, cas.count.text) == (12, "10 soldiers and two civilian drivers")
    assert [(g.label, g.count.best) for g in cas.victim_groups] == [
        ("soldiers", 10),
        ("civilian drivers", 2),
    ]
    assert not out.warnings  # the quote states the sum group by group
