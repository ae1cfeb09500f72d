"""Actors of conflicts outside Syria: found in text, named ACLED-style, typed for where
the event happens, and generic phrases kept to the country whose wars they describe."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import pytest

from llm_extract.normalize import actor_info, canonical_actor
from llm_extract.ontology import ActorType
from llm_extract.rules import countries_named, find_actors, scan_actors

TABLE: dict[str, Any] = json.loads(
    files("llm_extract").joinpath("data/actors.json").read_text("utf-8")
)
STATE = ActorType.STATE_FORCES
EXTERNAL = ActorType.EXTERNAL_FORCES


def _names(sentence: str, country: str | None) -> list[str]:
    return [info.name for _, info in find_actors(sentence, country=country)]


@pytest.mark.parametrize(
    ("sentence", "country", "expected"),
    [
        (
            "Boko Haram and ISWAP fighters attacked a base.",
            "Nigeria",
            [
                "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
                "Islamic State (West Africa)",
            ],
        ),
        ("Al-Shabab militants stormed a hotel.", "Somalia", ["Al Shabaab"]),
        (
            "JNIM and the Islamic State in the Greater Sahara clashed.",
            "Mali",
            ["JNIM: Group for Support of Islam and Muslims", "Islamic State (Sahel)"],
        ),
        ("Wagner mercenaries arrived at the camp.", "Mali", ["Wagner Group"]),
        ("The Taliban attacked a checkpoint.", "Afghanistan", ["Taliban"]),
        ("IS-K claimed the bombing.", "Afghanistan", ["Islamic State (Afghanistan)"]),
        ("TTP militants ambushed a convoy.", "Pakistan", ["TTP: Tehreek-e-Taliban Pakistan"]),
        ("The BLA claimed the attack.", "Pakistan", ["BLA: Balochistan Liberation Army"]),
        ("Houthi rebels fired a missile.", "Yemen", ["Ansar Allah"]),
        ("AQAP gunmen raided a post.", "Yemen", ["AQAP: Al Qaeda in the Arabian Peninsula"]),
        ("PMF units shelled a village.", "Iraq", ["PMF: Popular Mobilization Forces"]),
        ("The PKK attacked a base.", "Turkey", ["PKK: Kurdistan Workers Party"]),
        (
            "The IDF struck Hamas positions.",
            "Palestine",
            ["Military Forces of Israel", "Hamas Movement"],
        ),
        (
            "The RSF shelled the city, the Sudanese army said.",
            "Sudan",
            ["RSF: Rapid Support Forces", "Military Forces of Sudan"],
        ),
        (
            "SPLA-IO fighters clashed with the SSPDF.",
            "South Sudan",
            [
                "SPLM/A-IO: Sudan People's Liberation Movement/Army (In Opposition)",
                "Military Forces of South Sudan",
            ],
        ),
        (
            "TPLF forces and Fano militias fought.",
            "Ethiopia",
            ["TPLF: Tigray People's Liberation Front", "Fano Militia"],
        ),
        (
            "M23 rebels and the ADF attacked FARDC positions.",
            "Democratic Republic of Congo",
            [
                "M23: March 23 Movement",
                "ADF: Allied Democratic Forces",
                "Military Forces of the Democratic Republic of Congo",
            ],
        ),
        ("Insurgents raided a village.", "Mozambique", ["Islamic State (Mozambique)"]),
        (
            "Russian missiles hit the city, Ukrainian forces said.",
            "Ukraine",
            ["Military Forces of Russia", "Military Forces of Ukraine"],
        ),
        (
            "The Arakan Army seized a junta base.",
            "Myanmar",
            ["Arakan Army", "Military Forces of Myanmar"],
        ),
        (
            "FARC dissidents and the ELN clashed.",
            "Colombia",
            ["FARC dissidents", "ELN: National Liberation Army"],
        ),
        ("CJNG gunmen killed two men.", "Mexico", ["CJNG: Jalisco New Generation Cartel"]),
        ("LNA forces shelled the town.", "Libya", ["LNA: Libyan National Army"]),
    ],
)
def test_each_conflict_family_is_found_and_named(
    sentence: str, country: str, expected: list[str]
) -> None:
    assert _names(sentence, country) == expected


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("Islamic State", "Islamic State"),
        ("Islamic State West Africa Province", "Islamic State (West Africa)"),
        ("Islamic State's West Africa Province", "Islamic State (West Africa)"),
        ("Islamic State Khorasan Province", "Islamic State (Afghanistan)"),
        ("ISIS-K", "Islamic State (Afghanistan)"),
        ("Islamic State in Somalia", "Islamic State (Somalia)"),
        ("Taliban", "Taliban"),
        ("Pakistani Taliban", "TTP: Tehreek-e-Taliban Pakistan"),
        ("Tehrik-i-Taliban Pakistan", "TTP: Tehreek-e-Taliban Pakistan"),
        ("FARC", "FARC: Revolutionary Armed Forces of Colombia"),
        ("FARC dissidents", "FARC dissidents"),
        ("Hezbollah", "Hezbollah"),
        ("Kataib Hezbollah", "Kataib Hezbollah"),
        ("Islamic Jihad", "PIJ: Palestinian Islamic Jihad"),
        ("al-Qaeda", "Al Qaeda"),
        ("al-Qaida in the Arabian Peninsula", "AQAP: Al Qaeda in the Arabian Peninsula"),
        ("al-Qaida in the Islamic Maghreb", "AQIM: Al Qaeda in the Islamic Maghreb"),
        ("Syrian National Army", "Syrian National Army"),
        ("Libyan National Army", "LNA: Libyan National Army"),
        ("Government of National Accord", "Government of Libya"),
        ("Rwanda-backed M23 rebels", "M23: March 23 Movement"),
        ("Iran-backed Houthis", "Ansar Allah"),
        ("Jama'at Nusrat al-Islam wal-Muslimin", "JNIM: Group for Support of Islam and Muslims"),
        ("Hashd al-Shaabi", "PMF: Popular Mobilization Forces"),
        ("Tatmadaw", "Military Forces of Myanmar"),
    ],
)
def test_canonical_names_and_longest_alias(mention: str, name: str) -> None:
    assert canonical_actor(mention) == name


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Fighters of the Islamic State West Africa Province left.", "Islamic State (West Africa)"),
        ("The Pakistani Taliban denied it.", "TTP: Tehreek-e-Taliban Pakistan"),
        ("Palestinian Islamic Jihad fired rockets.", "PIJ: Palestinian Islamic Jihad"),
        ("Kataib Hezbollah denied it.", "Kataib Hezbollah"),
        ("Syrian President Bashar al-Assad spoke.", "Government of Syria"),
        ("Russian military contractors left.", "Wagner Group"),
    ],
)
def test_scan_keeps_the_longest_name(sentence: str, expected: str) -> None:
    [mention] = scan_actors(sentence)
    assert mention.info.name == expected


@pytest.mark.parametrize(
    ("sentence", "country"),
    [
        ("Let us meet at the market after the final.", "Nigeria"),
        ("The settlers of the valley grew wheat.", "Kenya"),
        ("The volunteers handed out food.", "Kenya"),
        ("Dissidents in the capital were freed.", "Iran"),
        ("He is a member of the AA and a KIA driver.", "Kenya"),
        ("A PDF of the report is online.", "Mali"),
        ("The coalition talks collapsed.", "Germany"),
        ("He wrote about paramilitary history.", "Mali"),
        ("Is it true that the team is gone?", "Somalia"),
    ],
)
def test_common_words_are_not_actors(sentence: str, country: str) -> None:
    assert find_actors(sentence, country=country) == []


@pytest.mark.parametrize(
    ("mention", "country", "name"),
    [
        ("militants", "Somalia", "Al Shabaab"),
        ("militants", "Afghanistan", "Taliban"),
        ("militants", "Mozambique", "Islamic State (Mozambique)"),
        ("militants", "Pakistan", "Unidentified Armed Group (Pakistan)"),
        ("Somali militants", None, "Al Shabaab"),
        ("rebels", "Yemen", "Ansar Allah"),
        ("separatists", "Ukraine", "NAF: United Armed Forces of Novorossiya"),
        ("separatists", "Yemen", "STC: Southern Transitional Council"),
        ("SNA", "Somalia", "Military Forces of Somalia"),
        ("SNA", "Syria", "Syrian National Army"),
        ("FARC dissidents", "Colombia", "FARC dissidents"),
        ("al-Shabab", "Somalia", "Al Shabaab"),
        ("al-Shabab", "Mozambique", "Islamic State (Mozambique)"),
        ("Taliban", "Pakistan", "TTP: Tehreek-e-Taliban Pakistan"),
        ("regime forces", "Myanmar", "Military Forces of Myanmar"),
        ("regime forces", "Syria", "Military Forces of Syria"),
        ("the junta", "Burkina Faso", "Military Forces of Burkina Faso"),
        ("the paramilitary", "Sudan", "RSF: Rapid Support Forces"),
        ("bandits", "Nigeria", "Unidentified Armed Group (Nigeria)"),
        ("gangs", "Haiti", "Unidentified Gang (Haiti)"),
    ],
)
def test_generic_phrases_read_per_country(mention: str, country: str | None, name: str) -> None:
    assert canonical_actor(mention, country=country) == name


def test_peacekeepers_are_the_mission_of_the_country() -> None:
    missions = {
        "Mali": "MINUSMA",
        "Democratic Republic of Congo": "MONUSCO",
        "South Sudan": "UNMISS",
        "Lebanon": "UNIFIL",
        "Central African Republic": "MINUSCA",
    }
    for country, acronym in missions.items():
        name = canonical_actor("UN peacekeepers", country=country)
        assert name is not None and name.startswith(f"{acronym}: "), country
    assert canonical_actor("UN peacekeepers", country="Haiti") == "United Nations"


def _context_entries() -> list[tuple[str, str, list[str]]]:
    rows = []
    for entry in TABLE["actors"]:
        where = entry.get("context_countries") or [entry["country"]]
        for alias in entry.get("context_aliases", []):
            rows.append((entry["name"], alias, where))
    return rows


@pytest.mark.parametrize(("name", "alias", "where"), _context_entries())
def test_context_aliases_fire_at_home_and_never_abroad(
    name: str, alias: str, where: list[str]
) -> None:
    for country in where:
        assert canonical_actor(alias, country=country) == name
    for foreign in ("Iceland", "Peru", "Nepal"):
        assert canonical_actor(alias, country=foreign) != name


def _global_aliases() -> list[tuple[str, str, str | None]]:
    return [
        (entry["name"], alias, entry.get("country"))
        for entry in TABLE["actors"]
        for alias in [entry["name"], *entry.get("aliases", [])]
    ]


@pytest.mark.parametrize(("name", "alias", "country"), _global_aliases())
def test_every_alias_resolves_and_is_found_whole(
    name: str, alias: str, country: str | None
) -> None:
    """No alias is shadowed by another entry's, a pattern or a shorter match."""
    assert canonical_actor(alias) == name
    [mention] = scan_actors(f"On Monday {alias} attacked the town.", country=country)
    assert (mention.surface, mention.info.name) == (alias, name)


