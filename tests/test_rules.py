"""Rules backend: lexicon triggers, sides, casualty clauses, dates and the whole pipeline.

Every sentence and article here is a short invented test input written for these tests
(not a real article, not gold). The trigger table checks that the lexicons, written from
ACLED's definitions, pick the sub-event type a reader of that definition would.
"""

from __future__ import annotations

import datetime as dt

import pytest

from llm_extract.backends import Generator, get_backend
from llm_extract.backends.rules import RulesBackend
from llm_extract.extract import Extractor
from llm_extract.ontology import ActorType, Outcome, SubEventType, VictimType
from llm_extract.rules import (
    build_draft,
    find_actors,
    find_casualties,
    find_date_phrase,
    scan_actors,
    scan_places,
    sentence_events,
)
from llm_extract.settings import Settings

S = SubEventType


def sub_types(sentence: str, country: str | None = "Syria") -> list[SubEventType]:
    actors = scan_actors(sentence, country=country)
    places = scan_places(sentence, exclude=[(a.start, a.end) for a in actors])
    events = sentence_events(sentence, actors, places, find_casualties(sentence))
    return [e.sub_event_type for e in events]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Warplanes bombed a market in the town of Arbin on Monday.", S.AIR_DRONE_STRIKE),
        ("A drone strike hit a car near the village of Kafr Sijna.", S.AIR_DRONE_STRIKE),
        ("Artillery shelling hit the outskirts of the city overnight.", S.SHELLING),
        ("Militants fired rockets at the base on Friday.", S.SHELLING),
        ("A suicide bomber blew himself up at a checkpoint.", S.SUICIDE_BOMB),
        ("A roadside bomb struck a patrol on the highway.", S.REMOTE_EXPLOSIVE),
        ("A landmine exploded under a tractor in the fields.", S.REMOTE_EXPLOSIVE),
        ("Unknown men threw a grenade into a bar.", S.GRENADE),
        ("Doctors treated victims of a chlorine gas attack.", S.CHEMICAL_WEAPON),
        ("Rebels and the army clashed near the bridge on Sunday.", S.ARMED_CLASH),
        ("Militants ambushed an army convoy on the road.", S.ARMED_CLASH),
        (
            "Syrian troops recaptured the town of Tal Sabra from rebels.",
            S.GOVERNMENT_REGAINS_TERRITORY,
        ),
        (
            "Rebels seized the village of Deir Foo after the army withdrew.",
            S.NON_STATE_OVERTAKES_TERRITORY,
        ),
        ("Gunmen shot dead a teacher outside his home.", S.ATTACK),
        ("Gunmen abducted six aid workers on the road.", S.ABDUCTION),
        ("Soldiers raped two women in the village, witnesses said.", S.SEXUAL_VIOLENCE),
        ("Hundreds of students protested against fee increases.", S.PEACEFUL_PROTEST),
        (
            "Police fired tear gas to disperse protesters in the capital.",
            S.PROTEST_WITH_INTERVENTION,
        ),
        ("Security forces opened fire on protesters with live ammunition.", S.EXCESSIVE_FORCE),
        ("Demonstrators threw stones at police and burned tyres.", S.VIOLENT_DEMONSTRATION),
        ("An angry mob lynched a suspected thief at the market.", S.MOB_VIOLENCE),
        ("Police arrested 12 people suspected of smuggling.", S.ARRESTS),
        ("Looters ransacked shops after the curfew.", S.LOOTING),
        ("The two sides signed a ceasefire agreement in the capital.", S.AGREEMENT),
        ("The militia established a new base near the border.", S.HEADQUARTERS_ESTABLISHED),
        ("Government troops withdrew from the town under a deal.", S.NON_VIOLENT_TRANSFER),
        ("Two armed factions merged into a single group.", S.CHANGE_TO_GROUP),
        ("Engineers defused a bomb planted under a bridge.", S.DISRUPTED_WEAPONS_USE),
    ],
)
def test_trigger_lexicon_picks_the_acled_sub_type(sentence: str, expected: SubEventType) -> None:
    assert expected in sub_types(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The army is preparing to retake the town.",
        "Rebels threatened to attack the base.",
        "The weather was mild and markets were busy.",
        "The war has left more than 100,000 people dead since 2011.",
        "Officials condemned the fighting and urged calm.",
    ],
)
def test_no_event_for_plans_totals_opinions_or_background(sentence: str) -> None:
    assert sub_types(sentence) == []


def test_police_raids_and_hunger_strikes_are_not_air_strikes() -> None:
    assert S.AIR_DRONE_STRIKE not in sub_types("Police raids on houses found nothing.")
    assert S.AIR_DRONE_STRIKE not in sub_types("Prisoners began a hunger strike.")


def test_foreign_military_strikes_default_to_air_strikes() -> None:
    assert sub_types("Russian strikes killed five fighters near the town of Kfar Loo.") == [
        S.AIR_DRONE_STRIKE
    ]


def test_sides_from_by_against_and_from() -> None:
    sentence = "Syrian troops backed by Hezbollah took the town of Tal Sabra from rebels."
    actors = scan_actors(sentence, country="Syria")
    places = scan_places(sentence, exclude=[(a.start, a.end) for a in actors])
    [event] = sentence_events(sentence, actors, places, [])
    assert event.sub_event_type is S.GOVERNMENT_REGAINS_TERRITORY
    assert {a.info.name for a in event.actor1} == {"Military Forces of Syria", "Hezbollah"}
    assert {a.info.name for a in event.actor2} == {"Syrian rebel groups"}


