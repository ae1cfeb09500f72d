"""Gazetteer entries, the lookup protocol, and the hand-made gazetteer.

`Place` is one entry and `Gazetteer` anything that looks names up. The hand-made table
(`JsonGazetteer`, `data/places.json`, GeoNames-sourced) gives the canonical news spelling
and always wins; GeoNames' world layer is `normalize.world`, and the two together, with
the process's choice of gazetteer, are `normalize.layered`.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Protocol, runtime_checkable

from rapidfuzz import fuzz, process

from llm_extract.normalize.text import name_key

FUZZY_CUTOFF = 92.0
"""ratio needed between squashed names ("maaretalnuman"): spelling slips, not new places."""

WORLD = "geonames"
"""`Place.source` of the world layer's entries, which callers may trust less."""


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


@runtime_checkable
class Gazetteer(Protocol):
    """Anything that can look a place name up; None when it does not know it."""

    def lookup(self, name: str) -> Place | None: ...


def _squash(key: str) -> str:
    return key.replace(" ", "")


def strip_article(key: str) -> str:
    """A name key without the Arabic article ("al nusra" -> "nusra")."""
    return re.sub(r"\b(?:al|el|an|ar|as|ad|ash|at|az)\s+", "", key)


class JsonGazetteer:
    """The shipped hand-made gazetteer (places.json), loaded on first use.

    Lookup folds case, diacritics, punctuation and the Arabic article ("al-"/"an-"), and
    falls back to a conservative fuzzy match on the squashed name. Cities win over the
    province of the same name; "<name> province" finds the province.
    """

    def __init__(self, places: list[Place] | None = None) -> None:
        self._places = places
        self._index: dict[str, Place] | None = None
        self._fuzzy_keys: list[str] = []
        self._lock = threading.Lock()

    def _load(self) -> dict[str, Place]:
        if self._index is not None:
            return self._index
        with self._lock:
            if self._index is None:
                self._build()
        assert self._index is not None
        return self._index

    def _build(self) -> None:
        if self._places is None:
            raw = json.loads(files("llm_extract").joinpath("data/places.json").read_text("utf-8"))
            self._places = [place_of(item) for item in raw["places"]]
        ordered = sorted(self._places, key=lambda p: p.kind in ("admin1", "country"))
        index: dict[str, Place] = {}
        for place in ordered:
            for alias in (place.name, *place.aliases):
                key = name_key(alias)
                for variant in (key, strip_article(key), _squash(strip_article(key))):
                    index.setdefault(variant, place)
        self._fuzzy_keys = [k for k in index if " " not in k]
        self._index = index

    def entries(self) -> list[Place]:
        """Every entry of the table, in its order (loading it on first use)."""
        self._load()
        return list(self._places or ())

    def lookup(self, name: str, countries: Collection[str] | None = None) -> Place | None:
        """The entry for `name`; `countries` is accepted for symmetry and ignored."""
        index = self._load()
        key = name_key(name)
        if not key:
            return None
        for variant in (key, strip_article(key), _squash(strip_article(key))):
            if variant in index:
                return index[variant]
        squashed = _squash(strip_article(key))
        if len(squashed) < 6:
            return None
        found = process.extractOne(
            squashed, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        return index[found[0]] if found is not None else None


def place_of(item: dict[str, Any]) -> Place:
    """A `Place` from one entry of a places.json-style table (KeyError without a name,
    TypeError or ValueError for fields of the wrong kind)."""
    if not isinstance(item, dict):
        raise TypeError(f"an entry is an object, not {type(item).__name__}")
    name = item["name"]
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name must be a non-empty string, not {name!r}")
    for key in ("latitude", "longitude"):
        value = item.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise TypeError(f"{key} must be a number, not {value!r}")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise TypeError(f"aliases must be a list of strings, not {aliases!r}")
    return Place(
        name=name,
        kind=item.get("kind", "place"),
        admin1=item.get("admin1"),
        country=item.get("country"),
        latitude=item.get("latitude"),
        longitude=item.get("longitude"),
        aliases=tuple(item.get("aliases", [])),
    )
