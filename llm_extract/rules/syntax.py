"""Triggers read from the parse: lemmas, particles, objects and subjects, not word forms.

The regular-expression lexicons know the multiword cues ("roadside bomb", "tear gas"); the
parse adds what word lists cannot enumerate: every inflection of a trigger verb or noun
("were arrested", "staged rallies", "pounds"), phrasal verbs that report an event only
with their particle and object ("blew themselves up", "gunned down", "shot down a
drone"), and negation or modality read from the verb's own dependents ("did not attack",
"would arrest"). The lemma tables are data (`lexicons.json`, "lemmas"), written from
ACLED's sub-event definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from llm_extract.rules.lexicon import lexicon
from llm_extract.rules.roles import lemma as _lemma
from llm_extract.text import Parsed

if TYPE_CHECKING:
    from spacy.tokens import Token

HARM = "harm"
STRIKE = "strike"
EXPLOSION = "explosion"
_OBJECTS = frozenset({"dobj", "obj", "attr", "oprd", "dative", "nsubjpass"})
"""The verb's object, or the subject of its passive ("two posts were destroyed")."""
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})


@dataclass(frozen=True)
class Trigger:
    """A trigger found by lemma: its span in the sentence and what it reports."""

    start: int
    end: int
    kind: str
    """An ACLED sub-event type's value, or `STRIKE` / `HARM` (typed later by context)."""
    word: str


