"""Places the gazetteer does not know, places in text without capitals, no default country.

Sentences are invented test doubles (regression cases), except the Kashkash sentence,
which is issue 15's real example.
"""

from __future__ import annotations

from llm_extract import Extractor, Settings
from llm_extract.normalize import JsonGazetteer, Place, actor_info, normalize_location
from llm_extract.rules import scan_places

KASHKASH = (
    "The US warplanes pounded the village of Kashkash in the Southern parts of al-Shadadi "
    "city in Southern Hasaka, killing 6 civilians"
)


def _where(sentence: str, **kwargs: object) -> dict[str, tuple[str | None, str | None] | None]:
    return {
        p.surface: (p.place.admin1, p.place.country) if p.place is not None else None
        for p in scan_places(sentence, **kwargs)  # type: ignore[arg-type]
    }


def test_an_unknown_place_takes_the_province_of_the_known_place_it_is_in() -> None:
    found = _where(KASHKASH)
    assert found["Kashkash"] == ("Hasakah", "Syria")
    assert "Southern" not in found  # a direction word is not a place's name
    result = Extractor(Settings(backend="rules", cache=False, runlog=False)).extract(KASHKASH)
    assert result.document is not None
    [event] = result.document.events
    assert (event.location.name, event.location.admin1, event.location.country) == (
        "Kashkash",
        "Hasakah",
        "Syria",
    )


def test_a_place_named_before_the_verb_is_not_put_inside_a_later_place() -> None:
    found = _where("Rebels attacked the base in Kismayo district.")
    assert found.get("Rebels") is None and "Rebels" not in found
    assert found["Kismayo"] == ("Lower Juba", "Somalia")


def test_a_reference_point_does_not_say_where_a_place_is() -> None:
    found = _where("Gunmen stormed Kwapagu village near the town of Gwoza.")
    assert found["Kwapagu"] is None  # near Gwoza, not necessarily in its province


def test_named_places_are_found_in_text_without_capitals() -> None:
    found = _where("heavy fighting raged last night in northwestern san salvador.")
    assert found == {"san salvador": ("San Salvador", "El Salvador")}


def test_the_gazetteer_passed_in_is_the_one_read() -> None:
    xyz = Place(name="Xyzville", kind="town", admin1="Lower Juba", country="Somalia")
    own = JsonGazetteer([xyz])
    assert _where("Rebels attacked Xyzville on Monday.", gazetteer=own) == {
        "Xyzville": ("Lower Juba", "Somalia")
    }
    loc = normalize_location("Xyzville", gazetteer=own)
    assert (loc.admin1, loc.country) == ("Lower Juba", "Somalia")
    assert normalize_location("Xyzville").country is None  # the shipped one does not know it


def test_no_country_is_better_than_a_wrong_one() -> None:
    for generic in ("the army", "rebels", "civilians", "government forces"):
        info = actor_info(generic)
        assert info is None or info.country is None, (generic, info)
    assert actor_info("the army", country="Kenya") is not None
    result = Extractor(Settings(backend="rules", cache=False, runlog=False)).extract(
        "Soldiers shot dead two civilians at a checkpoint on Monday, residents said."
    )
    assert result.document is not None
    countries = {a.country for a in result.document.actors} | {
        e.location.country for e in result.document.events
    }
    assert "Syria" not in countries
