"""Physical targets (MUC-4's PHYS TGT) read from an event's evidence sentence.

The records carry no physical target, but the evidence quote says what was hit: a
building, vehicle or facility noun (`lexicons.json`, "muc4"/"target_nouns") that is the
object of a violent verb ("dynamited the bank"), the subject of its passive ("the bus
was burned"), or the object of "on" / "against" / "at" after one or after an attack noun
("an attack on the embassy"). The filler is that noun with its compound modifiers ("police
patrol car"), as MUC-4's answer key writes a target.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from llm_extract.models import Event
from llm_extract.text import english, parse_sentence

if TYPE_CHECKING:
    from spacy.tokens import Token


@lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    raw = english().vocabulary()["muc4"]
    return (
        frozenset(raw["target_nouns"]),
        frozenset(raw["target_verbs"]),
        frozenset(raw["target_preps"]),
    )


def _lemma(token: Token) -> str:
    return str(token.lemma_).casefold()


def _hit(token: Token) -> bool:
    """Whether the parse makes `token` what a violent verb or attack noun struck."""
    _, verbs, preps = _words()
    head = token.head
    if token.dep_ in ("dobj", "obj", "nsubjpass") and _lemma(head) in verbs:
        return True
    if token.dep_ == "pobj" and _lemma(head) in preps and head.head.i != head.i:
        return _lemma(head.head) in verbs
    return False


def _phrase(token: Token) -> str:
    """The noun with the compound and adjective words right before it: "police patrol
    car", "agrarian bank"."""
    words = [token]
    left = token.i - 1
    while left >= token.sent.start and token.doc[left].dep_ in ("compound", "amod"):
        if token.doc[left].head.i not in {w.i for w in words}:
            break
        words.insert(0, token.doc[left])
        left -= 1
    return " ".join(str(w.text) for w in words)


def targets(event: Event) -> list[list[str]]:
    """One filler per physical target the event's evidence names, first seen first."""
    nouns, _, _ = _words()
    out: list[str] = []
    for quote in event.evidence:
        for token in parse_sentence(quote).span:
            if _lemma(token) in nouns and _hit(token):
                phrase = _phrase(token)
                if phrase.casefold() not in {o.casefold() for o in out}:
                    out.append(phrase)
    return [[t] for t in out]
