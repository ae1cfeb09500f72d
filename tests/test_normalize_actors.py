"""Actor mentions map to ACLED-style canonical actors; unknown ones give None."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_extract.normalize import ActorInfo, actor_info, canonical_actor
from llm_extract.ontology import ActorType

GOLD = Path(__file__).resolve().parent.parent / "seeds" / "gold"
# Mentions whose actor only the article's context tells (a coordination of two actors,
# "allied militias" standing for the NDF); no alias table should guess them.
CONTEXT_ONLY = {"allied militias", "FSA-linked First and Second Coastal Divisions"}


def _gold_mentions() -> list[tuple[str, str, str, str | None, str]]:
    """(mention, actor name, type, actor country, the country the article's events are in)."""
    rows: list[tuple[str, str, str, str | None, str]] = []
    for path in sorted(GOLD.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        countries = [e["location"]["country"] for e in gold["events"]]
        where = max(set(countries), key=countries.count)
        for actor in gold["actors"]:
            for mention in [actor["name"], *actor["mentions"]]:
                if mention not in CONTEXT_ONLY:
                    rows.append(
                        (mention, actor["name"], actor["actor_type"], actor["country"], where)
                    )
    return rows


@pytest.mark.parametrize(("mention", "name", "actor_type", "country", "where"), _gold_mentions())
def test_seed_gold_mentions_resolve_to_the_gold_actor(
    mention: str, name: str, actor_type: str, country: str | None, where: str
) -> None:
    info = actor_info(mention, country=where)
    assert info == ActorInfo(name=name, actor_type=ActorType(actor_type), country=country)


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("Syrian army", "Military Forces of Syria"),
        ("Assad's forces", "Military Forces of Syria"),
        ("Assad’s forces", "Military Forces of Syria"),  # curly apostrophe
        ("pro-regime troops", "Military Forces of Syria"),
        ("Russian airstrikes", "Military Forces of Russia"),
        ("Russia's Air Force", "Military Forces of Russia"),
        ("Hizbullah", "Hezbollah"),
        ("Hizballah", "Hezbollah"),
        ("Hezbolah", "Hezbollah"),  # typo: fuzzy
        ("NDF", "National Defence Forces"),
        ("National Defense Forces", "National Defence Forces"),
        ("Nusra", "Al Nusra Front"),
        ("Jabhat al-Nusra", "Al Nusra Front"),
        ("Front al-Nusra", "Al Nusra Front"),
        ("al Nusra front", "Al Nusra Front"),
        ("Ahrar ash-Sham", "Ahrar al-Sham"),
        ("FSA", "Free Syrian Army"),
        ("ISIS", "Islamic State"),
        ("ISIL", "Islamic State"),
        ("Daesh", "Islamic State"),
        ("IS militants", "Islamic State"),
        ("the Islamic State group", "Islamic State"),
        ("opposition forces", "Syrian rebel groups"),
        ("Islamist brigades", "Syrian rebel groups"),
        ("SDF", "Syrian Democratic Forces"),
        ("YPG", "YPG: People's Protection Units"),
        ("Jaysh al-Islam", "Jaish al-Islam"),
        ("Army of Conquest", "Jaish al-Fatah"),
        ("1st Coastal Division", "First Coastal Division"),
        ("U.N.", "United Nations"),
        ("Iranian Revolutionary Guards", "Military Forces of Iran"),
        ("Houthi rebels", "Ansar Allah"),
    ],
)
def test_aliases_and_variants(mention: str, name: str) -> None:
    # generic phrases ("opposition forces") read as Syria's only for an event in Syria
    assert canonical_actor(mention) == name or canonical_actor(mention, country="Syria") == name


@pytest.mark.parametrize("mention", ["is", "Is", "it is", "un", "us"])
def test_short_acronyms_only_match_in_capitals(mention: str) -> None:
    assert canonical_actor(mention) is None


@pytest.mark.parametrize(
    ("mention", "name", "country", "actor_type"),
    [
        ("Turkish troops", "Military Forces of Turkey", "Turkey", ActorType.STATE_FORCES),
        ("Iraqi army", "Military Forces of Iraq", "Iraq", ActorType.STATE_FORCES),
        ("Israeli jets", "Military Forces of Israel", "Israel", ActorType.STATE_FORCES),
        ("Nigerian soldiers", "Military Forces of Nigeria", "Nigeria", ActorType.STATE_FORCES),
        ("US troops", "Military Forces of the United States", "United States", None),
        ("American soldiers", "Military Forces of the United States", "United States", None),
        ("Kenyan police", "Police Forces of Kenya", "Kenya", ActorType.STATE_FORCES),
        ("Egyptian riot police", "Police Forces of Egypt", "Egypt", ActorType.STATE_FORCES),
        ("Iraqi protesters", "Protesters (Iraq)", "Iraq", ActorType.PROTESTERS),
        ("Somali civilians", "Civilians (Somalia)", "Somalia", ActorType.CIVILIANS),
    ],
)
def test_nationality_patterns(
    mention: str, name: str, country: str, actor_type: ActorType | None
) -> None:
    info = actor_info(mention)
    assert info is not None
    assert (info.name, info.country) == (name, country)
    if actor_type is not None:
        assert info.actor_type is actor_type


