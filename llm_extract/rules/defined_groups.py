"""Armed groups an article defines: a name spelled out with its acronym in brackets.

"Terrorists of the Farabundo Marti National Liberation Front (FMLN)" defines a group the
alias table may not know, in any letter case (MUC-4's wire copy has none). The name is
the noun phrase before the bracket (its "of" phrases included: "army of national
liberation (eln)"), without leading determiners and descriptors ("the so-called"); the
acronym names the same group anywhere in the article. The group counts as armed when its
name holds an armed word ("front", "army", "brigade") or a mention stands in an armed
context ("guerrillas of the X", "X rebels", "X claimed responsibility"), read as for any
unknown group (`actors.armed_kind`); the alias table wins where it knows the name.
Every mention carries the spelled-out name, so the acronym and the name are one actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from llm_extract.normalize import ActorInfo, actor_info
from llm_extract.ontology import ActorType
from llm_extract.rules.actors import ActorMention, armed_kind
from llm_extract.rules.lexicon import lexicon
from llm_extract.rules.screen import overlaps
from llm_extract.text import Parsed
from llm_extract.text.language import english

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_BRACKET = re.compile(r"\(\s*[\"']?(?P<acr>[A-Za-z][A-Za-z0-9-]{1,7})[\"']?\s*\)")
_MAX_WORDS = 9


@dataclass(frozen=True)
class DefinedGroup:
    """A group the article defines: its name as written there, acronym and actor."""

    name: str
    acronym: str
    info: ActorInfo


@lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = lexicon().raw["lemmas"]["unknown_actors"]
    return spec


def _name_tokens(parsed: Parsed, bracket_start: int) -> list[Token]:
    """The noun phrase that ends just before the bracket, "of" phrases included."""
    before = [t for t in parsed.span if parsed.end_of(t) <= bracket_start]
    if not before or before[-1].is_punct:
        return []
    last = before[-1]
    tokens = [last]
    spec = _spec()
    joiners = set(spec["name_joiners"])
    stops = set(spec["name_stops"])
    for t in reversed(before[:-1]):
        word = str(t.lower_)
        if t.is_punct and word not in ("-", "'", '"'):
            break
        if word in stops or str(t.pos_) in ("VERB", "AUX", "PRON", "DET", "NUM", "ADV"):
            break
        if str(t.pos_) == "ADP" and word not in joiners:
            break
        tokens.insert(0, t)
        if len(tokens) >= _MAX_WORDS:
            break
    while tokens and (str(tokens[0].lower_) in joiners or tokens[0].is_punct):
        tokens = tokens[1:]
    descriptors = set(spec["descriptors"])
    while tokens and str(tokens[0].lower_) in descriptors:
        tokens = tokens[1:]
    return tokens if len(tokens) >= 2 else []


def _kind(name: str, spans: list[Span]) -> str | None:
    """ACLED actor type: from an armed word in the name, else from a mention's context."""
    spec = _spec()
    words = name.casefold().split()
    for word in words:
        kind = spec["name_words"].get(word) or spec["defined_name_words"].get(word)
        if kind is not None:
            return str(kind)
    for span in spans:
        kind = armed_kind(span, spec)
        if kind is not None:
            return kind
    return None


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return frozenset(english().nlp().Defaults.stop_words)


def _occurrences(parsed: Parsed, name: str, acronym: str) -> list[tuple[int, int]]:
    """Where the sentence names the group, by name or acronym, left to right. An acronym
    that is also a common word ("IS", "UP") counts only where written in capitals: in
    text without them, "it is" is no mention of the Islamic State."""
    text = parsed.sentence.text
    common = acronym.casefold() in _stop_words()
    out: list[tuple[int, int]] = []
    for needle in (name, acronym):
        pattern = rf"(?<![\w-]){re.escape(needle)}(?![\w-])"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if needle is acronym and common and not m.group(0).isupper():
                continue
            if all(m.end() <= s or m.start() >= e for s, e in out):
                out.append((m.start(), m.end()))
    return sorted(out)


def _span(parsed: Parsed, start: int, end: int) -> Span | None:
    inside = [t for t in parsed.span if start <= parsed.at(t) and parsed.end_of(t) <= end]
    if not inside:
        return None
    return parsed.span.doc[inside[0].i : inside[-1].i + 1]


def defined_groups(parsed: list[Parsed], country: str | None) -> list[DefinedGroup]:
    """The armed groups the article defines with an acronym in brackets, first seen first."""
    found: dict[str, tuple[str, str]] = {}  # folded acronym -> (name, acronym)
    for p in parsed:
        for m in _BRACKET.finditer(p.sentence.text):
            acronym = m.group("acr")
            tokens = _name_tokens(p, m.start())
            if not tokens or acronym.casefold() in found:
                continue
            name = p.sentence.text[p.at(tokens[0]) : p.end_of(tokens[-1])].lstrip(" -'\"")
            if acronym.casefold() == name.casefold():
                continue
            found[acronym.casefold()] = (name, acronym)
    out: list[DefinedGroup] = []
    for name, acronym in found.values():
        spans = [
            s
            for p in parsed
            for start, end in _occurrences(p, name, acronym)
            if (s := _span(p, start, end)) is not None
        ]
        known = actor_info(name, country=country)
        if known is not None:
            out.append(DefinedGroup(name, acronym, known))
            continue
        kind = _kind(name, spans)
        if kind is None:
            continue
        info = ActorInfo(name=name, actor_type=ActorType(kind), country=country)
        out.append(DefinedGroup(name, acronym, info))
    return out


def group_mentions(parsed: Parsed, groups: list[DefinedGroup]) -> list[ActorMention]:
    """Every mention of a defined group in one sentence, by name or acronym; each carries
    the spelled-out name as its surface so the acronym and the name are one actor."""
    out: list[ActorMention] = []
    for g in groups:
        for start, end in _occurrences(parsed, g.name, g.acronym):
            if all(end <= m.start or start >= m.end for m in out):
                out.append(ActorMention(surface=g.name, start=start, end=end, info=g.info))
    return sorted(out, key=lambda m: m.start)


def with_defined(
    mentions: list[ActorMention], parsed: Parsed, groups: list[DefinedGroup]
) -> list[ActorMention]:
    """A sentence's mentions with the defined groups' added; a defined group's mention
    replaces table matches inside it ("army" in "army of national liberation")."""
    own = group_mentions(parsed, groups)
    kept = [m for m in mentions if not overlaps(m.start, m.end, own)]
    return sorted([*kept, *own], key=lambda m: m.start)
