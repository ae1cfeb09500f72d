"""The shipped gazetteer (hand-made first, then the world layer) and who gets which.

Callers pass the gazetteer they want to the functions that read places
(`normalize_location`, `find_place`, `scan_places`). One passing none gets the process's
choice (`GazetteerChoice`: the shipped one, built once on first use, unless
`set_gazetteer` plugged in another), so the tables are never loaded at import time and
never twice.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import replace
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from llm_extract.errors import ConfigurationError
from llm_extract.normalize.gazetteer import Gazetteer, JsonGazetteer, Place, place_of
from llm_extract.normalize.text import name_key
from llm_extract.normalize.world import WorldGazetteer


@lru_cache(maxsize=1)
def _actor_names() -> frozenset[str]:
    """Keys of the names and aliases in the hand-made actor table (data/actors.json)."""
    raw = json.loads(files("llm_extract").joinpath("data/actors.json").read_text("utf-8"))
    return frozenset(
        name_key(alias)
        for actor in raw.get("actors", [])
        for alias in (actor["name"], *actor.get("aliases", []))
    )


MEMO = 50_000
"""Lookups a `LayeredGazetteer` remembers before it starts again."""


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
        self._memo: dict[tuple[str, frozenset[str]], tuple[Place | None]] = {}

    def lookup(self, name: str, countries: Collection[str] | None = None) -> Place | None:
        """The hand-made entry if there is one, else the world layer's best match.

        Answers are remembered (up to `MEMO` names): the rules ask for the same names
        sentence after sentence, and a miss costs a fuzzy match over the hand-made table."""
        key = (name, frozenset(countries or ()))
        hit = self._memo.get(key)  # one get: another thread may clear the memo meanwhile
        if hit is not None:
            return hit[0]
        if len(self._memo) >= MEMO:
            self._memo.clear()
        found = self._lookup(name, countries)
        self._memo[key] = (found,)
        return found

    def _lookup(self, name: str, countries: Collection[str] | None) -> Place | None:
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


@lru_cache(maxsize=1)
def shipped_gazetteer() -> LayeredGazetteer:
    """The shipped gazetteer (hand-made, then world layer), one per process."""
    return LayeredGazetteer()


class GazetteerChoice:
    """Which gazetteer a caller that passes none gets: a plugged-in one, else the shipped.

    One instance (`CHOICE`) serves the process; `set_gazetteer` and `get_gazetteer` are
    its functional face, kept for callers of the earlier API.
    """

    def __init__(self) -> None:
        self.plugged: Gazetteer | None = None

    def get(self) -> Gazetteer:
        """The plugged-in gazetteer, or the shipped one."""
        return self.plugged if self.plugged is not None else shipped_gazetteer()


CHOICE = GazetteerChoice()


def set_gazetteer(gazetteer: Gazetteer | None) -> None:
    """Plug in the gazetteer used by callers that pass none; None restores the shipped one."""
    CHOICE.plugged = gazetteer


def get_gazetteer() -> Gazetteer:
    """The gazetteer a caller that passes none gets."""
    return CHOICE.get()


def resolve(gazetteer: Gazetteer | None) -> Gazetteer:
    """`gazetteer`, or the process's choice when None."""
    return gazetteer if gazetteer is not None else CHOICE.get()


def read_places(path: Path) -> list[Place]:
    """The places of a JSON file laid out like data/places.json (`{"places": [...]}`).

    Anything unreadable is a `ConfigurationError` naming the file and the entry, so a
    typo in a user's table stops the run before any document instead of losing places.
    """
    try:
        raw: Any = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read gazetteer {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise ConfigurationError(f"gazetteer {path} is not valid JSON: {exc}") from exc
    items = raw.get("places") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ConfigurationError(f'gazetteer {path}: expected {{"places": [...]}}')
    places: list[Place] = []
    for i, item in enumerate(items):
        try:
            places.append(place_of(item))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigurationError(f"gazetteer {path}: places[{i}]: {exc}") from exc
    return places


def own_gazetteer(path: Path | str) -> LayeredGazetteer:
    """The shipped gazetteer with the places of `path` in front of its hand-made table.

    The user's entries win over the shipped ones of the same name and, like them, over
    the world layer; the world layer is the shipped one (loaded once per process). Built
    once per file version."""
    file = Path(path).resolve()
    try:
        stat = file.stat()
    except OSError as exc:
        raise ConfigurationError(f"cannot read gazetteer {path}: {exc.strerror or exc}") from exc
    return _own_gazetteer(file, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _own_gazetteer(file: Path, _mtime_ns: int, _size: int) -> LayeredGazetteer:
    shipped = shipped_gazetteer()
    curated = JsonGazetteer([*read_places(file), *shipped.curated.entries()])
    return LayeredGazetteer(curated, shipped.world)


def configured_gazetteer(path: Path | str | None) -> Gazetteer | None:
    """The gazetteer a `Settings.gazetteer` file names (None: none named, so callers
    fall back on the process's choice)."""
    return None if path is None else own_gazetteer(path)
