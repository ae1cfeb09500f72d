"""Casualty clauses and event dates in the rules, on sentences they have never seen.

Every sentence and article here is a short invented test double (not a real report). Each
test states one definition: an outcome word pairs with the count of its own clause;
surrendering or escaping is no casualty; subjects joined by "and" are one casualty with
every group in its phrase; a date inside a reporting clause dates the report, not the
event; a recap merged into its lead keeps the lead's province and date.
"""

from __future__ import annotations

import datetime as dt

import pytest

from llm_extract.ontology import Outcome, SubEventType, VictimType
from llm_extract.rules import build_draft, find_casualties
from llm_extract.rules.dates import find_date_phrase, reporting_date_phrase

K, W, A = Outcome.KILLED, Outcome.INJURED, Outcome.ABDUCTED


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Gunmen stopped a bus on the road, killing seven passengers and wounding six others.",
            [(K, "seven passengers"), (W, "six others")],
        ),
        (
            "Rebels hit the convoy, wounding four guards and killing two drivers.",
            [(W, "four guards"), (K, "two drivers")],
        ),
        (
            "Three police officers were wounded and two were killed.",
            [(W, "Three police officers"), (K, "two")],
        ),
        ("The blast left 12 dead and 30 wounded.", [(K, "12"), (W, "30")]),
        ("Troops fought the rebels, killing 11 of them.", [(K, "11 of them")]),
        (
            "Bandits killed four farmers and kidnapped a teacher.",
            [(K, "four farmers"), (A, "a teacher")],
        ),
    ],
)
def test_each_outcome_pairs_with_its_own_count(
    sentence: str, expected: list[tuple[Outcome, str]]
) -> None:
    assert [(c.outcome, c.count_text) for c in find_casualties(sentence)] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "11 soldiers were killed and 20 others surrendered, the army said.",
        "Eleven soldiers were killed and 20 others fled into the forest.",
        "11 soldiers were killed while 20 others were rescued.",
        "11 soldiers were killed and 20 others escaped.",
    ],
)
def test_surrender_flight_and_rescue_are_not_casualties(sentence: str) -> None:
    found = find_casualties(sentence)
    assert [(c.outcome, c.count_text[:2]) for c in found] == [(K, sentence[:2])]


def test_a_passive_outcome_never_takes_a_count_after_it() -> None:
    assert find_casualties("The guards were killed and 20 others surrendered.") == []


def test_others_are_the_kind_of_the_group_before_them() -> None:
    found = find_casualties(
        "Gunmen shot at a bus, killing five passengers and wounding six others."
    )
    assert [c.victim_type for c in found] == [VictimType.CIVILIANS, VictimType.CIVILIANS]


@pytest.mark.parametrize(
    ("sentence", "phrase", "victims"),
    [
        (
            "10 soldiers and two civilian drivers were killed in the ambush.",
            "10 soldiers and two civilian drivers",
            VictimType.MIXED,
        ),
        (
            "Three women, two children and a man were wounded.",
            "Three women, two children and a man",
            VictimType.CIVILIANS,
        ),
    ],
)
def test_subjects_joined_by_and_are_one_casualty(
    sentence: str, phrase: str, victims: VictimType
) -> None:
    [found] = find_casualties(sentence)
    assert (found.count_text, found.victim_type) == (phrase, victims)


def test_a_breakdown_is_still_not_a_group() -> None:
    found = find_casualties("Nine civilians, including four children, were killed.")
    assert [c.count_text for c in found] == ["Nine civilians"]


@pytest.mark.parametrize(
    ("sentence", "event", "report"),
    [
        (
            "Troops clashed with rebels near the river, killing 11, army spokesman Ali Musa "
            "said in a statement on Monday.",
            None,
            "on Monday",
        ),
        ("Gunmen killed five people on Monday, police said.", "on Monday", None),
        ("Gunmen killed five people in the market, police said on Monday.", None, "on Monday"),
        ("The army announced Tuesday that its jets had struck a depot.", None, "Tuesday"),
        (
            "The raid lasted an hour, the governor told reporters on Wednesday.",
            None,
            "on Wednesday",
        ),
        (
            "Rebels attacked the town on Sunday, the governor said on Monday.",
            "on Sunday",
            "on Monday",
        ),
        ("Heavy clashes were reported on Monday in the north.", "on Monday", None),
        ("In a statement on Friday, the army said it had repelled an attack.", None, "on Friday"),
    ],
)
def test_a_date_in_a_reporting_clause_dates_the_report(
    sentence: str, event: str | None, report: str | None
) -> None:
    assert find_date_phrase(sentence) == event
    assert reporting_date_phrase(sentence) == report


TUESDAY = dt.date(2024, 4, 16)


def test_an_event_dated_only_by_its_report_has_no_day() -> None:
    text = (
        "Army kills rebels\n\n"
        "Soldiers clashed with rebels near Kumba, killing nine of them, army spokesman "
        "John Doe said in a statement on Monday.\n"
    )
    [event] = build_draft(text, TUESDAY).events
    assert event.sub_event_type is SubEventType.ARMED_CLASH
    assert event.date_text is None


def test_a_recap_dated_only_by_its_report_takes_the_lead_date() -> None:
    text = (
        "Gunmen kill villagers in Nigeria\n\n"
        "Gunmen killed six villagers in Borno state on Saturday, officials said.\n\n"
        "The gunmen killed six villagers in Kwapagu village, a local leader told "
        "reporters on Monday.\n"
    )
    [event] = build_draft(text, TUESDAY).events
    assert event.date_text == "on Saturday"
    assert event.location == "Kwapagu"
    assert event.admin1 == "Borno"  # the recap's village, the lead's state


def test_a_dateless_mention_with_another_toll_is_another_incident() -> None:
    text = (
        "Clashes in the north\n\n"
        "Soldiers clashed with rebels in Borno state on Saturday, killing six of them.\n\n"
        "Troops clashed with rebels near Kwapagu village, killing 14 of them, an army "
        "spokesman said on Monday.\n"
    )
    events = build_draft(text, TUESDAY).events
    assert [e.date_text for e in events] == ["on Saturday", None]


def test_an_outcome_word_used_as_an_adjective_is_no_casualty() -> None:
    sentence = "About 900 people, many of them displaced farmers, marched through the town."
    assert find_casualties(sentence) == []
    [found] = find_casualties("Five wounded soldiers were flown to the capital.")
    assert (found.outcome, found.count_text) == (W, "Five")