@dataclass(frozen=True)
class _Tables:
    by_pos: dict[tuple[str, str], str]
    phrasal: tuple[dict[str, Any], ...]
    attack_words: frozenset[str]
    outcome_predicates: dict[str, dict[str, str]]
    transitive_not: frozenset[str]
    condemn: frozenset[str]
    claims: frozenset[str]
    claimed: frozenset[str]
    acts: frozenset[str]
    lists: dict[str, frozenset[str]]
    explosions: frozenset[str]
    after_preps: frozenset[str]
    weapons: frozenset[str]
    weapon_verbs: frozenset[str]
    modals: frozenset[str]
    intent: frozenset[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    raw = lexicon().raw["lemmas"]
    by_pos: dict[tuple[str, str], str] = {}
    for kind, spec in raw["sub_events"].items():
        for pos in ("VERB", "NOUN"):
            for lemma in spec.get(pos, []):
                by_pos[(pos, lemma)] = kind
    for kind, key in ((STRIKE, "strike"), (HARM, "harm")):
        for pos in ("VERB", "NOUN"):
            for lemma in raw[key].get(pos, []):
                by_pos.setdefault((pos, lemma), kind)
    predicates = {k: v for k, v in raw["outcome_predicates"].items() if not k.startswith("_")}
    return _Tables(
        by_pos=by_pos,
        phrasal=tuple(raw["phrasal"]),
        attack_words=frozenset(raw["attack_words"]["lemmas"]),
        outcome_predicates=predicates,
        transitive_not=frozenset(raw["transitive_not"]["lemmas"]),
        condemn=frozenset(raw["condemned_acts"]["stance"]),
        claims=frozenset(raw["condemned_acts"]["claims"]),
        claimed=frozenset(raw["condemned_acts"]["claimed"]),
        acts=frozenset(raw["condemned_acts"]["acts"]),
        lists={k: frozenset(v) for k, v in raw["lists"].items()},
        explosions=frozenset(raw["explosion"]["NOUN"]),
        after_preps=frozenset(raw["explosion"]["after_preps"]),
        weapons=frozenset(raw["explosion"]["weapons"]),
        weapon_verbs=frozenset(raw["explosion"]["weapon_verbs"]),
        modals=frozenset(raw["modality"]["modals"]),
        intent=frozenset(raw["modality"]["intent"]),
    )


def _pos(token: Token) -> str:
    pos = str(token.pos_)
    return "VERB" if pos == "AUX" else pos


def irrealis(token: Token) -> bool:
    """A negated, modal or intended trigger ("did not attack", "would arrest", "plans to
    strike") reports no event."""
    tables = _tables()
    for child in token.children:
        if child.dep_ == "neg":
            return True
        if child.dep_ == "aux" and _lemma(child) in tables.modals:
            return True
    head = token.head
    if token.dep_ == "xcomp" and head is not token and _lemma(head) in tables.intent:
        return True
    return token.dep_ in ("xcomp", "advcl") and head is not token and irrealis(head)


def _phrasal(token: Token) -> str | None:
    lemma = _lemma(token)
    for spec in _tables().phrasal:
        if spec["lemma"] != lemma:
            continue
        children = list(token.children)
        particle = spec.get("particle")
        if particle and not any(c.dep_ == "prt" and _lemma(c) == particle for c in children):
            continue
        objects = spec.get("object") or _tables().lists.get(spec.get("object_list", ""))
        if objects and not any(
            c.dep_ in _OBJECTS and (_lemma(c) in objects or str(c.lower_) in objects)
            for c in children
        ):
            continue
        preps = spec.get("prep")
        if preps and not any(c.dep_ == "prep" and _lemma(c) in preps for c in children):
            continue
        subjects = spec.get("subject")
        if subjects and not any(c.dep_ in _SUBJECTS and _lemma(c) in subjects for c in children):
            continue
        return str(spec["sub_event"])
    return None


def token_at(parsed: Parsed, start: int) -> Token | None:
    """The token of the sentence that covers offset `start` (None between tokens)."""
    for token in parsed.span:
        if parsed.at(token) <= start < parsed.end_of(token):
            return token
    return None


def vetoed(parsed: Parsed, start: int) -> bool:
    """A trigger verb used in another sense, told by its object ("demonstrated their
    disregard", "rallied support")."""
    token = token_at(parsed, start)
    if token is None or _pos(token) != "VERB" or _lemma(token) not in _tables().transitive_not:
        return False
    return any(c.dep_ in ("dobj", "obj") for c in token.children)


def _claimed(verb: Token, obj: Token) -> list[Token]:
    """The acts a claim of responsibility names ("claimed responsibility for the attack")."""
    tables = _tables()
    if _lemma(verb) not in tables.claims or _lemma(obj) not in tables.claimed:
        return []
    preps = [c for w in (verb, obj) for c in w.children if c.dep_ == "prep" and _lemma(c) == "for"]
    return [p for prep in preps for p in prep.children if p.dep_ == "pobj"]


def condemned_act(parsed: Parsed, *, claims_only: bool = False) -> bool:
    """Whether a stance verb's object is an act ("condemns the attack on ...", "claimed
    responsibility for the bombing"): the act itself is reported. `claims_only`: whether
    it is a claim of responsibility (no condemnation)."""
    tables = _tables()
    for token in parsed.span:
        if _pos(token) != "VERB":
            continue
        for child in token.children:
            if child.dep_ not in ("dobj", "obj"):
                continue
            acts = [child] if _lemma(token) in tables.condemn and not claims_only else []
            for act in [*acts, *_claimed(token, child)]:
                if any(_lemma(w) in tables.acts for w in (act, *act.conjuncts)):
                    return True
    return False


def _explosive(token: Token) -> bool:
    """The token names an explosive weapon, by itself or by a modifier ("dynamite sticks")."""
    weapons = _tables().weapons
    return _lemma(token) in weapons or any(
        c.dep_ in ("compound", "amod") and _lemma(c) in weapons for c in token.children
    )


def _explosion(token: Token, pos: str) -> bool:
    """An explosion noun, an explosive weapon that a verb of placing, throwing or setting
    it off governs ("hurled dynamite sticks", "the bomb was placed"), or an assault made
    with one ("a dynamite attack")."""
    tables = _tables()
    if pos != "NOUN":
        return False
    if _lemma(token) in tables.explosions:
        prep = token.head if token.dep_ == "pobj" else None
        return prep is None or _lemma(prep) not in tables.after_preps
    if tables.by_pos.get((pos, _lemma(token))) == HARM:
        return any(c.dep_ == "compound" and _lemma(c) in tables.weapons for c in token.children)
    head = token.head
    return (
        _explosive(token)
        and token.dep_ in (*_OBJECTS, "nsubj")
        and _pos(head) == "VERB"
        and _lemma(head) in tables.weapon_verbs
        and not irrealis(head)
    )


def lemma_triggers(parsed: Parsed) -> list[Trigger]:
    """Every trigger of the sentence found by lemma and syntax, in order; none for a
    negated, modal or intended verb."""
    tables = _tables()
    out: list[Trigger] = []
    for token in parsed.span:
        pos = _pos(token)
        if pos not in ("VERB", "NOUN"):
            continue
        kind = _phrasal(token) if pos == "VERB" else None
        kind = kind or (EXPLOSION if _explosion(token, pos) else None)
        kind = kind or tables.by_pos.get((pos, _lemma(token)))
        if kind is None or (pos == "VERB" and irrealis(token)):
            continue
        if pos == "NOUN" and token.dep_ == "compound":
            continue  # a modifier, not an act: "riot police", "protest organisers"
        if _lemma(token) in tables.transitive_not and any(
            c.dep_ in ("dobj", "obj") for c in token.children
        ):
            continue
        start = parsed.at(token)
        out.append(Trigger(start, parsed.end_of(token), kind, str(token.text)))
    return out


def attack_word(parsed: Parsed) -> bool:
    """Whether the sentence names an assault or an attacker ("gun attacks", "gunmen")."""
    words = _tables().attack_words
    return any(_lemma(t) in words for t in parsed.span if _pos(t) in ("VERB", "NOUN"))


def outcome_complements(parsed: Parsed) -> list[tuple[str, Token, Token]]:
    """(outcome, verb, object) for "left seven people dead": the verb's object is the
    casualty count and its complement the outcome."""
    table = _tables().outcome_predicates
    out: list[tuple[str, Token, Token]] = []
    for token in parsed.span:
        outcomes = table.get(_lemma(token))
        if not outcomes or _pos(token) != "VERB" or irrealis(token):
            continue
        for child in token.children:
            for word in (child, *child.children):
                outcome = outcomes.get(str(word.lower_))
                if outcome is not None and word.dep_ in ("oprd", "ccomp", "xcomp", "acomp", "amod"):
                    obj = child if child is not word else token
                    out.append((outcome, token, obj))
    return out
