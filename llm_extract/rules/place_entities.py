"""Places the gazetteer's names and the place phrases miss, and where unknown places lie.

The parse's named places (spaCy's GPE, LOC and FAC entities) become place candidates: a
name the gazetteer knows is taken with the same checks as any other world-layer match
(`place_trust`), so the gazetteer still decides what a known name means; a capitalised
name it does not know counts when the sentence puts it inside a known place (below),
a LOC ("the Sinai Peninsula") as a region. Entities read case from the words around
them, so they also find places in text that has lost its capitals ("in san salvador").

A place the gazetteer does not know takes its province and country from the known place
the sentence puts it in: "the village of Kashkash in the Southern parts of al-Shadadi
city in Southern Hasaka" is in Hasakah, Syria.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace

from llm_extract.normalize import Gazetteer, Place, find_place
from llm_extract.rules.place_trust import (
    KIND_WORDS,
    PlaceMention,
    Verdict,
    not_a_name,
    plausible,
    world_verdict,
)
from llm_extract.text import Parsed

_LABELS = frozenset({"GPE", "LOC", "FAC"})
_LEADING = frozenset({"the", "a", "an"})
CONTEXT = "context"
"""`Place.source` of an unknown place given the province and country of the place the
sentence puts it in."""


def entity_places(
    parsed: Parsed,
    taken: list[tuple[int, int]],
    found: list[PlaceMention],
    named: Collection[str],
    g: Gazetteer,
) -> list[PlaceMention]:
    """Named places of the parse that overlap neither `taken` spans nor places `found`."""
    sentence = parsed.sentence.text
    out: list[PlaceMention] = []
    for ent in parsed.span.ents:
        label = str(ent.label_)
        if label not in _LABELS:
            continue
        tokens = list(ent)
        while tokens and (str(tokens[0].lower_) in _LEADING or tokens[0].is_punct):
            tokens = tokens[1:]
        while tokens and (str(tokens[-1].tag_) == "POS" or tokens[-1].is_punct):
            tokens = tokens[:-1]
        if not tokens or any(str(t.pos_) in ("VERB", "AUX") for t in tokens):
            continue  # an entity that runs past a name
        start, end = parsed.at(tokens[0]), parsed.end_of(tokens[-1])
        if start < 0 or end > len(sentence):
            continue
        surface = sentence[start:end]
        if not plausible(surface) or any(ch.isdigit() for ch in surface):
            continue
        if any(start < e and s < end for s, e in taken):
            continue
        if any(start < f.end and f.start < end for f in [*found, *out]):
            continue
        place = find_place(surface, named, g)
        if place is not None:
            verdict = world_verdict(sentence, start, end, place, whole=True, gazetteer=g)
            if verdict is Verdict.NO:
                continue
            if verdict is Verdict.IF_COUNTRY and place.country not in named:
                continue  # the gazetteer's reading needs its country; no other reading
            out.append(PlaceMention(surface, start, end, place, True))
        elif label != "FAC" and _proper(surface) and not not_a_name(surface):
            region = label == "LOC"
            out.append(PlaceMention(surface, start, end, None, True, region=region, entity=True))
    return out


def _proper(surface: str) -> bool:
    """A name as written: capitalised, not an acronym ("IS", "UN")."""
    return surface[:1].isupper() and not (surface.isupper() and len(surface) <= 5)


# "X in ... Y", "X village of Y", "X, a small town in ... Y": what follows X says where it is
_INSIDE = re.compile(
    r"^\s*(?:,\s*(?:a|an|the)\s+(?:[\w'’-]+\s+){0,2}?(?:" + KIND_WORDS + r")\s+"
    r"|(?:" + KIND_WORDS + r")\s+)?(?:in|of)\s+(?:[\w'’-]+\s+){0,6}?$",
    re.IGNORECASE,
)
_NOT_INSIDE = re.compile(
    r"\d|\b(?:north|south|east|west|northeast|northwest|southeast|southwest|km|kms|"
    r"kilometers|kilometres|miles|border|outside|from|near)\b",
    re.IGNORECASE,
)


def placed_in(sentence: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Unknown places with the province and country of the known place the sentence puts
    them in ("X in the southern parts of Y"), read right to left so a chain of places
    passes the province down. A reference point ("50 km north of Y", "near Y") does not
    say where X is. An unknown name found only as an entity, and not put inside a known
    place, is dropped: the small pipeline calls rockets and sentence-initial nouns places
    now and then ("Katyusha", "Gunmen")."""
    out = list(mentions)
    for i in range(len(out) - 2, -1, -1):
        here, there = out[i], out[i + 1]
        if here.place is not None or there.place is None or not there.place.country:
            continue
        gap = sentence[here.end : there.start]
        if not _INSIDE.match(gap) or _NOT_INSIDE.search(gap):
            continue
        wider = there.place
        admin1 = wider.admin1 or (wider.name if wider.kind == "admin1" else None)
        if wider.kind == "country":
            admin1 = None
        place = Place(
            name=here.surface, kind="place", admin1=admin1, country=wider.country, source=CONTEXT
        )
        out[i] = replace(here, place=place)
    return [m for m in out if not (m.entity and m.place is None)]
