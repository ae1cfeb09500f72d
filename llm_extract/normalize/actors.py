"""Actor surface names to ACLED-style canonical actors (FORMAT.md, Actor names).

Articles name one actor many ways ("regime troops", "Assad's forces", "the army"); scoring
and cross-document linking need one name. The alias table is data
(`llm_extract/data/actors.json`); code only folds names, peels descriptors ("Iran-backed",
"fighters"), applies a few general patterns ("Turkish troops" -> Military Forces of Turkey)
and, last, a conservative fuzzy match. Unknown actors give None so the caller keeps the
surface name instead of a wrong guess.

Generic phrases ("militants", "the junta", "UN peacekeepers", "SNA") mean different actors
in different wars, so the table lists them as context aliases of an entry for the countries
it names (`context_countries`, default its own country). For an event in one of those
countries they win over global aliases (in Mozambique "al-Shabab" is the Islamic State
affiliate, not the Somali group); elsewhere they never fire. With no country they read as
in the table's `default_context_country`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from llm_extract.normalize.text import name_key
from llm_extract.ontology import ActorType
from llm_extract.text.language import alternation, english

FUZZY_CUTOFF = 90.0
"""token_sort_ratio needed for a fuzzy alias match: typos and word order, not new names."""

_SHORT_CAPS = re.compile(r"[A-Z]{1,3}")
_MAX_NATIONALITY_WORDS = 6
"""Longest nationality key, in words ("democratic republic of the congo")."""
_PEEL: dict[str, list[str]] = english().vocabulary()["normalize"]["actor_descriptors"]
"""Descriptors peeled off a name ("Iran-backed", "so-called", "fighters"): language data."""
_BACKED = re.compile(rf"^(?:\S+-|\S+\s+)(?:{alternation(_PEEL['backed'])})\s+", re.IGNORECASE)
_GROUP_OF_KIND = (
    rf"(?:{alternation(_PEEL['leading_group_kinds'])})\s+(?:{alternation(_PEEL['group_nouns'])})"
)
_LEADING = re.compile(rf"^(?:{alternation(_PEEL['leading'])}|{_GROUP_OF_KIND})\s+", re.IGNORECASE)
_TRAILING = re.compile(rf"\s+(?:{alternation(_PEEL['trailing'])})$", re.IGNORECASE)
_PAREN = re.compile(r"\s*\(([^)]*)\)")
_YEARS = re.compile(r"\s*\(\d{4}-(?:\d{4})?\)")
_CANONICAL = re.compile(
    r"^(?:(?P<label1>Military Forces of|Police Forces of|Government of)\s+(?:the\s+)?(?P<c1>.+)"
    r"|(?P<label2>Civilians|Protesters|Rioters|Unidentified Armed Group|Unidentified Gang)"
    r"\s+\((?P<c2>[^)]+)\))$",
    re.IGNORECASE,
)


class ActorInfo(BaseModel):
    """A canonical actor: ACLED-style name, inter-code type and home country."""

    model_config = ConfigDict(frozen=True)

    name: str
    actor_type: ActorType
    country: str | None = None


@dataclass(frozen=True)
class _Entry:
    name: str
    actor_type: ActorType
    country: str | None
    home_type: ActorType | None = None
    abroad_type: ActorType | None = None
    context_countries: frozenset[str] = frozenset()

    def info(self, context: str | None) -> ActorInfo:
        """The entry as seen from an event in country `context` (None: unknown)."""
        kind = self.actor_type
        if context is not None and self.country is not None:
            if context == self.country and self.home_type is not None:
                kind = self.home_type
            elif context != self.country and self.abroad_type is not None:
                kind = self.abroad_type
        return ActorInfo(name=self.name, actor_type=kind, country=self.country)


@dataclass(frozen=True)
class _Kind:
    template: str
    entry_type: ActorType
    abroad_type: ActorType | None
    nouns: frozenset[str]
    bare: frozenset[str]


@dataclass(frozen=True)
class _Table:
    by_key: dict[str, _Entry]
    by_context_key: dict[str, tuple[_Entry, ...]]
    by_context_caps: dict[str, tuple[_Entry, ...]]
    default_context: str | None
    by_caps: dict[str, _Entry]
    by_name: dict[str, _Entry]
    nationalities: dict[str, str]
    with_article: frozenset[str]
    filler: frozenset[str]
    kinds: tuple[_Kind, ...]


def _entry(raw: dict[str, Any]) -> _Entry:
    home = raw.get("home_type")
    abroad = raw.get("abroad_type")
    country = raw.get("country")
    where = raw.get("context_countries") or ([country] if country else [])
    return _Entry(
        name=raw["name"],
        actor_type=ActorType(raw["actor_type"]),
        country=country,
        home_type=ActorType(home) if home else None,
        abroad_type=ActorType(abroad) if abroad else None,
        context_countries=frozenset(where),
    )


@lru_cache(maxsize=1)
def _table() -> _Table:
    """Load and index actors.json once."""
    raw = json.loads(files("llm_extract").joinpath("data/actors.json").read_text("utf-8"))
    by_key: dict[str, _Entry] = {}
    by_context: dict[str, tuple[_Entry, ...]] = {}
    by_context_caps: dict[str, tuple[_Entry, ...]] = {}
    by_caps: dict[str, _Entry] = {}
    by_name: dict[str, _Entry] = {}
    for item in raw["actors"]:
        entry = _entry(item)
        by_name[entry.name] = entry
        by_key.setdefault(name_key(entry.name), entry)
        for alias in item.get("aliases", []):
            if _SHORT_CAPS.fullmatch(alias):
                by_caps[alias] = entry
            else:
                by_key.setdefault(name_key(alias), entry)
        for alias in item.get("context_aliases", []):
            if _SHORT_CAPS.fullmatch(alias):
                by_context_caps[alias] = (*by_context_caps.get(alias, ()), entry)
            else:
                key = name_key(alias)
                by_context[key] = (*by_context.get(key, ()), entry)
    patterns = raw["patterns"]
    kinds = tuple(
        _Kind(
            template=k["template"],
            entry_type=ActorType(k["actor_type"]),
            abroad_type=ActorType(k["abroad_type"]) if k.get("abroad_type") else None,
            nouns=frozenset(name_key(n) for n in k["nouns"]),
            bare=frozenset(name_key(n) for n in k.get("bare", [])),
        )
        for k in patterns["kinds"]
    )
    return _Table(
        by_key=by_key,
        by_context_key=by_context,
        by_context_caps=by_context_caps,
        default_context=raw.get("default_context_country"),
        by_caps=by_caps,
        by_name=by_name,
        nationalities={name_key(k): v for k, v in raw["nationalities"].items()},
        with_article=frozenset(raw.get("countries_with_article", [])),
        filler=frozenset(name_key(f) for f in patterns["filler"]),
        kinds=kinds,
    )


def _context_entry(candidate: str, country: str | None) -> _Entry | None:
    """The entry a context alias stands for in `country` (None: the table's default)."""
    table = _table()
    where = country if country is not None else table.default_context
    if where is None:
        return None
    entries = table.by_context_caps.get(candidate) or table.by_context_key.get(
        name_key(candidate), ()
    )
    return next((e for e in entries if where in e.context_countries), None)


def _candidates(name: str) -> Iterator[str]:
    """The name, then variants with descriptors peeled off, most specific first."""
    current = " ".join(name.split()).strip(" ,.;:\"'")
    current = re.sub(r"^the\s+", "", current, flags=re.IGNORECASE)
    yield current
    inner = [m.group(1).strip() for m in _PAREN.finditer(current)]
    current = _PAREN.sub("", current).strip()
    yield current
    for regex in (_BACKED, _LEADING):
        stripped = regex.sub("", current)
        if stripped and stripped != current:
            current = stripped
            yield current
    while True:
        stripped = _TRAILING.sub("", current)
        if not stripped or stripped == current:
            break
        current = stripped
        yield current
    yield from inner


def _exact(candidate: str, country: str | None) -> ActorInfo | None:
    """Alias lookup: the event country's own reading of a phrase first, then global ones."""
    table = _table()
    key = name_key(candidate)
    if not key:
        return None
    if country is not None and (local := _context_entry(candidate, country)) is not None:
        return local.info(country)
    if candidate in table.by_caps:
        return table.by_caps[candidate].info(country)
    if key in table.by_key:
        return table.by_key[key].info(country)
    if country is None and (default := _context_entry(candidate, None)) is not None:
        return default.info(country)
    return None


def _split_nationality(key: str) -> tuple[str | None, str]:
    """("turkish", "troops") for "turkish troops"; longest nationality first."""
    words = key.split()
    nationalities = _table().nationalities
    for n in range(_MAX_NATIONALITY_WORDS, 0, -1):
        head = " ".join(words[:n])
        if len(words) > n and head in nationalities:
            return nationalities[head], " ".join(words[n:])
    return None, key


def _pattern(candidate: str, country: str | None) -> ActorInfo | None:
    """General ACLED patterns: "<nationality> troops", "<nationality> police", "gunmen"..."""
    table = _table()
    key = name_key(candidate)
    nationality, rest = _split_nationality(key)
    if nationality is not None:
        named = _exact_named(rest, nationality, country)
        if named is not None:
            return named
    actor_country = nationality or country
    if actor_country is None:
        return None
    # The noun with leading filler words dropped one at a time ("armed forces" is a noun
    # before it is "armed" + "forces"; "air force" before "air" + "force").
    words = rest.split()
    nouns = [" ".join(words)]
    while len(words) > 1 and words[0] in table.filler:
        words = words[1:]
        nouns.append(" ".join(words))
    for noun in nouns:
        for kind in table.kinds:
            if noun in (kind.nouns if nationality else kind.bare):
                return _from_kind(kind, actor_country, country)
    return None


def _from_kind(kind: _Kind, actor_country: str, country: str | None) -> ActorInfo:
    """The actor a pattern names for `actor_country`, seen from an event in `country`."""
    table = _table()
    the = "the " if actor_country in table.with_article else ""
    name = kind.template.format(the=the, country=actor_country)
    if name in table.by_name:
        return table.by_name[name].info(country)
    kind_type = kind.entry_type
    if country is not None and country != actor_country and kind.abroad_type is not None:
        kind_type = kind.abroad_type
    return ActorInfo(name=name, actor_type=kind_type, country=actor_country)


def _from_canonical(name: str, country: str | None) -> ActorInfo | None:
    """Names already in canonical form ("Protesters (Kenya)", "Military Forces of Iraq")."""
    m = _CANONICAL.match(" ".join(name.split()))
    if m is None:
        return None
    label = (m["label1"] or m["label2"]).lower()
    raw_country = (m["c1"] or m["c2"]).strip()
    table = _table()
    actor_country = table.nationalities.get(name_key(raw_country))
    if actor_country is None:
        known = sorted(set(table.nationalities.values()))
        close = process.extractOne(
            raw_country, known, scorer=fuzz.ratio, processor=name_key, score_cutoff=90.0
        )
        actor_country = close[0] if close is not None else raw_country
    for kind in table.kinds:
        if kind.template.split("{")[0].strip(" (").lower() == label:
            return _from_kind(kind, actor_country, country)
    return None


def _exact_named(key: str, nationality: str, country: str | None) -> ActorInfo | None:
    """A named group after a nationality ("Lebanese Hezbollah"), or that nationality's
    reading of a generic phrase ("Somali militants" -> Al Shabaab)."""
    entry = _table().by_key.get(key) or _context_entry(key, nationality)
    return entry.info(country) if entry is not None else None


def _leading_acronym(name: str, country: str | None) -> ActorInfo | None:
    """ "UN Special Envoy ...", "IS militants": a case-sensitive acronym as the first word."""
    first = name.split()[0] if name.split() else ""
    if not _SHORT_CAPS.fullmatch(first):
        return None
    entry = (_context_entry(first, country) if country else None) or _table().by_caps.get(first)
    return entry.info(country) if entry is not None else None


@lru_cache(maxsize=64)
def _fuzzy_choices(where: str | None) -> tuple[dict[str, _Entry], list[str]]:
    """The names a fuzzy match may land on for events in `where`, built once per country."""
    table = _table()
    choices = dict(table.by_key)
    for key, entries in table.by_context_key.items():
        for entry in entries:
            if where in entry.context_countries:
                choices.setdefault(key, entry)
                break
    return choices, list(choices)


def _fuzzy(candidates: list[str], country: str | None) -> ActorInfo | None:
    table = _table()
    where = country if country is not None else table.default_context
    choices, keys = _fuzzy_choices(where)
    for candidate in candidates:
        key = name_key(candidate)
        if len(key) < 5:
            continue
        found = process.extractOne(
            key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF
        )
        if found is not None:
            return choices[found[0]].info(country)
    return None


def actor_info(name: str, *, country: str | None = None) -> ActorInfo | None:
    """Canonical name, type and country for an actor mention, or None when unknown.

    `country` is the country the event happens in: it resolves generic mentions
    ("protesters" -> "Protesters (Kenya)", "the army" -> "Military Forces of Kenya",
    "militants" in Somalia -> Al Shabaab) and makes state forces abroad `external_forces`.
    A country's context phrases never fire for another country's events; with no country
    they read as in the table's default context country.
    """
    if not name or not name.strip():
        return None
    name = _YEARS.sub("", name)  # ACLED's "(2000-)" year ranges are not part of the name
    # A listed name first: "Government of National Accord" is Libya's, not a country's.
    canonical = _exact(" ".join(name.split()), country) or _from_canonical(name, country)
    if canonical is not None:
        return canonical
    candidates = list(dict.fromkeys(c for c in _candidates(name) if c))
    for candidate in candidates:
        found = _exact(candidate, country) or _pattern(candidate, country)
        if found is not None:
            return found
    return _leading_acronym(name.strip(), country) or _fuzzy(candidates[:4], country)


def canonical_actor(name: str, *, country: str | None = None) -> str | None:
    """The canonical (ACLED-style) name for an actor mention, or None when unknown."""
    info = actor_info(name, country=country)
    return info.name if info is not None else None
