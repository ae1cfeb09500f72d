"""Who is on which side of an event, and which triggers of a sentence are one incident.

Sides come from the cues around each actor mention ("by X", "against Y", the subject of
a passive is the target, coordinated names share a side) and, where the parse reads the
sentence, from its grammar (see `assign_roles`). ACLED codes one event per incident, so
triggers of one sentence that report one incident fold into one event of the sub-type
first in the lexicon's precedence. The cue words are data (`lexicons.json`, "sides").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from llm_extract.ontology import ActorType, SubEventType
from llm_extract.rules.actors import ActorMention
from llm_extract.rules.lexicon import lexicon
from llm_extract.rules.places import PlaceMention
from llm_extract.rules.roles import AGENT, in_clause, read_roles, role_of
from llm_extract.text import Parsed, english

S = SubEventType
STATE = frozenset({ActorType.STATE_FORCES, ActorType.EXTERNAL_FORCES})
ARMED = STATE | {
    ActorType.REBEL_GROUP,
    ActorType.POLITICAL_MILITIA,
    ActorType.IDENTITY_MILITIA,
}
_STATE = STATE
_ARMED = ARMED
_GAP = r"\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$"
"""After a cue: an optional "the" and up to two words before the mention ("by the X")."""


def _alts(words: list[str]) -> str:
    """Alternatives for cue phrases, longest first, any spacing between their words."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _cues() -> dict[str, list[str]]:
    words: dict[str, list[str]] = english().vocabulary()["sides"]
    return words


_W = _cues()


def _cue(key: str, tail: str = _GAP) -> str:
    """A cue phrase from the data as a whole word, then `tail`."""
    return rf"\b(?:{_alts(_W[key])}){tail}"


_BY, _AGAINST, _FROM = (
    re.compile(_cue(key), re.IGNORECASE) for key in ("by_words", "against_words", "from_words")
)
_NEUTRAL = re.compile(
    _cue("held_words", rf"\s+by{_GAP}") + "|" + _cue("control_words", r"\s+(?:the\s+)?$"),
    re.IGNORECASE,
)
_COORD = re.compile(
    rf"[\s,)]*(?:(?:{_alts(_W['coord_words'])}|—|–|-)[\s,]*)?(?:the\s+)?", re.IGNORECASE
)
_VICTIM_AFTER = re.compile(
    rf"^(?:\s+[\w'’-]+){{0,2}}?\s+(?:(?:{_alts(_W['passive_aux'])})\s+"
    rf"(?:[\w-]+ly\s+)?(?:{_alts(_W['victim_participles'])})|"
    rf"(?:{_alts(_W['under_words'])})\s+(?:[\w-]+\s+)?(?:{_alts(_W['under_nouns'])}))\b",
    re.IGNORECASE,
)
"""After a mention: it is the victim of a passive ("five soldiers were killed", "a convoy
of troops was ambushed", "a patrol came under attack"), the other side of the event."""
_PROTEST_SIDES = frozenset({ActorType.PROTESTERS, ActorType.RIOTERS})
_SPLIT = frozenset({S.ARMED_CLASH})
_HELD_AFTER = re.compile(rf"^[\s-]*(?:{_alts(_W['held_after_words'])})\b", re.IGNORECASE)

_T = TypeVar("_T")


@dataclass
class EventMention:
    """One event a sentence reports: its sub-type, trigger span and the actors on each side."""

    sub_event_type: SubEventType
    start: int
    end: int
    kind: str
    actor1: list[ActorMention] = field(default_factory=list)
    actor2: list[ActorMention] = field(default_factory=list)


def _protest_role(event: EventMention, m: ActorMention) -> int | None:
    """ACLED's sides of a demonstration: the demonstrators initiate it and the forces that
    intervene are the other side; force used against them makes the forces the initiator."""
    if event.sub_event_type not in _PROTEST_ORDER:
        return None
    excessive = event.sub_event_type is S.EXCESSIVE_FORCE
    if m.info.actor_type in _PROTEST_SIDES:
        return 2 if excessive else 1
    if m.info.actor_type in _STATE:
        return 1 if excessive else 2
    return 0  # others (bystanders, residents) are no side of the demonstration


_PROTEST_ORDER = frozenset(
    {S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION, S.EXCESSIVE_FORCE, S.VIOLENT_DEMONSTRATION}
)


def _role(
    sentence: str, event: EventMention, m: ActorMention, pre: str, parsed: int | None
) -> int | None:
    """1 or 2 from the parse (`parsed`: the mention's role there, if any) or the cues
    around one mention; 0 for no side; None when only its position can tell."""
    window = pre[-40:]
    protest = _protest_role(event, m)
    if protest is not None:
        return protest
    if m.info.actor_type is ActorType.CIVILIANS:
        return 2
    if parsed is not None:
        return parsed
    if _VICTIM_AFTER.match(sentence[m.end : m.end + 60]):
        return 2  # the subject of a passive is the target: "soldiers were killed by X"
    if m.start < event.end and event.start < m.end:
        # inside the trigger: before its verb the subject ("jets bombed"), after it the
        # object ("attacked an army checkpoint")
        return 1 if m.start <= event.start else 2
    if _BY.search(window):
        return 1
    if _AGAINST.search(window) or (event.kind == "territory" and _FROM.search(window)):
        return 2
    return None


def _agent_nearby(
    parsed: Parsed | None, event: EventMention, m: ActorMention, graph: dict[int, int]
) -> bool:
    """The parse found the trigger's agent (not a name the rules know) and the mention sits
    in the trigger's clause after it: it is the other side."""
    if parsed is None or AGENT not in graph.values():
        return False
    return in_clause(parsed, (event.start, event.end), (m.start, m.end))