def test_civilian_victims_are_the_target_side() -> None:
    sentence = "Ten civilians were killed in Russian raids on the town of Kfar Loo."
    actors = scan_actors(sentence, country="Syria")
    [event] = sentence_events(sentence, actors, scan_places(sentence), find_casualties(sentence))
    assert [a.info.name for a in event.actor1] == ["Military Forces of Russia"]
    assert [a.info.actor_type for a in event.actor2] == [ActorType.CIVILIANS]


def test_find_actors_resolves_aliases_and_patterns() -> None:
    found = find_actors("Turkish troops and al-Nusra Front fighters fought near the city.")
    assert [info.name for _, info in found] == ["Military Forces of Turkey", "Al Nusra Front"]
    assert found[0][0] == "Turkish troops"
    kenya = find_actors("Police fired at protesters.", country="Kenya")
    assert [info.name for _, info in kenya] == ["Police Forces of Kenya", "Protesters (Kenya)"]


def test_casualty_clauses_pair_outcomes_with_their_counts() -> None:
    found = find_casualties(
        "Gunmen killed three soldiers and wounded five others, while 20 families were displaced."
    )
    assert [(c.outcome, c.count_text) for c in found] == [
        (Outcome.KILLED, "three soldiers"),
        (Outcome.INJURED, "five others"),
        (Outcome.DISPLACED, "20 families"),
    ]
    assert found[0].victim_type is VictimType.COMBATANTS


def test_casualty_breakdown_is_not_a_second_casualty() -> None:
    found = find_casualties("Another 9 civilians, including four children, were killed.")
    assert [(c.outcome, c.count_text) for c in found] == [(Outcome.KILLED, "Another 9 civilians")]
    assert found[0].victim_type is VictimType.CIVILIANS


def test_passive_count_before_dead_is_preferred() -> None:
    found = find_casualties("The blast left 12 people dead and forced hundreds from their homes.")
    assert [(c.outcome, c.count_text) for c in found] == [
        (Outcome.KILLED, "12 people"),
        (Outcome.DISPLACED, "hundreds"),
    ]


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Clashes broke out on Tuesday near the border.", "on Tuesday"),
        ("Rebels attacked late Sunday night.", "late Sunday night"),
        ("The town fell on March 3, 2019, officials said.", "March 3, 2019"),
        ("Two were killed yesterday in the market.", "yesterday"),
        ("Over 40 strikes were reported over the past two days.", "over the past two days"),
        ("The area has seen no fighting.", None),
    ],
)
def test_date_phrase_is_found_verbatim(sentence: str, phrase: str | None) -> None:
    assert find_date_phrase(sentence) == phrase


ARTICLE = (
    "Rebels seize town after heavy fighting\n\n"
    "Rebel fighters on Monday seized the town of Kafr Toon, in the province of Hama, "
    "after clashes with government forces, a monitor said.\n\n"
    "Twelve soldiers were killed in the clashes.\n\n"
    "The town's capture by the rebels was confirmed on Monday by local activists.\n\n"
    "Separately, Syrian warplanes bombed the village of Deir Loo on Sunday, killing four "
    "civilians, including a child.\n"
)


def test_backend_is_registered_and_offline() -> None:
    backend = get_backend(Settings(backend="rules", cache=False))
    assert isinstance(backend, RulesBackend)
    assert backend.name == "rules"
    assert backend.model == backend.version == "rules-v11"
    assert not isinstance(backend, Generator)  # nothing to ask: the rules drafter reads
    # a strategy in the settings is for model backends; the rules always draft by rules
    extractor = Extractor(Settings(backend="rules", strategy="single", cache=False, runlog=False))
    assert (extractor.strategy, extractor.template) == ("rules", None)


def test_rules_extract_grounded_records_from_an_article() -> None:
    result = Extractor(Settings(backend="rules", cache=False)).extract(
        ARTICLE, published="2019-03-06", doc_id="invented"
    )
    assert result.ok and result.usage.calls == 0 and result.usage.total_tokens == 0
    assert result.provenance is not None and result.provenance.model == "rules-v11"
    by_type = {e.sub_event_type: e for e in result.events}
    taken = by_type[S.NON_STATE_OVERTAKES_TERRITORY]
    assert taken.location.name == "Kafr Toon"
    assert taken.date.start == dt.date(2019, 3, 4)  # Monday before a Wednesday story
    strike = by_type[S.AIR_DRONE_STRIKE]
    assert strike.location.name == "Deir Loo"
    assert strike.date.start == dt.date(2019, 3, 3)
    assert strike.fatalities is not None and strike.fatalities.best == 4
    for event in result.events:
        assert all(q in ARTICLE for q in event.evidence)
        assert event.spans[0].start is not None
    killed = sorted(c.count.best or 0 for c in result.casualties if c.outcome is Outcome.KILLED)
    assert killed == [4, 12]
    names = {a.name for a in result.actors}
    assert {"Syrian rebel groups", "Military Forces of Syria"} <= names


def test_repeated_mentions_of_one_incident_become_one_event() -> None:
    draft = build_draft(ARTICLE, dt.date(2019, 3, 6))
    overtakes = [e for e in draft.events if e.sub_event_type is S.NON_STATE_OVERTAKES_TERRITORY]
    assert len(overtakes) == 1
    assert overtakes[0].evidence.startswith("Rebel fighters on Monday seized")
    evidences = [(e.sub_event_type, e.evidence) for e in draft.events]
    assert len(evidences) == len(set(evidences))


def test_headline_only_article_gives_no_events_but_does_not_fail() -> None:
    draft = build_draft("Quiet day in the capital\n", None)
    assert draft.events == [] and draft.casualties == []
