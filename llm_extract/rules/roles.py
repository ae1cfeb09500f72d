"""Who did what to whom, read from the parse: the agent and the target of a trigger.

ACLED's actor1 carries out the event and actor2 is its target. In the parse, the agent
of a violent verb is its subject (nsubj) or, in a passive, the object of its "by" phrase;
its target is its direct object or the subject of a passive ("soldiers were killed").
A participle or a coordinated verb with no subject of its own ("militants attacked the
base, killing two"; "stormed the base and killed") takes the subject of the verb it
hangs on. A trigger noun takes its agent from a "by" phrase or its possessor ("the
Taliban's attack") and its target from "on", "against" or "of" ("the killing of
civilians"); a noun that is the subject of a verb ("four suicide bombers stormed a
centre") or the object of a light verb ("launched an attack", "claimed the bombing")
takes that verb's roles. Coordinated names share a role. The subject of a reporting verb
("X said", "X told reporters") and the object of "according to" are never a side. The
words are data (`lexicons.json`, "lemmas"/"roles").
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from llm_extract.rules.lexicon import lemma_sets, lexicon
from llm_extract.text import Parsed

if TYPE_CHECKING:
    from spacy.tokens import Token

AGENT = 1
TARGET = 2
SOURCE = 0

_NP_LINKS = frozenset({"compound", "amod", "nmod", "poss", "appos", "nummod", "npadvmod"})
"""Links inside a noun phrase: a name in it ("an army base", "U.N. peacekeepers' base")
takes the role of the phrase it modifies."""
_LINKED_CLAUSE = frozenset({"advcl", "conj", "xcomp"})
_ACCORDING = frozenset({"accord", "according"})


def lemma(token: Token) -> str:
    """A token's lemma, casefolded: the form the lexicon's word lists use."""
    return str(token.lemma_).casefold()


def _is_verb(token: Token) -> bool:
    return str(token.pos_) in ("VERB", "AUX")


def head_of(parsed: Parsed, start: int, end: int) -> Token | None:
    """The token that heads the words in [start, end) of the sentence (None if none)."""
    inside = [t for t in parsed.span if start < parsed.end_of(t) and parsed.at(t) < end]
    if not inside:
        return None
    ids = {t.i for t in inside}
    heads = [t for t in inside if t.head.i not in ids or t.head.i == t.i]
    return heads[0] if heads else inside[0]


def _with_conjuncts(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for t in tokens:
        out += [t, *t.conjuncts]
    return out


def _prep_objects(token: Token, preps: frozenset[str]) -> list[Token]:
    return [
        obj
        for prep in token.children
        if prep.dep_ == "prep" and lemma(prep) in preps
        for obj in prep.children
        if obj.dep_ == "pobj"
    ]


def _by_agents(token: Token) -> list[Token]:
    """The object of a passive's or a noun's "by" phrase."""
    return [
        obj
        for by in token.children
        if by.dep_ == "agent" or (by.dep_ == "prep" and lemma(by) == "by")
        for obj in by.children
        if obj.dep_ == "pobj"
    ]


def _harm_verb(token: Token) -> bool:
    return _is_verb(token) and lemma(token) in _harm_lemmas()


@lru_cache(maxsize=1)
def _harm_lemmas() -> frozenset[str]:
    return frozenset(lexicon().raw["lemmas"]["harm"]["VERB"])


def _victims(verb: Token) -> list[Token]:
    """Who a harm verb hit: its object, or the subject of its passive."""
    return [c for c in verb.children if c.dep_ in ("nsubjpass", "dobj", "obj")]


def _verb_roles(verb: Token, depth: int = 0) -> tuple[list[Token], list[Token]]:
    """(agents, targets) of a verb, taking the subject of the verb it hangs on when it
    has none of its own; the victims of a harm verb joined to it ("..., killing three
    soldiers"; "soldiers were killed when insurgents ambushed a convoy") are its targets."""
    agents = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    targets = _victims(verb)
    agents += _by_agents(verb)
    targets += _prep_objects(verb, lemma_sets("roles")["verb_target_preps"])
    for child in verb.children:
        if child.dep_ in ("advcl", "conj") and _harm_verb(child):
            targets += _victims(child)
    if verb.dep_ in ("advcl", "conj") and _harm_verb(verb.head) and verb.head.i != verb.i:
        targets += _victims(verb.head)
    own_subject = any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in verb.children)
    head = verb.head
    linked = verb.dep_ in _LINKED_CLAUSE and head.i != verb.i and _is_verb(head)
    if not own_subject and linked and depth < 3:
        up_agents, up_targets = _verb_roles(head, depth + 1)
        agents += up_agents
        if verb.dep_ == "conj":  # "were attacked and killed": the same subject
            targets += [t for t in up_targets if t.dep_ == "nsubjpass"]
    if verb.dep_ == "acl" and str(verb.tag_) == "VBG" and head.i != verb.i:
        agents.append(head)  # "militants attacking the base"
    return agents, targets


