"""Checks every trigger passes, whatever it reports: said as fact, an act and not a title.

ACLED codes what happened: a trigger after a modal or infinitive ("to retake", "would
deal") reports no event, nor does a trigger noun used as a title or description
("vigilante leader", "protest organisers"). The words are data (`lexicons.json`:
"irrealis", "factual_before_to", "role_nouns", "verb_forms").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from llm_extract.ontology import SubEventType
from llm_extract.rules.actors import ActorMention
from llm_extract.rules.casualties import CasualtyClause
from llm_extract.rules.lexicon import lexicon
from llm_extract.rules.places import PlaceMention
from llm_extract.rules.syntax import Trigger
from llm_extract.text import Parsed


class _Span(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


_SUB_EVENT_VALUES = frozenset(s.value for s in SubEventType)


@dataclass(frozen=True)
class Scene:
    """One sentence and what the rules read in it, handed to every trigger detector."""

    sentence: str
    actors: list[ActorMention]
    places: list[PlaceMention]
    casualties: list[CasualtyClause]
    parsed: Parsed
    lemmas: list[Trigger]

    def triggers(self, *kinds: str) -> list[Trigger]:
        """The lemma triggers of the given kinds (sub-event type values or trigger kinds)."""
        return [t for t in self.lemmas if t.kind in kinds]

    def specific(self) -> list[Trigger]:
        """The lemma triggers that name an ACLED sub-event type themselves."""
        return [t for t in self.lemmas if t.kind in _SUB_EVENT_VALUES]


def realis(sentence: str, start: int) -> bool:
    """False when the words just before a trigger make it planned, attempted or denied."""
    lex = lexicon()
    before = sentence[max(0, start - 40) : start]
    return not lex.ends("irrealis", before) or lex.ends("factual_before_to", before)


def is_role(sentence: str, start: int, end: int) -> bool:
    """A trigger noun that names a role or kind of group ("vigilante leader", "splinter
    group"), not an act; verb forms ("arrested leaders") still report one."""
    last = sentence[start:end].split()[-1].casefold()
    if last.endswith("ed") or last in lexicon().verb_forms:
        return False
    return lexicon().role_after.match(sentence, end) is not None


def overlaps(start: int, end: int, spans: Sequence[_Span]) -> bool:
    """Whether [start, end) overlaps any of `spans`."""
    return any(start < t.end and t.start < end for t in spans)


def usable(sentence: str, start: int, end: int, taken: Sequence[_Span]) -> bool:
    """A trigger not inside one already read, said as fact, and not a title."""
    return (
        not overlaps(start, end, taken)
        and realis(sentence, start)
        and not is_role(sentence, start, end)
    )