@pytest.mark.parametrize(
    ("mention", "country", "name", "actor_type"),
    [
        ("Wagner", "Mali", "Wagner Group", EXTERNAL),
        ("Russian forces", "Ukraine", "Military Forces of Russia", EXTERNAL),
        ("Russian forces", "Russia", "Military Forces of Russia", STATE),
        ("Nigerian troops", "Nigeria", "Military Forces of Nigeria", STATE),
        ("Nigerian troops", "Niger", "Military Forces of Nigeria", EXTERNAL),
        ("Israeli troops", "Israel", "Military Forces of Israel", STATE),
        ("Israeli troops", "Palestine", "Military Forces of Israel", EXTERNAL),
        ("Rwandan troops", "Democratic Republic of Congo", "Military Forces of Rwanda", EXTERNAL),
        ("Ukrainian forces", "Russia", "Military Forces of Ukraine", EXTERNAL),
        ("US-led coalition", "Iraq", "Military Forces of the United States", EXTERNAL),
        ("Saudi-led coalition", "Yemen", "Military Forces of Saudi Arabia", EXTERNAL),
        ("Hezbollah", "Israel", "Hezbollah", EXTERNAL),
        ("PMF", "Iraq", "PMF: Popular Mobilization Forces", ActorType.POLITICAL_MILITIA),
        ("PMF", "Syria", "PMF: Popular Mobilization Forces", EXTERNAL),
        ("Al Shabaab", "Kenya", "Al Shabaab", ActorType.REBEL_GROUP),
        (
            "Fulani herdsmen",
            "Nigeria",
            "Fulani Ethnic Militia (Nigeria)",
            ActorType.IDENTITY_MILITIA,
        ),
        ("Israeli settlers", "Palestine", "Settlers (Israel)", ActorType.POLITICAL_MILITIA),
        ("MONUSCO", "Democratic Republic of Congo", None, EXTERNAL),
    ],
)
def test_types_follow_where_the_event_happens(
    mention: str, country: str, name: str | None, actor_type: ActorType
) -> None:
    info = actor_info(mention, country=country)
    assert info is not None
    if name is not None:
        assert info.name == name
    assert info.actor_type is actor_type


