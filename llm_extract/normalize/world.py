"""GeoNames' world layer: about 80,000 towns, every admin1 division and country.

Built from GeoNames by scripts/build_world_gazetteer.py into
`llm_extract/data/world_places.tsv.gz` and loaded on first lookup, so articles anywhere
get an admin1, a country and coordinates. Same-named places rank by population and the
article's countries; the table also lists names that are ordinary English words.
"""

from __future__ import annotations

import gzip
import io
import re
import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from importlib.resources import files

from llm_extract.normalize.gazetteer import WORLD, Place
from llm_extract.normalize.text import name_key
from llm_extract.text.language import alternation, english

_WORLD_FILE = "data/world_places.tsv.gz"
WORLD_LARGE = 100_000
"""A world-layer place this populous (a city, or an admin1 division's towns together) is
trusted on its name alone; smaller ones need context (the rules' place phrases, or their
country named nearby)."""
_ALT_WEIGHT = 3
"""A place matched by an alternate name counts as a third of its population when ranked
against places of that main name ("Odessa": Odesa, Ukraine over Odessa, Texas; "Man":
Man, Ivory Coast over Manchester, one of whose alternate names it is)."""
_PLACE_WORDS: dict[str, list[str]] = english().vocabulary()["normalize"]["places"]
_ADMIN_TAIL = re.compile(rf"^(?P<n>.+) (?:{alternation(_PLACE_WORDS['admin_tails'])})$")
"""A name key ending in a division word ("idlib governorate")."""
_DISTRICT_TAIL = re.compile(rf"^(?P<n>.+) (?:{alternation(_PLACE_WORDS['district_tails'])})$")
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