def assign_roles(
    sentence: str, event: EventMention, mentions: list[ActorMention], parsed: Parsed | None = None
) -> None:
    """Fill `event.actor1` / `actor2` from the parse, then from cues around each mention.

    Where `parsed` (the sentence's analysis) gives a mention a role, it decides (see
    `roles`: the agent of the trigger is actor1, its object or the subject of a passive
    actor2, a reporting clause's subject no side). Otherwise the cues decide:
    "by X", "backed by X", "attack from X" and the trigger's own subject make X an
    initiator; "against Y", "on Y", "with Y", "from Y" (after a capture), the object of
    the trigger and the subject of a passive ("Y were killed", "Y came under attack") make
    Y the target; coordinated names ("X and Y") share a side; civilians are always the
    target; demonstrators initiate a demonstration and intervening forces are its target.
    Two armed groups that fight each other ("X and Y clashed", "X pursued Y and clashed")
    are one per side, never both initiators.
    """
    prev_end = 0
    prev_role = 0
    backed = False
    graph = read_roles(parsed, event.start, event.end) if parsed is not None else {}
    for m in sorted(mentions, key=lambda a: a.start):
        pre = sentence[prev_end : m.start]
        if _NEUTRAL.search(pre[-40:]) or _HELD_AFTER.match(sentence[m.end :]):
            prev_end = m.end
            continue  # "a town held by X": X describes the place, not a side
        found = role_of(parsed, graph, m.start, m.end) if parsed is not None and graph else None
        role = _role(sentence, event, m, pre, found)
        if role == 0:
            prev_end = m.end
            continue
        if role is None:
            if prev_role and _COORD.fullmatch(pre):
                role = prev_role
            elif m.start >= event.end and (event.actor1 or _agent_nearby(parsed, event, m, graph)):
                role = 2
            else:
                role = 1
        backed = backed or (role == 1 and _BY.search(pre[-40:]) is not None)
        side = event.actor1 if role == 1 else event.actor2
        if all(a.info.name != m.info.name for a in [*event.actor1, *event.actor2]):
            side.append(m)
        prev_end, prev_role = m.end, role
    if event.sub_event_type in _SPLIT and not event.actor2 and not backed:
        armed = [a for a in event.actor1 if a.info.actor_type in _ARMED]
        if len(armed) > 1:  # one side each: the first named initiates
            event.actor2.extend(armed[1:])
            event.actor1[:] = [a for a in event.actor1 if a not in armed[1:]]


def pool(head: EventMention, other: EventMention) -> None:
    """Add another trigger's sides to `head`, each name once over both sides."""
    for side, more in ((head.actor1, other.actor1), (head.actor2, other.actor2)):
        for a in more:
            if all(a.info.name != b.info.name for b in [*head.actor1, *head.actor2]):
                side.append(a)


def _protest_sides(event: EventMention) -> None:
    """Re-sort a demonstration's sides once its sub-type is final (a killing folded into
    excessive force must not leave the forces on both sides)."""
    both = [*event.actor1, *event.actor2]
    event.actor1[:] = [a for a in both if _protest_role(event, a) == 1]
    event.actor2[:] = [a for a in both if _protest_role(event, a) == 2]


def precedence_rank(sub: SubEventType) -> int:
    """Position in the lexicon's precedence: lower wins when triggers are one incident."""
    order = lexicon().precedence
    return order.index(sub) if sub in order else len(order)


def _anchor(event: EventMention, places: list[PlaceMention]) -> str | None:
    """The place a trigger is about: the nearest place named in the sentence."""
    own = [p for p in places if not p.relative]
    if not own:
        return None
    p = min(own, key=lambda p: abs(p.start - event.start))
    return (p.place.name if p.place else p.surface).casefold()


def _same_incident(a: EventMention, b: EventMention, places: list[PlaceMention]) -> bool:
    """Two triggers of one sentence report one incident unless they are at different
    places or different initiators carry them out ("jets struck X as troops clashed")."""
    pa, pb = _anchor(a, places), _anchor(b, places)
    if pa is not None and pb is not None and pa != pb:
        return False
    names_a = {m.info.name for m in a.actor1}
    names_b = {m.info.name for m in b.actor1}
    return not (names_a and names_b and names_a.isdisjoint(names_b))


def group_alike(items: list[_T], same: Callable[[_T, _T], bool]) -> list[list[_T]]:
    """Items in groups, in order: each joins the first group every member of which it is
    `same` as, else starts one (an incident is one only if all its mentions agree)."""
    groups: list[list[_T]] = []
    for item in items:
        for group in groups:
            if all(same(item, g) for g in group):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def one_per_incident(events: list[EventMention], places: list[PlaceMention]) -> list[EventMention]:
    """Fold triggers that report the same incident into one event of the sub-type first in
    the lexicon's precedence (ACLED codes an incident once: an abduction during a killing
    spree is part of the Attack, a clash that ends in a capture is the capture)."""
    out: list[EventMention] = []
    for group in group_alike(events, lambda a, b: _same_incident(a, b, places)):
        head = min(group, key=lambda e: (precedence_rank(e.sub_event_type), e.start))
        for other in group:
            if other is not head:
                pool(head, other)
        if head.sub_event_type in _PROTEST_ORDER:
            _protest_sides(head)
        out.append(head)
    return sorted(out, key=lambda e: e.start)
