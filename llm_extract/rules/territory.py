"""Changes of territory: capture verbs that govern a piece of territory.

ACLED codes a capture by state forces as "Government regains territory" and one by any
other armed group as "Non-state actor overtakes territory"; the sub-type is decided once
the sides are known (`territory_side`). A capture verb counts only with territory as its
object ("seized the town", "the base was briefly seized by ..."), read from the words
after it, the places found, or the parse; "seized power" or "seized weapons" take none.
"""

from __future__ import annotations

import re

from llm_extract.ontology import ActorType, SubEventType
from llm_extract.rules.actors import ActorMention
from llm_extract.rules.lexicon import lexicon
from llm_extract.rules.roles import head_of, lemma
from llm_extract.rules.screen import Scene, usable
from llm_extract.rules.sides import STATE, EventMention
from llm_extract.text import Parsed

S = SubEventType
_OBJECT_WINDOW = 70


def _passive_subject(parsed: Parsed, start: int, end: int) -> str | None:
    """The words a passive capture verb's subject spans ("the base [that] was briefly
    seized"): a relative pronoun stands for the noun its clause modifies."""
    verb = head_of(parsed, start, end)
    if verb is None or not any(c.dep_ == "auxpass" for c in verb.children):
        return None
    if verb.dep_ in ("relcl", "acl"):
        return str(verb.head.text)
    subjects = [c for c in verb.children if c.dep_ == "nsubjpass"]
    return " ".join(str(t.text) for s in subjects for t in s.subtree) or None


def _has_object(scene: Scene, start: int, end: int) -> bool:
    """Whether a capture verb governs a piece of territory (not people or weapons)."""
    lex = lexicon()
    sentence, places = scene.sentence, scene.places
    after = re.split(r"[.;:]", sentence[end : end + _OBJECT_WINDOW])[0]
    after_words = " ".join(after.split()[:8])
    if lex.word("territory_objects").search(after_words):
        return True
    if any(end <= p.start <= end + len(after) for p in places):
        return True
    subject = _passive_subject(scene.parsed, start, end)
    if subject is not None and lex.word("territory_objects").search(subject):
        return True
    before = sentence[max(0, start - _OBJECT_WINDOW) : start]
    if lex.ends("passive_before", before) or sentence[start:end].casefold().startswith("recap"):
        tail = " ".join(before.split()[-10:])
        return lex.word("territory_objects").search(tail) is not None or any(
            start - _OBJECT_WINDOW <= p.start < start for p in places
        )
    return False


def _takes_no_territory(parsed: Parsed, start: int, end: int) -> bool:
    """The capture verb's direct object is no territory ("seized power", "seized arms"),
    or the verb tells the place's history ("which was first seized in 2012")."""
    verb = head_of(parsed, start, end)
    if verb is None:
        return False
    history = set(lexicon().raw["territory"]["background_adverbs"])
    if any(c.dep_ == "advmod" and lemma(c) in history for c in verb.children):
        return True
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    if verb.dep_ in ("amod", "acl") and verb.head is not verb:
        objects.append(verb.head)  # the parse reads "seized power" as a modifier now and then
    stop = set(lexicon().raw["territory"]["not_objects"])
    return any(lemma(o) in stop for o in objects)


def territory_events(scene: Scene, taken: list[EventMention]) -> list[EventMention]:
    """Capture triggers with a territory object (sub-type settled by `territory_side`)."""
    out: list[EventMention] = []
    for m in lexicon().word("territory").finditer(scene.sentence):
        start, end = m.start(), m.end()
        if not usable(scene.sentence, start, end, [*taken, *out]):
            continue
        if not _has_object(scene, start, end):
            continue
        if _takes_no_territory(scene.parsed, start, end):
            continue
        out.append(EventMention(S.GOVERNMENT_REGAINS_TERRITORY, start, end, "territory"))
    return out


def _agents(parsed: Parsed, event: EventMention) -> tuple[list[ActorMention], bool] | None:
    """A passive capture's "by" agent: the actor mentions in it, and whether it is
    attackers' words ("seized by unknown assailants"); None for no "by" agent. Actors
    elsewhere in the sentence ("a police base ... seized by") do not take it."""
    verb = head_of(parsed, event.start, event.end)
    if verb is None:
        return None
    raw = lexicon().raw["lemmas"]
    attackers = {*raw["roles"]["attackers"], *raw["unknown_actors"]["nouns"]}
    for by in (c for c in verb.children if c.dep_ == "agent"):
        for noun in (c for c in by.children if c.dep_ == "pobj"):
            first, last = parsed.at(noun.left_edge), parsed.end_of(noun.right_edge)
            named = [a for a in event.actor1 if first <= a.start < last]
            return named, lemma(noun) in attackers
    return None


def territory_side(event: EventMention, parsed: Parsed) -> SubEventType | None:
    """Government regains territory when state forces take it, else a non-state actor."""
    agents = _agents(parsed, event)
    takers = event.actor1
    if agents is not None and agents[0]:
        takers = agents[0]
    elif agents is not None and agents[1]:
        return S.NON_STATE_OVERTAKES_TERRITORY  # unnamed attackers: an armed group
    types = {a.info.actor_type for a in takers}
    if types & STATE:
        return S.GOVERNMENT_REGAINS_TERRITORY
    if types & {ActorType(t) for t in lexicon().non_state_types}:
        return S.NON_STATE_OVERTAKES_TERRITORY
    return None
