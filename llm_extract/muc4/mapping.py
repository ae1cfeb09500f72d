"""Mapping stage: one document's ACLED-style records -> MUC-4 templates in GTT's shape.

One template per violent event (a document with no such event gives none). The table
below says which ACLED sub-event types are MUC-4 incidents and of which type; the roles
come from the records: PerpInd / PerpOrg from the mentions of the event's actor1 (a
mention naming people, "guerrillas", "gunmen", goes to PerpInd; one naming a body,
"FMLN", "the army", to PerpOrg), Victim from actor2 mentions and the victims of the
event's casualty records that are names of people (GTT's Victim slot is MUC's HUM TGT:
NAME, so "peasants" can never be right there), Weapon from the weapon words of the event's
own evidence quote, Target from what the evidence sentence's parse says was hit
(`targets`). A "Government of" actor is no perpetrator: ACLED's government is the
political body, and violence the rules put on it is a misreading far more often than
not (measured on the train split). The words are data (`lexicons.json`, "muc4").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from llm_extract.models import Casualty, Document, Event
from llm_extract.muc4.targets import targets
from llm_extract.ontology import Outcome, SubEventType
from llm_extract.rules.lexicon import word_regex
from llm_extract.text import english

S = SubEventType
# ACLED sub-event type -> MUC-4 incident type (None: not a MUC-4 incident).
INCIDENT_TYPE: dict[SubEventType, str | None] = {
    S.SUICIDE_BOMB: "bombing",
    S.REMOTE_EXPLOSIVE: "bombing",
    S.GRENADE: "bombing",
    # a bomb found and defused is an ATTEMPTED BOMBING in MUC-4 (template-doc-part1, 7.6)
    S.DISRUPTED_WEAPONS_USE: "bombing",
    S.ABDUCTION: "kidnapping",
    S.ATTACK: "attack",
    S.AIR_DRONE_STRIKE: "attack",
    S.SHELLING: "attack",
    S.CHEMICAL_WEAPON: "attack",
    S.SEXUAL_VIOLENCE: "attack",
    S.EXCESSIVE_FORCE: "attack",
    S.MOB_VIOLENCE: "attack",
    # MUC-4 leaves out clashes between guerrillas and the military (part1, 1.0) unless
    # they hit civilians, but the records rarely say who was hit: measured on the train
    # split, keeping clashes raises micro-F1 (13.7 against 10.3 without them).
    S.ARMED_CLASH: "attack",
    S.GOVERNMENT_REGAINS_TERRITORY: None,
    S.NON_STATE_OVERTAKES_TERRITORY: None,
    S.LOOTING: "robbery",  # or arson when the evidence says it burned (below)
    S.PEACEFUL_PROTEST: None,
    S.PROTEST_WITH_INTERVENTION: None,
    S.VIOLENT_DEMONSTRATION: None,
    S.AGREEMENT: None,
    S.ARRESTS: None,
    S.CHANGE_TO_GROUP: None,
    S.HEADQUARTERS_ESTABLISHED: None,
    S.NON_VIOLENT_TRANSFER: None,
    S.OTHER: None,
}


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, Any]:
    words: dict[str, Any] = english().vocabulary()["muc4"]
    return words


def _any_of(words: list[str]) -> re.Pattern[str]:
    """Whole words or phrases, any spacing ("machine gun", "machinegun")."""
    return word_regex(re.escape(w).replace(r"\ ", r"\s*") for w in words)


@lru_cache(maxsize=1)
def _fire() -> re.Pattern[str]:
    return _any_of(_vocabulary()["fire_words"])


@lru_cache(maxsize=1)
def _weapon() -> re.Pattern[str]:
    return _any_of(_vocabulary()["weapon_words"])


@lru_cache(maxsize=1)
def _people_nouns() -> frozenset[str]:
    """Words that make a mention a description of people rather than the name of a body."""
    return frozenset(_vocabulary()["people_nouns"])


@lru_cache(maxsize=1)
def _group_nouns() -> frozenset[str]:
    """Words that make a mention the name of a body, not of a person (Victim holds names)."""
    return frozenset(_vocabulary()["group_nouns"])


@dataclass
class MucTemplate:
    """A predicted template plus the record it came from (for the agreement report)."""

    template: dict[str, Any]
    event: Event
    deaths: int | None = None  # the event's fatalities (best), or killed casualties
    notes: list[str] = field(default_factory=list)


def incident_type(event: Event) -> str | None:
    """MUC-4 type of an event, or None when the event is not a MUC-4 incident."""
    muc = INCIDENT_TYPE.get(event.sub_event_type)
    if muc is None:
        return None
    quote = " ".join(event.evidence)
    if muc in ("robbery", "attack") and _fire().search(quote):
        return "arson"
    return muc


def is_people(mention: str) -> bool:
    """Does the mention describe people ("unidentified gunmen") rather than name a body?"""
    words = re.findall(r"[a-z]+", mention.lower())
    return bool(words) and words[-1] in _people_nouns()


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        key = " ".join(item.split())
        if key and key.lower() not in {k.lower() for k in seen}:
            seen[key] = None
    return list(seen)


def _casualties_of(doc: Document, event: Event) -> list[Casualty]:
    return [c for c in doc.casualties if c.event == event.id]


def _deaths(event: Event, casualties: list[Casualty]) -> int | None:
    if event.fatalities is not None and event.fatalities.best is not None:
        return event.fatalities.best
    killed = [c.count.best for c in casualties if c.outcome == Outcome.KILLED]
    if killed and all(k is not None for k in killed):
        return sum(k for k in killed if k is not None)
    return 0 if not killed else None


def perpetrators(doc: Document, event: Event) -> tuple[list[list[str]], list[list[str]]]:
    """(PerpInd, PerpOrg): per actor1, its first people-mention and its first body-mention."""
    ind: list[list[str]] = []
    org: list[list[str]] = []
    for actor_id in event.actor1:
        actor = doc.actor(actor_id)
        if actor is None:
            continue
        mentions = _unique(actor.mentions or [actor.name])
        people = [m for m in mentions if is_people(m)]
        bodies = [m for m in mentions if not is_people(m)]
        if people:
            ind.append([people[0]])
        if bodies and not actor.name.startswith("Government of"):
            org.append([bodies[0]])
    return ind, org


def victims(doc: Document, event: Event, casualties: list[Casualty]) -> list[list[str]]:
    """Names among actor2 mentions and casualty victims (descriptions cannot score)."""
    names: list[str] = []
    for actor_id in event.actor2:
        actor = doc.actor(actor_id)
        if actor is not None:
            names += [m for m in actor.mentions if not is_people(m)]
    for casualty in casualties:
        names += [g.label for g in casualty.victim_groups if not is_people(g.label)]
    return [[n] for n in _unique(n for n in names if _looks_like_name(n))]


def _looks_like_name(text: str) -> bool:
    """Two or more words, no digits, no word of a group: "hector oqueli", not "21",
    "civilians" or "the armed forces"."""
    words = re.findall(r"[a-z]+", text.lower())
    return (
        len(words) >= 2
        and not any(ch.isdigit() for ch in text)
        and not _group_nouns().intersection(words)
        and words[0] not in ("the", "a", "an")
    )


def weapons(event: Event) -> list[list[str]]:
    found = _unique(m.group(0).lower() for q in event.evidence for m in _weapon().finditer(q))
    return [[w] for w in found]


def to_templates(doc: Document) -> list[MucTemplate]:
    """The MUC-4 templates of one document's records, in event order, without repeats."""
    out: list[MucTemplate] = []
    seen: list[dict[str, Any]] = []
    for event in doc.events:
        casualties = _casualties_of(doc, event)
        kind = incident_type(event)
        if kind is None:
            continue
        ind, org = perpetrators(doc, event)
        template: dict[str, Any] = {
            "incident_type": kind,
            "PerpInd": ind,
            "PerpOrg": org,
            "Target": targets(event),
            "Victim": victims(doc, event, casualties),
            "Weapon": weapons(event),
        }
        if template in seen:
            continue
        seen.append(template)
        out.append(MucTemplate(template, event, _deaths(event, casualties)))
    return out
