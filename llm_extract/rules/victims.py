"""Casualty counts read from the parse: the noun phrase an outcome word governs.

The outcome verb governs its victims the way the grammar says: the subject of a passive
("18 others were wounded") or of an intransitive ("five people died"), the object of an
active verb ("killing at least three soldiers and two other people": the whole
coordinated phrase, so the groups add up), the object of "leave" with the outcome as its
complement ("left seven people dead"). Nouns govern theirs too: "claimed the lives of
more than a dozen civilians" (the lives' "of" phrase), "the death toll rose to 40" (the
figure the toll's verb reaches). A count two coordinated outcome verbs share ("killed and
injured hundreds") is given whole to each, so neither reads a figure from it. Figures are
still read by `normalize.parse_count`, per CONVENTIONS.md; the words are data
(`lexicons.json`, "lemmas"/"victims").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from llm_extract.normalize.counts import scan_counts
from llm_extract.ontology import Outcome
from llm_extract.rules.lexicon import lemma_sets, lexicon
from llm_extract.rules.roles import head_of, lemma
from llm_extract.rules.syntax import irrealis, outcome_complements
from llm_extract.text import Parsed

if TYPE_CHECKING:
    from spacy.tokens import Token


@dataclass(frozen=True)
class Victims:
    """One outcome and the verbatim count phrase the parse gives it."""

    outcome: Outcome
    trigger_start: int
    start: int
    end: int
    text: str
    shared: bool = False
    """A count coordinated outcome verbs share ("killed and injured hundreds")."""


@lru_cache(maxsize=1)
def _outcome_verbs() -> dict[str, Outcome]:
    """Outcome verbs by lemma and the outcome each reports ("kill" -> killed)."""
    verbs: dict[str, str] = lexicon().raw["lemmas"]["victims"]["verbs"]
    return {k: Outcome(v) for k, v in verbs.items()}


def _edge(token: Token) -> tuple[int, int]:
    """Token-index bounds of a victim noun phrase: its left edge to its head, with a
    partitive "of" phrase ("two of the bombers") and coordinated nouns ("three soldiers
    and two other people"); relative clauses and places after it are left out."""
    left, right = token.left_edge.i, token.i
    for child in token.children:
        if child.i < token.i:
            continue
        if child.dep_ == "prep" and lemma(child) == "of":
            right = max(right, child.right_edge.i)
        elif child.dep_ == "conj" and str(child.pos_) in ("NOUN", "PROPN", "NUM", "PRON"):
            right = max(right, _edge(child)[1])
    return left, right


def _counted(parsed: Parsed, token: Token) -> tuple[int, int, str] | None:
    """(start, end, text) of the phrase headed by `token` in the sentence, when it holds
    a quantity ("at least 11 soldiers", "dozens") or one definite person ("the driver")."""
    left, right = _edge(token)
    doc = token.doc
    start, end = parsed.at(doc[left]), parsed.end_of(doc[right])
    text = parsed.sentence.text[start:end]
    if scan_counts(text):
        return start, end, text
    words = [lemma(t) for t in doc[left : right + 1]]
    definite = words[:1] in (["the"], ["his"], ["her"], ["its"], ["their"])
    if definite and len(words) <= 3 and words[-1] in lemma_sets("victims")["one_person"]:
        return start, end, text
    return None


def _passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _governed(verb: Token) -> Token | None:
    """The victims' head noun a verb governs, by voice."""
    words = lemma_sets("victims")
    deps = ("nsubjpass",) if _passive(verb) else ("dobj", "obj")
    if lemma(verb) in words["intransitive"]:
        deps = ("nsubj",)
    found = next((c for c in verb.children if c.dep_ in deps), None)
    if found is None and verb.dep_ == "acl" and str(verb.tag_) == "VBN":
        return verb.head  # "five people killed in the blast"
    return found


def _shared(verb: Token) -> Token | None:
    """The object a verb shares with the outcome verb it is coordinated with ("killed
    and injured hundreds"): the last conjunct holds it."""
    for other in verb.conjuncts:
        if lemma(other) in _outcome_verbs() and other.i > verb.i:
            found = _governed(other)
            if found is not None:
                return found
    return None


def _verb_victims(parsed: Parsed, verb: Token, outcome: Outcome) -> Victims | None:
    head = _governed(verb)
    shared = head is None and (head := _shared(verb)) is not None
    first = min([verb, *verb.conjuncts], key=lambda t: t.i)
    if not shared and first.i != verb.i and lemma(first) in _outcome_verbs():
        shared = _governed(first) is None  # "killed and injured hundreds": the last verb
    if head is None:
        return None
    found = _counted(parsed, head)
    if found is None:
        return None
    start, end, text = found
    trigger = parsed.at(verb)
    if shared:  # the phrase from the first verb: no outcome reads a figure from it
        start = parsed.at(first)
        text = parsed.sentence.text[start:end]
    return Victims(outcome, trigger, start, end, text, shared)


def _noun_victims(parsed: Parsed, noun: Token) -> Victims | None:
    """ "claimed the lives of N", "the death toll rose to N" / "reached N"."""
    words = lemma_sets("victims")
    verb = noun.head
    if lemma(noun) == "life" and noun.dep_ in ("dobj", "obj"):
        if lemma(verb) not in words["life_verbs"]:
            return None
        objects = [o for p in noun.children if lemma(p) == "of" for o in p.children]
    elif lemma(noun) in words["toll_nouns"] and noun.dep_ in ("nsubj", "nsubjpass"):
        if lemma(verb) not in words["toll_verbs"]:
            return None
        objects = [c for c in verb.children if c.dep_ in ("dobj", "obj", "attr")]
        objects += [o for p in verb.children if lemma(p) in ("to", "at") for o in p.children]
    else:
        return None
    for obj in objects:
        found = _counted(parsed, obj)
        if found is not None:
            return Victims(Outcome.KILLED, parsed.at(noun), *found)
    return None


def parse_victims(parsed: Parsed) -> list[Victims]:
    """Every (outcome, count phrase) the parse of one sentence gives, in order; none for
    a negated, modal or intended verb."""
    out: list[Victims] = []
    for token in parsed.span:
        pos = str(token.pos_)
        found: Victims | None = None
        if pos == "VERB" and lemma(token) in _outcome_verbs() and not irrealis(token):
            found = _verb_victims(parsed, token, _outcome_verbs()[lemma(token)])
        elif pos == "NOUN":
            found = _noun_victims(parsed, token)
        if found is not None:
            out.append(found)
    for outcome, verb, obj in outcome_complements(parsed):
        if obj.i == verb.i:  # the complement hangs on the verb: "was shot dead", its subject
            obj = next((c for c in verb.children if c.dep_ == "nsubjpass"), verb)
        counted = _counted(parsed, obj) if obj.i != verb.i else None
        if counted is not None:
            out.append(Victims(Outcome(outcome), parsed.at(verb), *counted))
    return sorted(out, key=lambda v: v.start)


def trigger_at(parsed: Parsed, start: int, end: int) -> int | None:
    """Offset of the head word of the words at [start, end) (an outcome phrase)."""
    token = head_of(parsed, start, end)
    return parsed.at(token) if token is not None else None
