"""Place names to Location records: one spelling, plus province, country and coordinates.

The same town appears as "Maaret al-Numan", "Maarat al-Numan" or "Ma'arrat al-Nu'man";
events only match across documents if those fold to one place. A small gazetteer
(`llm_extract/data/places.json`, GeoNames-sourced) gives the canonical spelling and the
admin1 / country / coordinates. Places it does not know still get a province from the
article itself ("Salma, in the northwestern province of Latakia"). The gazetteer is
pluggable (`set_gazetteer`) so a full GeoNames index can replace the seed-sized one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Protocol, runtime_checkable

from rapidfuzz import fuzz, process

from llm_extract.models import Location
from llm_extract.normalize.text import name_key

FUZZY_CUTOFF = 92.0
"""ratio needed between squashed names ("maaretalnuman"): spelling slips, not new places."""

_ADMIN_WORDS = r"(?:province|governorate|state|prefecture|oblast)"
_PLACE_NAME = r"(?P<p>[A-Z][\w'’-]*(?:\s+(?:al-|el-|ad-|as-|ar-)?[A-Z][\w'’-]*){0,2})"
_PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:outskirts|countryside|vicinity|area|town|city|village|district|"
    r"suburbs?|centre|center|region|province)\s+(?:of|around)\s+)+",
    re.IGNORECASE,
)
_LEAD = re.compile(r"^(?:in|at|near|around|outside|inside|the)\s+", re.IGNORECASE)
_SUFFIX = re.compile(
    r"\s+(?:province|governorate|city|town|village|countryside|region|area|district|"
    r"mountains?|outskirts)$",
    re.IGNORECASE,
)
# ", in the northwestern province of Latakia" / ", an opposition-held town in Idlib province"
_CONTEXT = (
    re.compile(
        rf"^\s*,?\s*(?i:(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){{0,5}}?(?:in|of)\s+(?:the\s+)?"
        rf"(?:[\w'’-]+\s+){{0,2}}?{_ADMIN_WORDS}\s+of\s+){_PLACE_NAME}"
    ),
    re.compile(
        rf"^\s*,?\s*(?i:(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){{0,5}}?in\s+(?:the\s+)?"
        rf"(?:[\w'’-]+\s+)?){_PLACE_NAME}\s+(?i:{_ADMIN_WORDS})\b"
    ),
)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    name: str
    kind: str = "place"
    admin1: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    aliases: tuple[str, ...] = field(default=())


@runtime_checkable
class Gazetteer(Protocol):
    """Anything that can look a place name up; None when it does not know it."""

    def lookup(self, name: str) -> Place | None: ...


def _squash(key: str) -> str:
    return key.replace(" ", "")


def _strip_article(key: str) -> str:
    return re.sub(r"\b(?:al|el|an|ar|as|ad|ash|at|az)\s+", "", key)


class JsonGazetteer:
    """The shipped gazetteer (places.json), loaded on first use.

    Lookup folds case, diacritics, punctuation and the Arabic article ("al-"/"an-"), and
    falls back to a conservative fuzzy match on the squashed name. Cities win over the
    province of the same name; "<name> province" finds the province.
    """

    def __init__(self, places: list[Place] | None = None) -> None:
        self._places = places
        self._index: dict[str, Place] | None = None

    def _load(self) -> dict[str, Place]:
        if self._index is not None:
            return self._index
        if self._places is None:
            raw = json.loads(files("llm_extract").joinpath("data/places.json").read_text("utf-8"))
            self._places = [_place(item) for item in raw["places"]]
        ordered = sorted(self._places, key=lambda p: p.kind in ("admin1", "country"))
        index: dict[str, Place] = {}
        for place in ordered:
            for alias in (place.name, *place.aliases):
                key = name_key(alias)
                for variant in (key, _strip_article(key), _squash(_strip_article(key))):
                    index.setdefault(variant, place)
        self._index = index
        return index

    def lookup(self, name: str) -> Place | None:
        index = self._load()
        key = name_key(name)
        if not key:
            return None
        for variant in (key, _strip_article(key), _squash(_strip_article(key))):
            if variant in index:
                return index[variant]
        squashed = _squash(_strip_article(key))
        if len(squashed) < 6:
            return None
        keys = [k for k in index if " " not in k]
        found = process.extractOne(squashed, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return index[found[0]] if found is not None else None


def _place(item: dict[str, Any]) -> Place:
    return Place(
        name=item["name"],
        kind=item.get("kind", "place"),
        admin1=item.get("admin1"),
        country=item.get("country"),
        latitude=item.get("latitude"),
        longitude=item.get("longitude"),
        aliases=tuple(item.get("aliases", [])),
    )


_default: Gazetteer = JsonGazetteer()
_current: Gazetteer = _default


def set_gazetteer(gazetteer: Gazetteer | None) -> None:
    """Replace the gazetteer used by `normalize_location`; None restores the shipped one."""
    global _current
    _current = gazetteer if gazetteer is not None else _default


def get_gazetteer() -> Gazetteer:
    """The gazetteer `normalize_location` currently uses."""
    return _current


def _clean(name: str) -> str:
    cleaned = " ".join(name.split()).strip(" ,.;:\"'“”‘’")
    for _ in range(3):
        before = cleaned
        cleaned = _LEAD.sub("", cleaned)
        cleaned = _PREFIX.sub("", cleaned)
        if cleaned == before:
            break
    return cleaned.strip()


def _lookup(name: str) -> Place | None:
    """Gazetteer lookup, then without a trailing "province"/"countryside"/... word."""
    place = _current.lookup(name)
    if place is None:
        bare = _SUFFIX.sub("", name)
        if bare != name:
            place = _current.lookup(bare)
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


def _admin1_of(province: str) -> tuple[str, str | None]:
    """Canonical admin1 name and its country for a province name."""
    place = _lookup(province)
    if place is None:
        return province, None
    return (place.admin1 or place.name), place.country


def normalize_location(name: str | None, text: str | None = None) -> Location:
    """A Location for a place name: canonical spelling, admin1, country and coordinates.

    Known places are filled from the gazetteer. Otherwise the article `text` is searched
    for a province given next to the name, and the country follows from the province.
    Compound names ("Kadeen and Wadi Nabaa Miro") are kept as written, with admin1 and
    country from the first part the gazetteer knows.
    """
    if name is None or not name.strip():
        return Location()
    cleaned = _clean(name) or name.strip()
    place = _lookup(cleaned)
    if place is not None:
        return Location(
            name=place.name,
            admin1=place.admin1,
            country=place.country,
            latitude=place.latitude,
            longitude=place.longitude,
        )
    admin1: str | None = None
    country: str | None = None
    for part in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", cleaned):
        part_place = _lookup(part) if part and part != cleaned else None
        if part_place is not None:
            admin1, country = part_place.admin1, part_place.country
            break
    if admin1 is None and text:
        province = _province_from_text(cleaned, text)
        if province is not None:
            admin1, country = _admin1_of(province)
    return Location(name=cleaned, admin1=admin1, country=country)
