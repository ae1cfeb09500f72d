"""Find where a sentence says something happened: gazetteer names, place phrases, entities.

Three sources, all read from the sentence itself: capitalised names the gazetteer knows
(passed in, or the process's choice, so a bigger gazetteer plugs in unchanged), the
article's own place phrases ("the town of X", "in X province", "raids on X", "around X"),
and the parse's named places (GPE, LOC, FAC entities; `rules.place_entities`) for places
neither knows. The gazetteer wins where it knows the name; a place it does not know takes
its province and country from the known place the sentence puts it in ("the village of
Kashkash in ... Hasaka"). The most specific place wins: a town over its province, a
province over its country. When a world-layer match counts is `rules.place_trust`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace

from llm_extract.normalize import WORLD, Gazetteer, Place, find_place
from llm_extract.normalize.layered import resolve
from llm_extract.rules.actors import countries_named
from llm_extract.rules.place_entities import entity_places, placed_in
from llm_extract.rules.place_trust import (
    KIND_WORDS,
    RELATIVE_BEFORE,
    PlaceMention,
    Verdict,
    bare_name,
    not_a_name,
    plausible,
    whole_name,
    world_verdict,
)
from llm_extract.text import Parsed, parse_sentence

__all__ = ["PlaceMention", "best_place", "province_in", "scan_places"]

_NAME = r"(?:(?:al|el|an|ad|as|ar|ash|at|az)-)?[A-Z][\w'’]*(?:-[\w'’]+)*"
_CONNECT = r"(?:\s+(?:al-|el-|an-|ad-|as-|ar-|ash-|at-|az-|de\s+|del\s+|ez-|es-|bin\s+|ibn\s+)?)"
_CAPS = re.compile(rf"(?<![\w-]){_NAME}(?:{_CONNECT}{_NAME}){{0,3}}")
_PHRASES = (
    # "the town of Salma", "the provinces of Idlib"
    re.compile(rf"\b(?:{KIND_WORDS})s?\s+of\s+(?P<p>{_NAME}(?:{_CONNECT}{_NAME}){{0,3}})"),
    # "in Latakia province", "Idlib governorate"
    re.compile(
        rf"(?P<p>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})\s+(?:province|governorate|region|district|"
        r"state|county)\b"
    ),
    # "Kwapagu village", "Hlaing Tharyar township": a name before its kind of place
    re.compile(
        rf"(?P<p>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})\s+(?:village|town|township|city|"
        r"neighbou?rhood|camp|municipality|locality)\b"
    ),
    # "raids on Maaret al-Numan", "around Salma", "near Kadeen", "in Manbij"
    re.compile(
        rf"\b(?:on|around|near|outside|in|at|into|inside|from|of)\s+(?:the\s+)?"
        rf"(?P<p>{_NAME}(?:{_CONNECT}{_NAME}){{0,3}})"
    ),
)


def _lookup(surface: str, g: Gazetteer, countries: Collection[str] | None = None) -> Place | None:
    return find_place(surface, countries, g)


_DATELINE = re.compile(r"^\s*[A-Z][A-Z\s.'-]+(?:,\s*[A-Za-z .]+)?\s*(?:\([^)]*\))?\s*[–—-]")


def _known(sentence: str, g: Gazetteer, countries: Collection[str] = ()) -> list[PlaceMention]:
    """Capitalised spans the gazetteer knows, trying shorter spans inside longer ones.

    World-layer matches that count only if their country is named wait until every
    other match of the sentence is in: those matches' countries count as named too
    ("in Maiduguri, Bama and Gwoza": Maiduguri is in Nigeria, so are the others).
    """
    named = {*countries, *countries_named(sentence)}
    out: list[PlaceMention] = []
    pending: list[PlaceMention] = []
    for m in _CAPS.finditer(sentence):
        words = [w.group(0) for w in re.finditer(r"\S+", m.group(0))]
        offsets = [m.start() + w.start() for w in re.finditer(r"\S+", m.group(0))]
        done = False
        for size in range(len(words), 0, -1):
            for i in range(len(words) - size + 1):
                start = offsets[i]
                end = offsets[i + size - 1] + len(words[i + size - 1])
                surface = sentence[start:end].rstrip("'’")
                if not plausible(surface):
                    continue
                place = _lookup(surface, g, named)
                if place is None:
                    continue
                mention = PlaceMention(surface, start, start + len(surface), place, False)
                verdict = world_verdict(
                    sentence,
                    start,
                    mention.end,
                    place,
                    whole=whole_name(words, i, size),
                    gazetteer=g,
                )
                if verdict is Verdict.NO:
                    continue
                if verdict is Verdict.IF_COUNTRY:
                    pending.append(mention)
                else:
                    out.append(mention)
                done = True
                break
            if done:
                break
    out = [_in_named_country(p, out, named, g) for p in out]
    named |= {p.place.country for p in out if p.place is not None and p.place.country}
    for mention in pending:
        place = _lookup(mention.surface, g, named)
        if place is not None and place.country in named:
            out.append(replace(mention, place=place))
    return sorted(out, key=lambda p: p.start)


def _in_named_country(
    mention: PlaceMention, found: list[PlaceMention], named: set[str], g: Gazetteer
) -> PlaceMention:
    """A world match moved to the same-named place in a country the sentence names
    ("Palma in Cabo Delgado" is Mozambique's Palma, not Majorca's)."""
    if mention.place is None or mention.place.source != WORLD:
        return mention
    others = named | {
        f.place.country for f in found if f is not mention and f.place and f.place.country
    }
    if mention.place.country in others:
        return mention
    place = _lookup(mention.surface, g, others)
    if place is not None and place.country in others:
        return replace(mention, place=place)
    return mention


def scan_places(
    sentence: str,
    *,
    exclude: list[tuple[int, int]] | None = None,
    countries: Collection[str] = (),
    gazetteer: Gazetteer | None = None,
    parsed: Parsed | None = None,
) -> list[PlaceMention]:
    """Places a sentence names, in order; spans in `exclude` (actor names) are skipped.

    `countries` (the article's country, say) count as named in the sentence: they pick
    among same-named places and let small world-layer towns of those countries count.
    `gazetteer` None: the process's choice (`normalize.get_gazetteer`). `parsed` is the
    sentence's parse; None: the text layer's (its article's parse when it has one).
    """
    g = resolve(gazetteer)
    taken = list(exclude or [])
    dateline = _DATELINE.match(sentence)
    if dateline:
        taken.append((0, dateline.end()))  # "BEIRUT –": where it was filed, not where it happened
    found = _known(sentence, g, countries)
    named = {
        *countries,
        *countries_named(sentence),
        *(f.place.country for f in found if f.place is not None and f.place.country),
    }
    for kind, regex in enumerate(_PHRASES):
        for m in regex.finditer(sentence):
            start, end = m.start("p"), m.end("p")
            cut = list(re.finditer(r"['’]s\s+", sentence[start:end])) if kind == 2 else []
            if cut:  # "Yangon's Hlaing Tharyar township": the name after the possessive
                start += cut[-1].end()
            surface = sentence[start:end].rstrip("'’")
            end = start + len(surface)
            if not plausible(surface):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            if any(start < f.end and f.start < end for f in found):
                continue
            place = _lookup(surface, g, named)
            if place is not None:
                verdict = world_verdict(
                    sentence, start, end, place, whole=True, explicit=kind < 3, gazetteer=g
                )
                if verdict is Verdict.NO or (
                    verdict is Verdict.IF_COUNTRY and place.country not in named
                ):
                    place = None  # still a place phrase, but not that town
            if place is None and not_a_name(surface):
                continue
            found.append(PlaceMention(surface, start, end, place, True))
    p = parsed if parsed is not None else parse_sentence(sentence)
    if p.sentence.text == sentence:
        found += entity_places(p, taken, found, named, g)
    kept = [f for f in found if not any(f.start < e and s < f.end for s, e in taken)]
    ordered = sorted((_with_admin(sentence, f, g) for f in kept), key=lambda f: f.start)
    return placed_in(sentence, _reference_points(sentence, ordered))


_NEAR_PREVIOUS = re.compile(
    r"^\s*,?\s*(?:\w+\s+)?(?:near|outside|close\s+to|not\s+far\s+from)\s+(?:the\s+)?"
    rf"(?:(?:{KIND_WORDS})s?\s+of\s+)?$",
    re.IGNORECASE,
)


def _reference_points(sentence: str, places: list[PlaceMention]) -> list[PlaceMention]:
    """A place named only to locate another is a reference point, not where it happened:
    the second of "Kwapagu village near the town of Gwoza", the first of "Yangon's
    Hlaing Tharyar township"."""
    out = list(places)
    for i in range(1, len(out)):
        gap = sentence[out[i - 1].end : out[i].start]
        if _NEAR_PREVIOUS.match(gap) and not out[i].relative:
            out[i] = replace(out[i], relative=True)
        possessive = sentence[out[i - 1].start : out[i].start]
        if re.fullmatch(r"[^,;]+['’]s\s+", possessive) and out[i].place is not None:
            out[i - 1] = replace(out[i - 1], relative=True)  # "Yangon's Hlaing Tharyar"
    return out


_ADMIN_AFTER = re.compile(r"\s+(?:province|governorate|region|state|county)\b", re.IGNORECASE)
_ADMIN_BEFORE = re.compile(r"\b(?:province|governorate|region|state)s?\s+of\s+$", re.IGNORECASE)


def _with_admin(sentence: str, mention: PlaceMention, g: Gazetteer) -> PlaceMention:
    if RELATIVE_BEFORE.search(sentence[max(0, mention.start - 40) : mention.start]):
        mention = PlaceMention(
            mention.surface,
            mention.start,
            mention.end,
            mention.place,
            mention.phrase,
            mention.admin,
            True,
        )
    if _ADMIN_AFTER.match(sentence, mention.end) or _ADMIN_BEFORE.search(
        sentence[max(0, mention.start - 20) : mention.start]
    ):
        place = mention.place
        if place is not None and place.source == WORLD and place.kind != "admin1":
            # "Kano state" is the state, not the city; keep the city if there is no state
            division = _lookup(f"{bare_name(mention.surface)} province", g, (place.country or "",))
            if division is not None and division.kind == "admin1":
                place = division
        return PlaceMention(
            mention.surface,
            mention.start,
            mention.end,
            place,
            mention.phrase,
            True,
            mention.relative,
        )
    return mention


def best_place(places: list[PlaceMention], near: int) -> PlaceMention | None:
    """The most specific place, nearest to offset `near` among equally specific ones."""
    if not places:
        return None
    return min(places, key=lambda p: (p.rank, abs(p.start - near)))


def province_in(sentence: str, gazetteer: Gazetteer | None = None) -> str | None:
    """A province the sentence names ("in Idlib province", "the province of Latakia").

    "X state" and "X region" (Borno state, Rakhine State, Somali Region) count only when
    the gazetteer knows X as a first-level division: "Islamic State" is not a province.
    """
    g = resolve(gazetteer)
    for m in re.finditer(
        rf"(?:(?:province|governorate)\s+of\s+(?P<a>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})"
        rf"|(?P<b>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})\s+(?:province|governorate)"
        rf"|(?P<c>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})\s+(?i:state|region)\b)",
        sentence,
    ):
        name = m.group("a") or m.group("b") or m.group("c")
        if not plausible(name):
            continue
        place = _lookup(name, g)
        if m.group("c") is not None:
            if place is not None and place.kind == "admin1":
                return place.admin1 or place.name
            continue
        return place.admin1 or place.name if place else name
    return None