def test_country_resolves_generic_mentions() -> None:
    assert canonical_actor("protesters", country="Kenya") == "Protesters (Kenya)"
    assert canonical_actor("demonstrators", country="Iraq") == "Protesters (Iraq)"
    assert canonical_actor("rioters", country="India") == "Rioters (India)"
    assert canonical_actor("gunmen", country="Nigeria") == "Unidentified Armed Group (Nigeria)"
    assert (
        canonical_actor("unidentified attackers", country="Mali")
        == "Unidentified Armed Group (Mali)"
    )
    assert canonical_actor("the army", country="Iraq") == "Military Forces of Iraq"
    assert canonical_actor("civilians", country="Yemen") == "Civilians (Yemen)"
    gunmen = actor_info("gunmen", country="Nigeria")
    assert gunmen is not None and gunmen.actor_type is ActorType.POLITICAL_MILITIA


def test_generic_mentions_without_a_country_need_one() -> None:
    assert canonical_actor("protesters") is None
    assert canonical_actor("gunmen") is None


def test_syria_specific_generic_phrases_do_not_leak_into_other_countries() -> None:
    assert canonical_actor("rebels") is None  # no country is better than a wrong one
    assert canonical_actor("the army") is None
    assert canonical_actor("rebels", country="Syria") == "Syrian rebel groups"
    # elsewhere no listed group claims the word: the country's unidentified armed group
    assert canonical_actor("rebels", country="Colombia") == "Unidentified Armed Group (Colombia)"
    assert canonical_actor("regime forces", country="Syria") == "Military Forces of Syria"


def test_state_forces_abroad_are_external_and_at_home_state_forces() -> None:
    abroad = actor_info("Turkish troops", country="Syria")
    assert abroad is not None and abroad.actor_type is ActorType.EXTERNAL_FORCES
    russia_home = actor_info("Russian forces", country="Russia")
    assert russia_home is not None and russia_home.actor_type is ActorType.STATE_FORCES
    russia_syria = actor_info("Russian jets", country="Syria")
    assert russia_syria is not None and russia_syria.actor_type is ActorType.EXTERNAL_FORCES
    syria_home = actor_info("Syrian army", country="Syria")
    assert syria_home is not None and syria_home.actor_type is ActorType.STATE_FORCES
    hezbollah_home = actor_info("Hezbollah", country="Lebanon")
    assert hezbollah_home is not None
    assert hezbollah_home.actor_type is ActorType.POLITICAL_MILITIA


@pytest.mark.parametrize(
    "mention",
    [
        "",
        "   ",
        "state television",
        "Syrian Observatory for Human Rights",
        "Salim Omar",
        "Russian and Syrian jets",
        "allied militias",
        "Al-Mayadeen",
    ],
)
def test_unknown_actors_give_none(mention: str) -> None:
    assert actor_info(mention) is None
    assert canonical_actor(mention) is None


@pytest.mark.parametrize(
    ("name", "country", "actor_type"),
    [
        ("Military Forces of Turkey", "Turkey", ActorType.STATE_FORCES),
        ("Military Forces of the United States", "United States", ActorType.STATE_FORCES),
        ("Police Forces of Syria", "Syria", ActorType.STATE_FORCES),
        ("Protesters (Kenya)", "Kenya", ActorType.PROTESTERS),
        ("Civilians (Iraq)", "Iraq", ActorType.CIVILIANS),
        ("Unidentified Armed Group (Mali)", "Mali", ActorType.POLITICAL_MILITIA),
        ("Military Forces of Bolivia", "Bolivia", ActorType.STATE_FORCES),
    ],
)
def test_canonical_names_round_trip(name: str, country: str, actor_type: ActorType) -> None:
    assert actor_info(name) == ActorInfo(name=name, actor_type=actor_type, country=country)


def test_canonical_forms_are_tidied() -> None:
    assert canonical_actor("Military Forces of Syria (2000-)") == "Military Forces of Syria"
    assert canonical_actor("military forces of syrria") == "Military Forces of Syria"
    assert canonical_actor("Protesters (Syrian)") == "Protesters (Syria)"
