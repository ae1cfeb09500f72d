"""Place names fold to one spelling with admin1, country and coordinates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

from llm_extract.models import Location
from llm_extract.normalize import (
    Gazetteer,
    JsonGazetteer,
    Place,
    get_gazetteer,
    normalize_location,
    set_gazetteer,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TEXT_000 = (SEEDS / "000_4c7802ff51b8819f.txt").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _restore_gazetteer() -> Iterator[None]:
    yield
    set_gazetteer(None)


def _gold_locations() -> list[tuple[str, str | None, str | None]]:
    rows = []
    for path in sorted((SEEDS / "gold").glob("*.gold.json")):
        for event in json.loads(path.read_text(encoding="utf-8"))["events"]:
            loc = event["location"]
            rows.append((loc["name"], loc["admin1"], loc["country"]))
    return sorted(set(rows), key=str)


@pytest.mark.parametrize(("name", "admin1", "country"), _gold_locations())
def test_seed_gold_locations(name: str, admin1: str | None, country: str | None) -> None:
    loc = normalize_location(name)
    assert loc.name == name
    assert loc.country == country
    if name == "Geneva":
        # gold leaves admin1 null; GeoNames puts Geneva city in the canton of Geneva
        assert loc.admin1 == "Geneva"
    else:
        assert loc.admin1 == admin1


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        ("Salma", 35.69, 36.14),
        ("Latakia", 35.53, 35.79),
        ("Idlib", 35.93, 36.63),
        ("Maaret al-Numan", 35.65, 36.67),
        ("Manbij", 36.53, 37.95),
        ("Aleppo", 36.20, 37.16),
        ("Geneva", 46.20, 6.15),
        ("Damascus", 33.51, 36.29),
        ("Beirut", 33.89, 35.50),
    ],
)
def test_coordinates_for_seed_places(name: str, lat: float, lon: float) -> None:
    loc = normalize_location(name)
    assert loc.latitude == pytest.approx(lat, abs=0.05)
    assert loc.longitude == pytest.approx(lon, abs=0.05)


@pytest.mark.parametrize(
    ("variant", "name"),
    [
        ("the town of Salma", "Salma"),
        ("the outskirts of Salma", "Salma"),
        ("Maarat al-Numan", "Maaret al-Numan"),
        ("Ma'arrat al-Nu'man", "Maaret al-Numan"),
        ("Ma‘arrat al-Nu‘man", "Maaret al-Numan"),
        ("MAARET AL NUMAN", "Maaret al-Numan"),
        ("Maaret al-Numaan", "Maaret al-Numan"),  # fuzzy spelling slip
        ("Lattakia", "Latakia"),
        ("Idleb", "Idlib"),
        ("Genève", "Geneva"),
        ("Menbij", "Manbij"),
        ("the Jabal al-Akrad region", "Jabal al-Akrad"),
        ("Jebel al-Akrad", "Jabal al-Akrad"),
    ],
)
def test_variants_fold_to_the_gazetteer_name(variant: str, name: str) -> None:
    loc = normalize_location(variant)
    assert loc.name == name
    assert loc.country is not None


def test_province_mentions_give_the_province_without_city_coordinates() -> None:
    loc = normalize_location("Idlib province")
    assert (loc.name, loc.admin1, loc.country) == ("Idlib", "Idlib", "Syria")
    assert loc.latitude is None and loc.longitude is None


def test_compound_names_keep_the_text_and_take_admin1_from_a_known_part() -> None:
    loc = normalize_location("Kadeen and Wadi Nabaa Miro")
    assert loc == Location(name="Kadeen and Wadi Nabaa Miro", admin1="Latakia", country="Syria")


@pytest.mark.parametrize(
    ("name", "text", "admin1"),
    [
        (
            "Tirtiyah",
            "Troops took Tirtiyah, in the northwestern province of Latakia, state TV said.",
            "Latakia",
        ),
        ("Kafr Nubl", "Raids on Kafr Nubl, an opposition-held town in Idlib province.", "Idlib"),
        ("Suran", "Clashes hit Suran, a town in Hama province held by rebels.", "Hama"),
        ("Busra", "Busra, a town in the southern Daraa province, was shelled.", "Daraa"),
        ("Qardaha", "Qardaha\u00a0, in the province of Latakia, was calm.", "Latakia"),
    ],
)
def test_unknown_places_take_the_province_the_article_gives(
    name: str, text: str, admin1: str
) -> None:
    # places the hand-made gazetteer lacks (the world layer knows some; see
    # test_world_gazetteer.py for what it adds to these sentences)
    set_gazetteer(JsonGazetteer())
    loc = normalize_location(name, text)
    assert (loc.name, loc.admin1, loc.country) == (name, admin1, "Syria")
    assert loc.latitude is None


def test_seed_phrase_context_for_a_place_missing_from_the_gazetteer() -> None:
    # drop Maaret al-Numan from the gazetteer: the article still says it is in Idlib
    raw = json.loads(files("llm_extract").joinpath("data/places.json").read_text("utf-8"))
    places = [
        Place(name=p["name"], kind=p["kind"], admin1=p["admin1"], country=p["country"])
        for p in raw["places"]
        if p["name"] != "Maaret al-Numan"
    ]
    set_gazetteer(JsonGazetteer(places))
    loc = normalize_location("Maaret al-Numan", TEXT_000)
    assert (loc.name, loc.admin1, loc.country) == ("Maaret al-Numan", "Idlib", "Syria")
    manbij = normalize_location("Manbij", TEXT_000)
    assert (manbij.admin1, manbij.country) == ("Aleppo", "Syria")


def test_unknown_place_without_context_keeps_its_name() -> None:
    assert normalize_location("Wadi Nabaa Miro") == Location(name="Wadi Nabaa Miro")
    assert normalize_location("Salma", "nothing about provinces here").admin1 == "Latakia"


@pytest.mark.parametrize("name", [None, "", "   "])
def test_empty_names_give_an_empty_location(name: str | None) -> None:
    assert normalize_location(name) == Location()


class _OnePlace:
    def lookup(self, name: str) -> Place | None:
        if name.lower() == "kismayo":
            return Place(
                name="Kismayo",
                kind="city",
                admin1="Lower Juba",
                country="Somalia",
                latitude=-0.36,
                longitude=42.55,
            )
        return None


def test_gazetteer_is_pluggable() -> None:
    custom = _OnePlace()
    assert isinstance(custom, Gazetteer)
    set_gazetteer(custom)
    assert get_gazetteer() is custom
    loc = normalize_location("the city of Kismayo")
    assert (loc.name, loc.admin1, loc.country) == ("Kismayo", "Lower Juba", "Somalia")
    assert normalize_location("Salma").admin1 is None  # the shipped table is not consulted
    set_gazetteer(None)
    assert normalize_location("Salma").admin1 == "Latakia"


def test_shipped_gazetteer_cites_geonames() -> None:
    raw = json.loads(files("llm_extract").joinpath("data/places.json").read_text("utf-8"))
    assert "GeoNames" in raw["_source"]
    assert "CC BY 4.0" in raw["_source"]
