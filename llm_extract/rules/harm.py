"""When a bare harm word reports an event, and whether its target is armed.

"Killed", "shot", "attack" are events in ACLED's sense only when they report an act, not
a topic ("the murder case", "attacks on the press"). The parse tells: a harm verb whose
object or passive subject names people or a site ("shot 16 peasants", "two towns were
attacked"), a harm noun that is dated ("the August 10 attack"), said to have occurred,
carried out ("conducted an armed attack") or aimed at people or a site ("the attack on
worshipers"). The words are data (`lexicons.json`, "lemmas" / "anchors").
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from llm_extract.rules.lexicon import lemma_sets
from llm_extract.rules.roles import lemma
from llm_extract.rules.syntax import Trigger, irrealis, token_at
from llm_extract.text import Parsed

if TYPE_CHECKING:
    from spacy.tokens import Token


def _sets() -> dict[str, frozenset[str]]:
    return lemma_sets("anchors")


@lru_cache(maxsize=1)
def _light_verbs() -> frozenset[str]:
    """Verbs that carry out a harm noun ("conducted an attack"); a claim names one only."""
    roles = lemma_sets("roles")
    return roles["light_verbs"] - roles["claim_verbs"]


def _named(token: Token) -> bool:
    """People or a site: a listed noun, a named entity, or a counted noun ("16 of them")."""
    a = _sets()
    words = a["patients"] | a["sites"] | a["military_sites"]
    for t in (token, *token.conjuncts):
        if lemma(t) in words or any(c.dep_ == "compound" and lemma(c) in words for c in t.children):
            return True
        if str(t.ent_type_) in a["labels"] or t.like_num:
            return True
        if any(c.dep_ == "nummod" for c in t.children):
            return True
    return False


def _dated(token: Token) -> bool:
    dates = _sets()["dates"]
    near = [*token.subtree, *(c for c in token.head.children if c is not token)]
    return any(str(t.ent_type_) in dates for t in near)


def _targets(token: Token) -> list[Token]:
    """What a harm verb or noun hits: its object, passive subject, the noun a participle
    modifies ("peasants who were killed"), the object of on/against/at."""
    out = [c for c in token.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
    if token.dep_ in ("relcl", "acl") and token.head is not token:
        out.append(token.head)
    preps = lemma_sets("roles")["verb_target_preps"]
    for prep in (c for c in token.children if c.dep_ == "prep" and lemma(c) in preps):
        out += [c for c in prep.children if c.dep_ == "pobj"]
    return out


def anchored(parsed: Parsed, trigger: Trigger) -> bool:
    """Whether a bare harm trigger reports an act (see the module's docstring)."""
    token = token_at(parsed, trigger.start)
    if token is None:
        return False
    if any(_named(t) for t in _targets(token)):
        return True
    if str(token.pos_) != "NOUN":
        return False
    head = token.head
    if _dated(token):
        return True
    if token.dep_ in ("nsubj", "nsubjpass") and lemma(head) in _sets()["occur"]:
        return True
    carried = lemma(head) in _light_verbs() and not irrealis(head)
    return token.dep_ in ("dobj", "obj") and carried


def military_target(parsed: Parsed, trigger: Trigger) -> bool:
    """Whether the trigger's target is a site of armed forces ("fired on the base")."""
    token = token_at(parsed, trigger.start)
    military = _sets()["military_sites"]
    return token is not None and any(lemma(t) in military for t in _targets(token))