COUNTRIES = {
    "Nigerian": "Nigeria",
    "Somali": "Somalia",
    "Afghan": "Afghanistan",
    "Iraqi": "Iraq",
    "Yemeni": "Yemen",
    "Malian": "Mali",
    "Burkinabe": "Burkina Faso",
    "Congolese": "Democratic Republic of Congo",
    "Sudanese": "Sudan",
    "South Sudanese": "South Sudan",
    "Ethiopian": "Ethiopia",
    "Ukrainian": "Ukraine",
    "Burmese": "Myanmar",
    "Myanmar": "Myanmar",
    "Pakistani": "Pakistan",
    "Israeli": "Israel",
    "Palestinian": "Palestine",
    "Libyan": "Libya",
    "Mozambican": "Mozambique",
    "Colombian": "Colombia",
    "Mexican": "Mexico",
    "Nigerien": "Niger",
    "Chadian": "Chad",
    "Cameroonian": "Cameroon",
    "Kenyan": "Kenya",
    "Central African": "Central African Republic",
    "Haitian": "Haiti",
}


@pytest.mark.parametrize(("adjective", "country"), COUNTRIES.items())
def test_nationalities_give_state_forces_and_countries(adjective: str, country: str) -> None:
    the = "the " if country in TABLE["countries_with_article"] else ""
    for noun in ("forces", "troops", "army", "soldiers"):
        found = find_actors(f"{adjective} {noun} moved in.", country=country)
        assert [info.name for _, info in found] == [f"Military Forces of {the}{country}"]
        assert found[0][1].actor_type is STATE
    assert countries_named(f"{adjective} police said.") == [country]
    assert canonical_actor(f"{adjective} police") == f"Police Forces of {the}{country}"


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Fighting in the Niger Delta.", ["Nigeria"]),
        ("Troops from Niger and Nigeria.", ["Niger", "Nigeria"]),
        ("South Sudanese and Sudanese envoys met.", ["South Sudan", "Sudan"]),
        (
            "Aid reached the DR Congo and Côte d’Ivoire.",
            ["Democratic Republic of Congo", "Ivory Coast"],
        ),
        ("Guinea-Bissau and Guinea signed a pact.", ["Guinea-Bissau", "Guinea"]),
    ],
)
def test_countries_named_prefers_the_longest_name(text: str, countries: list[str]) -> None:
    assert countries_named(text) == countries


def test_a_nationality_before_a_group_names_the_group() -> None:
    assert canonical_actor("Lebanese Hezbollah") == "Hezbollah"
    assert canonical_actor("Afghan insurgents") == "Taliban"
    assert canonical_actor("Yemeni rebels") == "Ansar Allah"
    assert canonical_actor("Niger Delta militants") == "Unidentified Armed Group (Nigeria)"
    assert canonical_actor("Colombian rebels") is None
