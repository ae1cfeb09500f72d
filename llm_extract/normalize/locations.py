"""Place names to Location records: one spelling, plus province, country and coordinates.

The same town appears as "Maaret al-Numan", "Maarat al-Numan" or "Ma'arrat al-Nu'man";
events only match across documents if those fold to one place. Two layers answer:

- the hand-made gazetteer (`llm_extract/data/places.json`, GeoNames-sourced), which
  gives the canonical news spelling and always wins;
- the world layer (`llm_extract/data/world_places.tsv.gz`, built from GeoNames by
  scripts/build_world_gazetteer.py): about 80,000 towns, every admin1 division and
  country, loaded on first use, so articles outside Syria get an admin1, a country and
  coordinates too. Its admin1 names are mapped to the hand-made ones where those exist.

Places neither knows still get a province from the article itself ("Salma, in the
northwestern province of Latakia"). The gazetteer is pluggable (`set_gazetteer`).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
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
        rf"^\s*,?\s*(?i:(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){{0,5}}?(?:in|of)\s+(?:the\s+)?"
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
    population: int | None = None
    """GeoNames' population (0 or None: unknown); ranks same-named places."""
    source: str = ""
    """WORLD for entries of the world layer; "" for hand-made or plugged-in entries."""


WORLD = "geonames"
"""`Place.source` of the world layer's entries, which callers may trust less."""


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

    def lookup(self, name: str, countries: Collection[str] | None = None) -> Place | None:
        """The entry for `name`; `countries` is accepted for symmetry and ignored."""
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


_WORLD_FILE = "data/world_places.tsv.gz"
WORLD_LARGE = 100_000
"""A world-layer place this populous (a city, or an admin1 division's towns together) is
trusted on its name alone; smaller ones need context (the rules' place phrases, or their
country named nearby)."""
_ALT_WEIGHT = 3
"""A place matched by an alternate name counts as a third of its population when ranked
against places of that main name ("Odessa": Odesa, Ukraine over Odessa, Texas; "Man":
Man, Ivory Coast over Manchester, one of whose alternate names it is)."""
_ADMIN_TAIL = re.compile(r"^(?P<n>.+) (?:province|governorate|state|region|oblast|prefecture)$")
_DISTRICT_TAIL = re.compile(r"^(?P<n>.+) (?:district|county|city|town|village)$")
_ARTICLE = re.compile(r"^(?:al|el|an|ar|as|ad|ash|at|az) ")
# Where a leading "al-"/"el-" is the Arabic article news often drops ("Arish" for El
# Arish); elsewhere "El" is part of the name (El Congo, El Paso are not "Congo", "Paso").
_ARABIC_ARTICLE_CC = frozenset(
    re.findall(
        r"[A-Z]{2}", "AE BH DJ DZ EG EH IL IQ JO KM KW LB LY MA MR OM PS QA SA SD SO SY TD TN YE"
    )
)
_KEY_JUNK = re.compile(r"[\W_]+")


def _ascii_key(text: str) -> str:
    """`name_key` for ASCII text, without its per-character loop (the world table is ASCII)."""
    if not text.isascii():
        return name_key(text)
    key = re.sub(r"'s\b", "", text.lower().replace("`", "'")).replace("'", "")
    key = _KEY_JUNK.sub(" ", key).strip()
    return key[4:] if key.startswith("the ") else key


@dataclass(frozen=True)
class _Hit:
    row: int
    alias: bool  # matched an alternate name, not the main one


