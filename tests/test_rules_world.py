"""Rules on conflicts outside Syria: one fault class per test, then a regression gate.

Every sentence here is a short invented test double (not a real article). The gate
scores `tests/rules_articles/`, fifteen invented articles whose gold was written by the
same author as the rules: a regression check, not a quality claim.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from llm_extract.draft import Draft
from llm_extract.evaluate import evaluate, load_gold_dir
from llm_extract.evaluate.cli import extract_gold_articles
from llm_extract.ontology import SubEventType
from llm_extract.rules import build_draft, find_casualties, scan_actors, scan_places
from llm_extract.rules.actors import is_background, is_source
from llm_extract.rules.events import sentence_events

S = SubEventType
ARTICLES = Path(__file__).parent / "rules_articles"
DAY = dt.date(2024, 3, 12)


def sub_types(sentence: str, country: str | None = "Nigeria") -> list[SubEventType]:
    actors = scan_actors(sentence, country=country)
    places = scan_places(sentence, exclude=[(a.start, a.end) for a in actors])
    return [
        e.sub_event_type
        for e in sentence_events(sentence, actors, places, find_casualties(sentence))
    ]


def draft(text: str) -> Draft:
    return build_draft(text, DAY)


# --- 1. one sentence, one incident, by precedence ---------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # killings outrank the abductions of the same attack
        (
            "Boko Haram fighters killed 10 farmers and abducted three women in a village "
            "on Sunday.",
            [S.ATTACK],
        ),
        # a clash that ends in a capture is the capture
        (
            "M23 rebels seized the town of Kitshanga on Friday after two days of clashes with "
            "the army.",
            [S.NON_STATE_OVERTAKES_TERRITORY],
        ),
        # the weapon decides an explosion's type even when it killed civilians
        ("A roadside bomb killed four civilians near a market on Monday.", [S.REMOTE_EXPLOSIVE]),
        # different initiators are different events
        (
            "Russian warplanes struck the town on Monday, and Syrian troops clashed with rebels.",
            [S.AIR_DRONE_STRIKE, S.ARMED_CLASH],
        ),
        # a raid that makes arrests is a ground operation
        ("Soldiers arrested four suspects in a raid on a farm on Sunday.", [S.ARRESTS]),
        # seized weapons are the arrest's haul, not a grenade attack
        ("Police arrested two men and seized rifles and grenades.", [S.ARRESTS]),
        ("Militants hacked nine villagers to death on Friday.", [S.ATTACK]),
        ("On Friday, the warring parties agreed to a two-month truce.", [S.AGREEMENT]),
    ],
)
def test_one_event_per_incident(sentence: str, expected: list[SubEventType]) -> None:
    country = "Syria" if "Syrian" in sentence else "Nigeria"
    country = "Democratic Republic of Congo" if "M23" in sentence else country
    assert sub_types(sentence, country) == expected


# --- 2. trigger words used as titles, roles and group descriptions ---------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The figures were given by Ali Musa, a local vigilante leader.",
        "A protest leader spoke to reporters on Monday.",
        "The group is a splinter group of a larger movement.",
        "The rebel commander gave an interview on Tuesday.",
    ],
)
def test_role_nouns_are_not_events(sentence: str) -> None:
    assert sub_types(sentence) == []


def test_a_verb_before_a_role_noun_still_reports() -> None:
    assert sub_types("Police arrested leaders of the opposition on Monday.") == [S.ARRESTS]


def test_storming_a_village_and_shooting_residents_is_an_attack() -> None:
    sentence = (
        "The militants stormed a village near the town of Gwoza and opened fire on "
        "residents, said a local vigilante leader."
    )
    assert sub_types(sentence) == [S.ATTACK]


# --- 3. habitual, background and aggregate statements ----------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The group has carried out a string of attacks on military bases this year.",
        "Militants regularly ambush army convoys on the highway.",
        "Rebels have frequently shelled the city in recent months.",
        "The militia often kidnaps travellers on the road.",
    ],
)
def test_habitual_statements_report_no_event(sentence: str) -> None:
    assert sub_types(sentence) == []


# --- 4. place names with their kind after them -----------------------------------------


def test_a_village_named_before_its_kind_is_the_place() -> None:
    places = scan_places("Gunmen stormed Kwapagu village near the town of Gwoza.")
    assert [(p.surface, p.relative) for p in places] == [("Kwapagu", False), ("Gwoza", True)]


def test_a_township_after_its_city_is_the_place() -> None:
    places = scan_places("Troops fired on protesters in Yangon's Hlaing Tharyar township.")
    kept = [p.surface for p in places if not p.relative]
    assert kept == ["Hlaing Tharyar"]


def test_a_border_country_is_a_reference_point() -> None:
    places = scan_places("Drones struck militants near the border with Mali.")
    assert all(p.relative for p in places)


# --- 5, 6. the article's country -------------------------------------------------------


def test_small_towns_resolve_in_the_article_country() -> None:
    text = (
        "Boko Haram fighters killed 12 villagers in Borno state on Sunday, residents said.\n\n"
        "On Tuesday the militants attacked Gwoza, killing three farmers."
    )
    events = draft(text).events
    assert [e.location for e in events] == ["Borno", "Gwoza"]
    assert {e.country for e in events} == {"Nigeria"}


def test_a_named_armed_group_votes_for_its_home_country() -> None:
    text = "Boko Haram fighters killed 12 villagers on Sunday, residents said."
    (event,) = draft(text).events
    assert event.country == "Nigeria"


# --- 7. coreference and background mentions --------------------------------------------


def test_definite_generic_attackers_are_the_one_named_group() -> None:
    text = (
        "Fighters of the Islamic State West Africa Province killed nine farmers in Borno "
        "state on Sunday, officials said.\n\n"
        "The gunmen later abducted six women near Bama on Monday."
    )
    d = draft(text)
    names = [a.name for a in d.actors]
    assert not any(n.casefold().endswith("gunmen") for n in names)
    assert all("gunmen" not in e.actor1 for e in d.events)


def test_indefinite_gunmen_stay_unnamed() -> None:
    text = (
        "Boko Haram fighters killed nine farmers in Borno state on Sunday.\n\n"
        "In Yobe state, gunmen abducted 11 travellers near Damaturu on Monday."
    )
    d = draft(text)
    assert any("gunmen" in e.actor1 for e in d.events)


@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        ("Attacks by groups linked to al-Qaeda have displaced thousands.", "al-Qaeda"),
        ("No group claimed it, but an Islamic State affiliate is active there.", "Islamic State"),
        ("The Islamic State West Africa Province, a Boko Haram splinter group.", "Boko Haram"),
    ],
)
def test_background_groups_are_not_participants(sentence: str, surface: str) -> None:
    mentions = [m for m in scan_actors(sentence, country="Nigeria") if m.surface == surface]
    assert mentions
    assert is_background(sentence, mentions[0])


def test_background_groups_are_not_draft_actors() -> None:
    text = (
        "Gunmen killed five villagers in Borno state on Sunday.\n\n"
        "The region has seen attacks by groups linked to al-Qaeda."
    )
    assert all("Qaeda" not in a.name for a in draft(text).actors)


@pytest.mark.parametrize(
    ("sentence", "surface", "source"),
    [
        ("A roadside bomb wounded three soldiers, the army said.", "the army", True),
        ("Police officer Ali Musa told reporters that five died.", "Police", True),
        ("Soldiers killed five militants, according to the army.", "the army", True),
        ("Police arrested 15 people on Sunday.", "Police", False),
    ],
)
def test_sources_are_not_sides(sentence: str, surface: str, source: bool) -> None:
    (mention,) = [m for m in scan_actors(sentence, country="Nigeria") if m.surface == surface]
    assert is_source(sentence, mention) is source


# --- 8. world-layer places never hide an actor -----------------------------------------


def test_world_layer_towns_do_not_hide_actors() -> None:
    mentions = scan_actors("The weapons were smuggled to Hamas through tunnels.")
    assert [m.surface for m in mentions] == ["Hamas"]


# --- merging repeated mentions ---------------------------------------------------------


def test_a_recap_sentence_merges_into_the_lead() -> None:
    text = (
        "Boko Haram fighters killed nine farmers and abducted four women in an attack on a "
        "village in Borno state on Sunday, officials said.\n\n"
        "The militants stormed Kwapagu village and opened fire on residents, said a "
        "vigilante leader."
    )
    events = draft(text).events
    assert [(e.sub_event_type, e.location) for e in events] == [(S.ATTACK, "Kwapagu")]


def test_a_protest_and_its_dispersal_are_one_event() -> None:
    text = (
        "Hundreds of people protested in Ouagadougou on Thursday, witnesses said.\n\n"
        "Police fired tear gas to disperse the demonstrators."
    )
    events = draft(text).events
    assert [e.sub_event_type for e in events] == [S.PROTEST_WITH_INTERVENTION]


# --- regression gate on the invented set -----------------------------------------------

# Figures reached with rules-v2 on the first ten articles: events.f1 0.892, actors.f1
# 0.868, casualties.f1 0.868 (before the rules-v2 changes: 0.714, 0.825, 0.868).
# rules-v3 added ml01 and mz01 (casualty clauses, report dates; written before the
# change; rules-v2 scored the twelve 0.819 / 0.882 / 0.805). rules-v3 reached 0.892 /
# 0.882 / 0.909 on the twelve. sd01, et01 and co01 (event sides, written before the
# rules-v4 change) bring the set to fifteen: rules-v3 scores them 0.873 / 0.889 / 0.928.
# rules-v4 (sides by clause, passives, protests, spurious background events) reaches
# 0.926 / 0.889 / 0.948 on the fifteen (the old twelve 0.927 / 0.882 / 0.935).
# Then the evaluator learned that a place inside a gold event's country agrees with it
# (FORMAT.md), and "<nationality> air force" and farmers/passengers... resolve as actors:
# 0.963 / 0.906 / 0.948.
GATE = {"events.f1": 0.963, "actors.f1": 0.906, "casualties.f1": 0.948}


def test_invented_set_does_not_regress() -> None:
    gold, issues, texts = load_gold_dir(ARTICLES)
    assert not [i for i in issues if i.severity == "error"]
    assert len(gold) == 15
    pred = extract_gold_articles(gold, texts, "rules")
    metrics = evaluate(gold, pred, texts).metrics
    for name, floor in GATE.items():
        value = metrics[name]
        assert value is not None and round(value, 3) >= floor, (name, value)


@pytest.mark.parametrize(
    ("sentence", "province"),
    [
        ("Gunmen attacked a village in Borno state on Sunday.", "Borno"),
        ("Fighting in Rakhine State displaced thousands.", "Rakhine"),
        ("Clashes broke out in the Somali Region of Ethiopia.", "Somali"),
        ("The Islamic State claimed the attack.", None),
        ("Rebels shelled a town in Idlib province.", "Idlib"),
    ],
)
def test_state_and_region_name_a_province_only_when_the_gazetteer_has_one(
    sentence: str, province: str | None
) -> None:
    from llm_extract.rules.places import province_in

    assert province_in(sentence) == province
