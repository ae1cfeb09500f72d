"""Event sides (actor1 / actor2) and spurious events: one group per fault class.

Every sentence is a short invented test double. Sides follow FORMAT.md and ACLED:
actor1 carried the event out, actor2 is the other side or the target.
"""

from __future__ import annotations

from llm_extract.ontology import SubEventType
from llm_extract.rules import find_casualties, scan_actors, scan_places
from llm_extract.rules.dates import find_date_phrase, reporting_date_phrase
from llm_extract.rules.events import sentence_events

S = SubEventType


def sides(sentence: str, country: str = "Sudan") -> list[tuple[S, list[str], list[str]]]:
    actors = scan_actors(sentence, country=country)
    places = scan_places(sentence, exclude=[(a.start, a.end) for a in actors])
    return [
        (e.sub_event_type, [a.info.name for a in e.actor1], [a.info.name for a in e.actor2])
        for e in sentence_events(sentence, actors, places, find_casualties(sentence))
    ]


# --- 1. the object of the trigger is the target -----------------------------------------


def test_an_object_inside_the_trigger_is_the_target() -> None:
    (event,) = sides("RSF fighters attacked an army checkpoint near Kutum on Monday.")
    assert event[1:] == (["RSF: Rapid Support Forces"], ["Military Forces of Sudan"])


# --- 2. passive voice ------------------------------------------------------------------


def test_the_subject_of_a_passive_is_the_target() -> None:
    (event,) = sides("Five soldiers were killed by RSF fighters near Kutum on Monday.")
    assert event == (S.ARMED_CLASH, ["RSF: Rapid Support Forces"], ["Military Forces of Sudan"])


def test_an_ambushed_convoy_is_the_target() -> None:
    (event,) = sides("A convoy of troops was ambushed by RSF fighters near Kutum.")
    assert event[1:] == (["RSF: Rapid Support Forces"], ["Military Forces of Sudan"])


def test_came_under_attack_from() -> None:
    (event,) = sides("A police patrol came under attack from RSF fighters near Kutum.")
    assert event[1:] == (["RSF: Rapid Support Forces"], ["Police Forces of Sudan"])


# --- 3. victims ------------------------------------------------------------------------


def test_civilians_are_the_target_of_an_attack() -> None:
    (event,) = sides("Five civilians were killed by RSF fighters in Kutum.")
    assert event == (S.ATTACK, ["RSF: Rapid Support Forces"], ["Civilians (Sudan)"])


def test_an_ambush_on_civilians_is_an_attack() -> None:
    (event,) = sides("RSF fighters ambushed a bus near Kutum, killing seven passengers.")
    assert event[0] is S.ATTACK


def test_community_leaders_are_civilian_victims() -> None:
    (event,) = sides("Two community leaders were killed by gunmen in Kutum on Monday.")
    assert event == (S.ATTACK, ["Unidentified Armed Group (Sudan)"], [])


# --- 4. armed clash: one party per side ------------------------------------------------


def test_clashed_with_gives_one_side_each() -> None:
    (event,) = sides("The RSF clashed with the Sudanese army in Kutum on Tuesday.")
    assert event[1:] == (["RSF: Rapid Support Forces"], ["Military Forces of Sudan"])


def test_two_parties_that_clashed_are_not_both_initiators() -> None:
    (event,) = sides("Sudanese troops pursued the RSF and clashed near Kutum.")
    assert event[1:] == (["Military Forces of Sudan"], ["RSF: Rapid Support Forces"])


def test_backed_forces_share_the_initiating_side() -> None:
    (event,) = sides("Sudanese troops backed by Chadian soldiers clashed near Kutum.")
    assert event[2] == []


# --- 5. protests -----------------------------------------------------------------------


def test_protesters_initiate_and_intervening_police_are_the_target() -> None:
    (event,) = sides("Police fired tear gas at hundreds of protesters in Omdurman.")
    assert event == (
        S.PROTEST_WITH_INTERVENTION,
        ["Protesters (Sudan)"],
        ["Police Forces of Sudan"],
    )


def test_excessive_force_keeps_the_forces_as_initiator_and_no_side_twice() -> None:
    (event,) = sides("Security forces opened fire on protesters in Omdurman, killing five people.")
    assert event == (S.EXCESSIVE_FORCE, ["Military Forces of Sudan"], ["Protesters (Sudan)"])


# --- 6. strikes ------------------------------------------------------------------------


def test_a_place_described_by_its_holder_is_not_a_side() -> None:
    (event,) = sides("Russian jets struck the RSF-held town of Kutum on Monday.")
    assert event == (S.AIR_DRONE_STRIKE, ["Military Forces of Russia"], [])


def test_struck_is_a_strike_only_with_an_aerial_or_ground_cue() -> None:
    assert [e[0] for e in sides("Sudanese drones struck an RSF camp near Kutum.")] == [
        S.AIR_DRONE_STRIKE
    ]
    assert [e[0] for e in sides("A roadside bomb struck an army truck near Kutum.")] == [
        S.REMOTE_EXPLOSIVE
    ]


# --- 7. a sentence-initial date of an announcement -------------------------------------


def test_a_sentence_initial_date_of_an_announcement_dates_the_statement() -> None:
    sentence = "On Tuesday, the army announced that its drones had struck a camp."
    assert find_date_phrase(sentence) is None
    assert reporting_date_phrase(sentence) == "Tuesday"


def test_a_sentence_initial_date_of_the_event_stays_the_event_s() -> None:
    sentence = "On Monday, troops repelled an attack near Kutum, the army said."
    assert find_date_phrase(sentence) == "Monday"


# --- 8. spurious events ----------------------------------------------------------------


def test_a_toll_since_a_month_is_an_aggregate() -> None:
    assert (
        sides("The war between the army and the RSF has killed thousands since April 2023.") == []
    )


def test_launching_a_campaign_is_background() -> None:
    assert sides("The army launched a major offensive against the RSF last year.") == []


def test_condemnations_and_vows_report_no_event() -> None:
    assert sides("The army chief vowed to crush the RSF and the AU condemned the fighting.") == []