def _noun_roles(noun: Token) -> tuple[list[Token], list[Token]]:
    """(agents, targets) of a trigger noun, or of the verb it is subject or object of."""
    words = lemma_sets("roles")
    agents = [c for c in noun.children if c.dep_ == "poss"] + _by_agents(noun)
    targets = _prep_objects(noun, words["target_preps"])
    for clause in noun.children:  # "the attack ... that killed 10 soldiers"
        if clause.dep_ == "relcl" and _harm_verb(clause):
            targets += _victims(clause)
    head = noun.head
    if head.i != noun.i and _is_verb(head):
        if noun.dep_ in ("nsubj", "csubj"):  # "four suicide bombers stormed a centre"
            head_agents, head_targets = _verb_roles(head)
            if lemma(noun) in _attackers():
                agents.append(noun)
            targets += [t for t in head_targets if t.dep_ != "nsubjpass"]
            agents += [a for a in head_agents if a.i != noun.i]
        elif noun.dep_ == "nsubjpass":  # "the kidnapping was planned and carried out by X"
            agents += [a for v in (head, *head.conjuncts) for a in _by_agents(v)]
        elif noun.dep_ in ("dobj", "obj") and lemma(head) in words["light_verbs"]:
            agents += _verb_roles(head)[0]
    if noun.dep_ == "pobj" and lemma(head) in ("with", "in") and _is_verb(head.head):
        verb = head.head
        if lemma(head) == "with":  # "responded with drone strikes"
            agents += _verb_roles(verb)[0]
        elif _harm_verb(verb):  # "soldiers were killed in an ambush"
            targets += _victims(verb)
    return agents, targets


@lru_cache(maxsize=1)
def _attackers() -> frozenset[str]:
    """Trigger nouns that name who attacks ("suicide bombers"), not the act."""
    raw = lexicon().raw["lemmas"]
    return frozenset(raw["attack_words"]["lemmas"]) | frozenset(raw["roles"]["attackers"])


def _sources(parsed: Parsed) -> list[Token]:
    """Subjects of reporting verbs and objects of "according to": a source, not a side."""
    reporting = lemma_sets("roles")["reporting"]
    out: list[Token] = []
    for token in parsed.span:
        if _is_verb(token) and lemma(token) in reporting:
            out += [c for c in token.children if c.dep_ == "nsubj"]
            out += _by_agents(token)  # "it was confirmed by police"
        to = token.head
        if token.dep_ == "pobj" and lemma(to) == "to" and lemma(to.head) in _ACCORDING:
            out.append(token)
    return _with_conjuncts(out)


def read_roles(parsed: Parsed, start: int, end: int) -> dict[int, int]:
    """Token index -> AGENT, TARGET or SOURCE for the trigger at [start, end) of the
    sentence: the heads of the noun phrases that fill its roles, with their conjuncts."""
    trigger = head_of(parsed, start, end)
    if trigger is None:
        return {}
    if _is_verb(trigger):
        agents, targets = _verb_roles(trigger)
    else:
        agents, targets = _noun_roles(trigger)
    agents = [_reporter(a) or a for a in agents]
    roles: dict[int, int] = {}
    for token in [*_sources(parsed), *_onlookers(trigger)]:
        roles[token.i] = SOURCE
    for token in _with_conjuncts(targets):
        roles.setdefault(token.i, TARGET)
    for token in _with_conjuncts(agents):
        roles[token.i] = AGENT
    return roles


def _onlookers(trigger: Token) -> list[Token]:
    """The subject of a verb that takes the trigger noun as its object without doing it:
    "police are investigating the killing", "the government condemned the attack". A
    light verb ("launched an attack") or a violent one makes its subject the agent."""
    verb = trigger.head
    if _is_verb(trigger) or trigger.dep_ not in ("dobj", "obj") or not _is_verb(verb):
        return []
    if lemma(verb) in lemma_sets("roles")["light_verbs"] or lemma(verb) in _harm_lemmas():
        return []
    if lemma(verb) in _acting_lemmas():
        return []
    return _with_conjuncts([c for c in verb.children if c.dep_ == "nsubj"])


@lru_cache(maxsize=1)
def _acting_lemmas() -> frozenset[str]:
    """Verbs whose subject does what their object names: the trigger verbs."""
    raw = lexicon().raw["lemmas"]
    verbs = [w for spec in raw["sub_events"].values() for w in spec.get("VERB", [])]
    return frozenset([*verbs, *raw["strike"]["VERB"]])


def _reporter(agent: Token) -> Token | None:
    """The subject of the reporting verb whose clause has `agent`, a pronoun, as subject:
    in "the army said it shot down ..." the army did it."""
    if str(agent.pos_) != "PRON" or lemma(agent) not in ("it", "they", "we"):
        return None
    clause = agent.head
    while clause.dep_ in ("conj", "xcomp", "advcl") and clause.head.i != clause.i:
        clause = clause.head
    said = clause.head
    if (
        clause.dep_ != "ccomp"
        or not _is_verb(said)
        or lemma(said) not in lemma_sets("roles")["reporting"]
    ):
        return None
    return next((c for c in said.children if c.dep_ == "nsubj"), None)


def role_of(parsed: Parsed, roles: dict[int, int], start: int, end: int) -> int | None:
    """The role of the words at [start, end) (an actor mention): that of the noun phrase
    they head or sit in ("an army recruitment centre": the centre's), None if none."""
    token = head_of(parsed, start, end)
    for _ in range(4):
        if token is None:
            return None
        if token.i in roles:
            return roles[token.i]
        if token.dep_ == "pobj" and lemma(token.head) == "of" and token.head.head.i != token.i:
            token = token.head.head  # "a convoy of troops"
        elif token.dep_ in _NP_LINKS and token.head.i != token.i:
            token = token.head
        else:
            return None
    return None


def in_clause(parsed: Parsed, trigger: tuple[int, int], words: tuple[int, int]) -> bool:
    """Whether the words at `words` sit in the clause of the trigger at `trigger` (under
    its verb, or the verb a trigger noun depends on), not in another sentence's worth of
    text the parser joined to it."""
    head = head_of(parsed, *trigger)
    token = head_of(parsed, *words)
    if head is None or token is None:
        return False
    clause = head if _is_verb(head) or head.head.i == head.i else head.head
    return token.i == clause.i or clause in token.ancestors
