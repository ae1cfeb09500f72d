"""Place names to Location records: one spelling, plus province, country and coordinates.

The same town appears as "Maaret al-Numan", "Maarat al-Numan" or "Ma'arrat al-Nu'man";
events only match across documents if those fold to one place. The gazetteer answers
(`normalize.layered`: the hand-made table first, GeoNames' world layer for the rest);
a world-layer match must agree with what the article says around the name. Places no
gazetteer knows still get a province from the article itself ("Salma, in the
northwestern province of Latakia"). Every function takes the gazetteer to use; None
means the process's choice (`get_gazetteer`).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from llm_extract.models import Location
from llm_extract.normalize.gazetteer import WORLD, Gazetteer, JsonGazetteer, Place
from llm_extract.normalize.layered import (
    LayeredGazetteer,
    configured_gazetteer,
    get_gazetteer,
    own_gazetteer,
    resolve,
    set_gazetteer,
    shipped_gazetteer,
)
from llm_extract.normalize.text import name_key
from llm_extract.normalize.world import _ARTICLE, WORLD_LARGE, WorldGazetteer
from llm_extract.text.language import alternation, english

__all__ = [
    "WORLD",
    "WORLD_LARGE",
    "Gazetteer",
    "JsonGazetteer",
    "LayeredGazetteer",
    "Place",
    "WorldGazetteer",
    "configured_gazetteer",
    "find_place",
    "get_gazetteer",
    "is_common_word",
    "normalize_location",
    "own_gazetteer",
    "set_gazetteer",
    "shipped_gazetteer",
]

_PLACES: dict[str, list[str]] = english().vocabulary()["normalize"]["places"]
"""Words around place names (data/lexicons.json, "normalize"/"places")."""
_ADMIN_WORDS = rf"(?:{alternation(_PLACES['admin_units'])})"
_PLACE_NAME = r"(?P<p>[A-Z][\w'’-]*(?:\s+(?:al-|el-|ad-|as-|ar-)?[A-Z][\w'’-]*){0,2})"
_PREFIX = re.compile(
    rf"^(?:the\s+)?(?:(?:{alternation(_PLACES['area_of'])})\s+(?:of|around)\s+)+", re.IGNORECASE
)
_LEAD = re.compile(rf"^(?:{alternation(_PLACES['leads'])})\s+", re.IGNORECASE)
_SUFFIX = re.compile(rf"\s+(?:{alternation(_PLACES['kind_suffixes'])})$", re.IGNORECASE)
# ", in the northwestern province of Latakia" / ", an opposition-held town in Idlib province"
_CONTEXT = (
    re.compile(
        rf"^\s*,?\s*(?i:(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){{0,5}}?(?:in|of)\s+(?:the\s+)?"
        rf"(?:[\w'’-]+\s+){{0,2}}?{_ADMIN_WORDS}\s+of\s+){_PLACE_NAME}"
    ),
    re.compile(
        rf"^\s*,?\s*(?i:(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){{0,5}}?(?:in|of)\s+(?:the\s+)?"
        rf"(?:[\w'’-]+\s+)?){_PLACE_NAME}\s+(?i:{_ADMIN_WORDS})\b"
    ),
)


def find_place(
    name: str, countries: Collection[str] | None = None, gazetteer: Gazetteer | None = None
) -> Place | None:
    """Look `name` up in `gazetteer` (None: the process's choice), preferring places in
    `countries`.

    The country preference reaches the shipped gazetteers; a plugged-in one that only
    takes a name is asked with the name alone.
    """
    g = resolve(gazetteer)
    if countries and isinstance(g, (LayeredGazetteer, WorldGazetteer, JsonGazetteer)):
        return g.lookup(name, countries)
    return g.lookup(name)


def is_common_word(name: str, gazetteer: Gazetteer | None = None) -> bool:
    """Whether the world layer lists `name` as an ordinary English word ("Reading")."""
    g = resolve(gazetteer)
    if isinstance(g, LayeredGazetteer):
        return g.world.common_word(name)
    if isinstance(g, WorldGazetteer):
        return g.common_word(name)
    return False


def _clean(name: str) -> str:
    cleaned = " ".join(name.split()).strip(" ,.;:\"'“”‘’")
    for _ in range(3):
        before = cleaned
        cleaned = _LEAD.sub("", cleaned)
        cleaned = _PREFIX.sub("", cleaned)
        if cleaned == before:
            break
    return cleaned.strip()


def _lookup(name: str, g: Gazetteer, countries: Collection[str] | None = None) -> Place | None:
    """Gazetteer lookup, then without a trailing "province"/"countryside"/... word."""
    place = find_place(name, countries, g)
    if place is None:
        bare = _SUFFIX.sub("", name)
        if bare != name:
            place = find_place(bare, countries, g)
    return place


def _mentions(name: str, text: str) -> list[int]:
    """End offsets of each whole-word occurrence of `name` in `text` (hyphen/space loose)."""
    words = re.findall(r"[\w'’]+", name)
    if not words:
        return []
    pattern = r"[\s\-‐-―]+".join(re.escape(w) for w in words)
    return [m.end() for m in re.finditer(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)]


def _province_from_text(name: str, text: str) -> str | None:
    """The province an article gives right after a place name, if it gives one."""
    for end in _mentions(name, text):
        window = text[end : end + 160].split("\n")[0]
        for regex in _CONTEXT:
            m = regex.match(window)
            if m:
                return m.group("p").strip()
    return None


def _admin1_of(province: str, g: Gazetteer) -> tuple[str, str | None]:
    """Canonical admin1 name and its country for a province name."""
    place = _lookup(f"{province} province", g) or _lookup(province, g)
    if place is None:
        return province, None
    return (place.admin1 or place.name), place.country


def _located(place: Place, written: str) -> Location:
    """The Location for a gazetteer entry.

    Hand-made entries give their canonical spelling. World entries keep the name as the
    article writes it (GeoNames' transliteration, "Kafranbel" for "Kafr Nubl", is often
    not in the article, and FORMAT.md wants the place as named), unless both fold alike.
    """
    name = place.name
    if place.source == WORLD:
        bare = _SUFFIX.sub("", written) or written
        name = place.name if name_key(bare) == name_key(place.name) else bare
    return Location(
        name=name,
        admin1=place.admin1,
        country=place.country,
        latitude=place.latitude,
        longitude=place.longitude,
    )


def _checked(place: Place, name: str, text: str, g: Gazetteer) -> Place | None:
    """A world-layer match the article does not contradict, or None.

    The province the article gives next to the name must be in the same country (and
    picks among same-named places). A weak match, a name that is also an English word
    ("Delta", "Reading") or a small place found by one of its alternate names (GeoNames
    lists "Allah" for a town in Iran), needs its country named in the article.
    """
    province = _province_from_text(name, text)
    country = _admin1_of(province, g)[1] if province is not None else None
    if country is not None:
        hinted = _lookup(name, g, (country,))
        return hinted if hinted is not None and hinted.country == country else None
    if place.kind == "country" or not place.country:
        return place
    bare = _SUFFIX.sub("", name) or name
    own = _ARTICLE.sub("", name_key(bare)) == _ARTICLE.sub("", name_key(place.name))
    weak = is_common_word(bare, g) or (not own and (place.population or 0) < WORLD_LARGE)
    if weak and not re.search(rf"\b{re.escape(place.country)}", text, re.IGNORECASE):
        return None
    return place


def normalize_location(
    name: str | None, text: str | None = None, gazetteer: Gazetteer | None = None
) -> Location:
    """A Location for a place name: canonical spelling, admin1, country and coordinates.

    Known places are filled from the gazetteer. A world-layer match must agree with the
    province the article gives next to the name ("Busra, a town in Daraa province" is not
    Basra in Iraq); the article's country also picks among same-named places. Otherwise
    the article `text` is searched for a province given next to the name, and the country
    follows from the province. Compound names ("Kadeen and Wadi Nabaa Miro") are kept as
    written, with admin1 and country from the first part the gazetteer knows.
    `gazetteer` None: the process's choice (`get_gazetteer`).
    """
    if name is None or not name.strip():
        return Location()
    g = resolve(gazetteer)
    cleaned = _clean(name) or name.strip()
    place = _lookup(cleaned, g)
    if place is not None and place.source == WORLD and text:
        place = _checked(place, cleaned, text, g)
    if place is not None:
        return _located(place, cleaned)
    admin1: str | None = None
    country = None
    for part in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", cleaned):
        part_place = _lookup(part, g) if part and part != cleaned else None
        if part_place is not None:
            admin1, country = part_place.admin1, part_place.country
            break
    if admin1 is None and text:
        province = _province_from_text(cleaned, text)
        if province is not None:
            admin1, country = _admin1_of(province, g)
    return Location(name=cleaned, admin1=admin1, country=country)