class WorldGazetteer:
    """GeoNames' populated places, admin1 divisions and countries, loaded on first lookup.

    Same-named places resolve by population, unless `countries` names the ones to prefer
    ("Tripoli" is Libya's capital, or Lebanon's city with countries={"Lebanon"}). A
    country beats anything else of its name, and a city beats the admin1 division of its
    name in the same country ("Kano"); "<name> province/state/region" finds the division.
    Lookup is exact after folding (case, diacritics, punctuation, a leading Arabic
    article): no fuzzy matching over 80,000 names.
    """

    def __init__(self, lines: Iterable[str] | None = None) -> None:
        self._lines = lines
        self._rows: list[str] = []
        self._index: dict[str, int | tuple[int, ...]] | None = None
        self._loose: dict[str, int | tuple[int, ...]] = {}
        self._countries: dict[str, str] = {}
        self._words: frozenset[str] = frozenset()
        self._cache: dict[int, Place] = {}
        self._lock = threading.Lock()

    def _read(self) -> Iterable[str]:
        if self._lines is not None:
            yield from self._lines
            return
        with (
            files("llm_extract").joinpath(_WORLD_FILE).open("rb") as raw,
            gzip.GzipFile(fileobj=raw) as unzipped,
            io.TextIOWrapper(unzipped, encoding="utf-8") as text,
        ):
            for line in text:
                yield line.rstrip("\n")

    def _load(self) -> dict[str, int | tuple[int, ...]]:
        if self._index is not None:
            return self._index
        with self._lock:  # the rules backend drafts in threads: load once, not per thread
            if self._index is None:
                self._build()
        assert self._index is not None
        return self._index

    def _build(self) -> None:
        index: dict[str, int | tuple[int, ...]] = {}
        loose: dict[str, int | tuple[int, ...]] = {}
        rows: list[str] = []
        words: set[str] = set()
        for line in self._read():
            if not line or line.startswith("#") or line.startswith("kind\t"):
                continue
            fields = line.split("\t")
            if fields[0] == "word":
                words.add(fields[1])
                continue
            if fields[0] == "country":
                self._countries[fields[2]] = fields[1]
            row = len(rows)
            rows.append(line)
            names = [fields[1], *(a for a in fields[7].split("|") if a)]
            arabic = fields[2] in _ARABIC_ARTICLE_CC
            for i, alias in enumerate(names):
                key = _ascii_key(alias)
                code = row * 2 + (i > 0)
                _add(index, key, code)
                bare = _ARTICLE.sub("", key) if arabic else key
                if bare != key:
                    _add(loose, bare, code)
        self._rows, self._loose, self._words = rows, loose, frozenset(words)
        self._index = index

    def common_word(self, name: str) -> bool:
        """Whether `name` is also an ordinary English word ("Reading", "Split", "Delta")."""
        self._load()
        return name_key(name) in self._words

    def __len__(self) -> int:
        self._load()
        return len(self._rows)

    def _place(self, row: int) -> Place:
        if row not in self._cache:
            kind, name, cc, admin1, lat, lon, pop, aliases = self._rows[row].split("\t")
            self._cache[row] = Place(
                name=name,
                kind=kind,
                admin1=admin1 or None,
                country=self._countries.get(cc) or None,
                latitude=float(lat) if lat else None,
                longitude=float(lon) if lon else None,
                aliases=tuple(a for a in aliases.split("|") if a),
                population=int(pop) if pop else None,
                source=WORLD,
            )
        return self._cache[row]

    def _hits(self, key: str) -> list[_Hit]:
        index = self._load()
        found = index.get(key)
        if found is None:
            bare = _ARTICLE.sub("", key)
            found = index.get(bare) if bare != key else None
            if found is None:
                found = self._loose.get(bare)
        if found is None:
            return []
        codes = found if isinstance(found, tuple) else (found,)
        return [_Hit(code // 2, bool(code % 2)) for code in codes]

    def candidates(self, name: str) -> list[Place]:
        """Every entry the name could mean, best first (as `lookup` ranks them)."""
        return [self._place(h.row) for h in self._ranked(name_key(name), None)]

    def lookup(self, name: str, countries: Collection[str] | None = None) -> Place | None:
        """The place `name` most likely means, preferring places in `countries`.

        A short all-capitals name is an acronym: it only matches an entry written that
        way ("DRC"), not a town that folds to it ("UN" is not Un in India).
        """
        key = name_key(name)
        if not key:
            return None
        ranked = self._ranked(key, countries)
        written = name.strip()
        if written.isupper() and len(written) <= 5:
            ranked = [
                h
                for h in ranked
                if written in (self._place(h.row).name, *self._place(h.row).aliases)
            ]
            return self._place(ranked[0].row) if ranked else None
        if not ranked:
            admin = _ADMIN_TAIL.match(key)
            if admin:
                hits = [h for h in self._hits(admin["n"]) if self._place(h.row).kind == "admin1"]
                ranked = self._rank(hits, countries)
            elif (district := _DISTRICT_TAIL.match(key)) is not None:
                ranked = self._ranked(district["n"], countries)
        return self._place(ranked[0].row) if ranked else None

    def _ranked(self, key: str, countries: Collection[str] | None) -> list[_Hit]:
        return self._rank(self._hits(key), countries) if key else []

    def _rank(self, hits: list[_Hit], countries: Collection[str] | None) -> list[_Hit]:
        if countries:
            preferred = [h for h in hits if self._place(h.row).country in countries]
            hits = preferred or hits

        def score(hit: _Hit) -> tuple[bool, float, int]:
            place = self._place(hit.row)
            pop = (place.population or 0) / (_ALT_WEIGHT if hit.alias else 1)
            return (place.kind == "country", pop, -hit.row)

        ranked = sorted(hits, key=score, reverse=True)
        if ranked and self._place(ranked[0].row).kind == "admin1":
            top = self._place(ranked[0].row)
            towns = [h for h in ranked if self._place(h.row).kind in ("city", "town")]
            same = [h for h in towns if self._place(h.row).country == top.country]
            if same:  # "Kano" the city, not Kano state; "Kano state" asks for the state
                ranked.remove(same[0])
                ranked.insert(0, same[0])
        return ranked


def _add(index: dict[str, int | tuple[int, ...]], key: str, code: int) -> None:
    if not key:
        return
    have = index.get(key)
    if have is None:
        index[key] = code
    elif isinstance(have, tuple):
        if code // 2 not in (c // 2 for c in have):
            index[key] = (*have, code)
    elif have // 2 != code // 2:
        index[key] = (have, code)


@lru_cache(maxsize=1)
def _actor_names() -> frozenset[str]:
    """Keys of the names and aliases in the hand-made actor table (data/actors.json)."""
    raw = json.loads(files("llm_extract").joinpath("data/actors.json").read_text("utf-8"))
    return frozenset(
        name_key(alias)
        for actor in raw.get("actors", [])
        for alias in (actor["name"], *actor.get("aliases", []))
    )


class LayeredGazetteer:
    """The hand-made gazetteer first, the world layer for everything it does not know.

    World entries get the hand-made admin1 names where the hand-made file knows the
    division ("Ar-Raqqah" -> "Raqqa", "Rif-dimashq" -> "Rif Dimashq"), so the two layers
    agree on names. A name the hand-made actor table lists is an actor before it is a
    GeoNames town ("Hamas" is also a spelling of Hamm, "Wagner" a town in Brazil, "Fano"
    one in Italy), so "members of Hamas" stays an actor; countries and admin1 divisions
    still answer.
    """

    def __init__(
        self, curated: JsonGazetteer | None = None, world: WorldGazetteer | None = None
    ) -> None:
        self.curated = curated if curated is not None else JsonGazetteer()
        self.world = world if world is not None else WorldGazetteer()
        self._admin1: dict[tuple[str | None, str], str] = {}

    def lookup(self, name: str, countries: Collection[str] | None = None) -> Place | None:
        """The hand-made entry if there is one, else the world layer's best match."""
        place = self.curated.lookup(name)
        if place is not None:
            return place
        found = self.world.lookup(name, countries)
        if found is None:
            return None
        if found.kind in ("city", "town") and name_key(name) in _actor_names():
            return None
        return self._curated_names(found)

    def _curated_names(self, place: Place) -> Place:
        if place.admin1 is None:
            return place
        key = (place.country, place.admin1)
        if key not in self._admin1:
            own = self.curated.lookup(place.admin1)
            same = own is not None and own.country == place.country
            self._admin1[key] = (own.admin1 or own.name) if own and same else place.admin1
        admin1 = self._admin1[key]
        if admin1 == place.admin1:
            return place
        if place.kind == "admin1":
            return replace(place, name=admin1, admin1=admin1)
        return replace(place, admin1=admin1)


_default: Gazetteer = LayeredGazetteer()
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


def find_place(name: str, countries: Collection[str] | None = None) -> Place | None:
    """Look `name` up in the current gazetteer, preferring places in `countries`.

    The country preference reaches the shipped gazetteers; a plugged-in one that only
    takes a name is asked with the name alone.
    """
    gazetteer = _current
    if countries and isinstance(gazetteer, (LayeredGazetteer, WorldGazetteer, JsonGazetteer)):
        return gazetteer.lookup(name, countries)
    return gazetteer.lookup(name)


def is_common_word(name: str) -> bool:
    """Whether the world layer lists `name` as an ordinary English word ("Reading")."""
    gazetteer = _current
    if isinstance(gazetteer, LayeredGazetteer):
        return gazetteer.world.common_word(name)
    if isinstance(gazetteer, WorldGazetteer):
        return gazetteer.common_word(name)
    return False


def _lookup(name: str, countries: Collection[str] | None = None) -> Place | None:
    """Gazetteer lookup, then without a trailing "province"/"countryside"/... word."""
    place = find_place(name, countries)
    if place is None:
        bare = _SUFFIX.sub("", name)
        if bare != name:
            place = find_place(bare, countries)
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
    place = _lookup(f"{province} province") or _lookup(province)
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


def _checked(place: Place, name: str, text: str) -> Place | None:
    """A world-layer match the article does not contradict, or None.

    The province the article gives next to the name must be in the same country (and
    picks among same-named places). A weak match, a name that is also an English word
    ("Delta", "Reading") or a small place found by one of its alternate names (GeoNames
    lists "Allah" for a town in Iran), needs its country named in the article.
    """
    province = _province_from_text(name, text)
    country = _admin1_of(province)[1] if province is not None else None
    if country is not None:
        hinted = _lookup(name, (country,))
        return hinted if hinted is not None and hinted.country == country else None
    if place.kind == "country" or not place.country:
        return place
    bare = _SUFFIX.sub("", name) or name
    own = _ARTICLE.sub("", name_key(bare)) == _ARTICLE.sub("", name_key(place.name))
    weak = is_common_word(bare) or (not own and (place.population or 0) < WORLD_LARGE)
    if weak and not re.search(rf"\b{re.escape(place.country)}", text, re.IGNORECASE):
        return None
    return place


def normalize_location(name: str | None, text: str | None = None) -> Location:
    """A Location for a place name: canonical spelling, admin1, country and coordinates.

    Known places are filled from the gazetteer. A world-layer match must agree with the
    province the article gives next to the name ("Busra, a town in Daraa province" is not
    Basra in Iraq); the article's country also picks among same-named places. Otherwise
    the article `text` is searched for a province given next to the name, and the country
    follows from the province. Compound names ("Kadeen and Wadi Nabaa Miro") are kept as
    written, with admin1 and country from the first part the gazetteer knows.
    """
    if name is None or not name.strip():
        return Location()
    cleaned = _clean(name) or name.strip()
    place = _lookup(cleaned)
    if place is not None and place.source == WORLD and text:
        place = _checked(place, cleaned, text)
    if place is not None:
        return _located(place, cleaned)
    admin1: str | None = None
    country = None
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
