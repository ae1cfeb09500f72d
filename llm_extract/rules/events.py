"""Event triggers in one sentence, their ACLED sub-event type, and who is on which side.

The order of the checks follows ACLED's codebook: a specific weapon or act ("suicide
bomber", "shelling", "abducted") decides the sub-event type first; ambiguous strike words
("strikes", "raids") are air strikes when an aerial cue or a state military is near;
capture verbs need a territory object and take their sub-type from who captured it;
protests escalate with the response they met; bare harm verbs ("killed") are an attack on
civilians or a clash between armed groups depending on the victims. Triggers after a
modal or infinitive ("to retake", "would deal") report no event, nor do trigger nouns
used as a title or description ("vigilante leader", "protest organisers"), nor sentences
about what usually happens ("a string of attacks", "regularly"). One sentence reporting
one incident gives one event: its sub-type by the precedence in the lexicon data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from llm_extract.ontology import ActorType, SubEventType, VictimType
from llm_extract.rules.actors import ActorMention
from llm_extract.rules.casualties import CasualtyClause
from llm_extract.rules.lexicon import lexicon
from llm_extract.rules.places import PlaceMention

S = SubEventType
_STATE = frozenset({ActorType.STATE_FORCES, ActorType.EXTERNAL_FORCES})
_ARMED = _STATE | {
    ActorType.REBEL_GROUP,
    ActorType.POLITICAL_MILITIA,
    ActorType.IDENTITY_MILITIA,
}
_PROTEST_FAMILY = frozenset({S.PEACEFUL_PROTEST, S.VIOLENT_DEMONSTRATION})
_BY = re.compile(
    r"\b(?:by|backed\s+by|supported\s+by|aided\s+by|helped\s+by|joined\s+by|led\s+by|"
    r"with\s+(?:the\s+)?help\s+(?:of|from)|alongside|along\s+with|in\s+support\s+of|"
    r"supporting|backing|in\s+coordination\s+with|allied\s+with)\s+(?:the\s+)?"
    r"(?:[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)
_AGAINST = re.compile(
    r"\b(?:against|on|targeting|targeted|versus|vs\.?|at|towards?|with|in\s+the\s+ranks\s+of|"
    r"attacked|attacking|hit|struck|killing|killed|ambushed)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)
_NEUTRAL = re.compile(
    r"\b(?:held|controlled|run|besieged|claimed|founded)\s+by\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$"
    r"|\bunder\s+(?:the\s+)?control\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$", re.IGNORECASE)
_COORD = re.compile(
    r"[\s,)]*(?:(?:and|or|as\s+well\s+as|including|—|–|-)[\s,]*)?(?:the\s+)?", re.IGNORECASE
)
_PASSIVE = re.compile(r"\b(?:were|was|been|being|be|are|is)\s+$", re.IGNORECASE)
_AIR_WINDOW = 50
_OBJECT_WINDOW = 70


@dataclass
class EventMention:
    """One event a sentence reports: its sub-type, trigger span and the actors on each side."""

    sub_event_type: SubEventType
    start: int
    end: int
    kind: str
    actor1: list[ActorMention] = field(default_factory=list)
    actor2: list[ActorMention] = field(default_factory=list)


def realis(sentence: str, start: int) -> bool:
    """False when the words just before a trigger make it planned, attempted or denied."""
    lex = lexicon()
    before = sentence[max(0, start - 40) : start]
    if lex.irrealis.search(before) is None:
        return True
    return lex.factual_before_to.search(before) is not None


_VERB_FORMS = frozenset(
    {"took", "taken", "fought", "overran", "retook", "shot", "beat", "hit", "struck"}
)


def is_role(sentence: str, start: int, end: int) -> bool:
    """A trigger noun that names a role or kind of group ("vigilante leader", "splinter
    group"), not an act; verb forms ("arrested leaders") still report one."""
    last = sentence[start:end].split()[-1].casefold()
    if last.endswith("ed") or last in _VERB_FORMS:
        return False
    return lexicon().role_after.match(sentence, end) is not None


def _overlaps(start: int, end: int, spans: list[EventMention]) -> bool:
    return any(start < t.end and t.start < end for t in spans)


def _protest_type(sentence: str) -> SubEventType:
    lex = lexicon()
    if lex.excessive_force.search(sentence):
        return S.EXCESSIVE_FORCE
    if lex.violent.search(sentence):
        return S.VIOLENT_DEMONSTRATION
    if lex.intervention.search(sentence):
        return S.PROTEST_WITH_INTERVENTION
    return S.PEACEFUL_PROTEST


def _victims(casualties: list[CasualtyClause], sentence: str) -> VictimType:
    kinds = {c.victim_type for c in casualties} - {VictimType.UNKNOWN}
    if len(kinds) == 1:
        return kinds.pop()
    if kinds:
        return VictimType.MIXED
    lex = lexicon()
    civilian = lex.civilian.search(sentence) is not None
    combatant = lex.combatant.search(sentence) is not None
    if civilian != combatant:
        return VictimType.CIVILIANS if civilian else VictimType.COMBATANTS
    return VictimType.UNKNOWN


def _specific(sentence: str, casualties: list[CasualtyClause]) -> list[EventMention]:
    lex = lexicon()
    out: list[EventMention] = []
    found = sorted(
        (
            (m.start(), m.end(), sub)
            for sub, regex in lex.sub_events.items()
            for m in regex.finditer(sentence)
        ),
        key=lambda f: (f[0], f[0] - f[1]),
    )
    protest = any(sub in _PROTEST_FAMILY for _, _, sub in found)
    for start, end, sub in found:
        if _overlaps(start, end, out) or not realis(sentence, start):
            continue
        if is_role(sentence, start, end):
            continue
        if sub in _PROTEST_FAMILY:
            sub = _protest_type(sentence) if sub is S.PEACEFUL_PROTEST else sub
        elif sub is S.ARRESTS and protest:
            continue  # arrests at a protest are the police's intervention in it
        elif sub is S.ATTACK and _victims(casualties, sentence) is VictimType.COMBATANTS:
            sub = S.ARMED_CLASH
        out.append(EventMention(sub, start, end, "specific"))
    return out


def _strikes(
    sentence: str, actors: list[ActorMention], taken: list[EventMention]
) -> list[EventMention]:
    lex = lexicon()
    out: list[EventMention] = []
    for m in lex.strike.finditer(sentence):
        start, end = m.start(), m.end()
        if _overlaps(start, end, [*taken, *out]) or not realis(sentence, start):
            continue
        if is_role(sentence, start, end):
            continue
        if lex.strike_not_after.search(sentence[max(0, start - 25) : start]):
            continue
        if m.group(0).casefold().startswith("raid") and lex.sub_events[S.ARRESTS].search(sentence):
            continue  # a raid that makes arrests is a ground operation, not an air raid
        window = sentence[max(0, start - _AIR_WINDOW) : end + _AIR_WINDOW]
        near = [a for a in actors if a.end >= start - _AIR_WINDOW and a.start <= end + _AIR_WINDOW]
        word = m.group(0).casefold()
        if lex.air_cues.search(window):
            sub = S.AIR_DRONE_STRIKE
        elif lex.ground_cues.search(window):
            sub = S.SHELLING
        elif any(a.info.actor_type in _STATE for a in near):
            sub = S.AIR_DRONE_STRIKE
        elif word.startswith("bomb"):
            sub = S.REMOTE_EXPLOSIVE
        else:
            continue
        out.append(EventMention(sub, start, end, "strike"))
    return out


def _has_object(sentence: str, start: int, end: int, places: list[PlaceMention]) -> bool:
    """Whether a capture verb governs a piece of territory (not people or weapons)."""
    lex = lexicon()
    after = re.split(r"[.;:]", sentence[end : end + _OBJECT_WINDOW])[0]
    after_words = " ".join(after.split()[:8])
    if lex.territory_objects.search(after_words):
        return True
    if any(end <= p.start <= end + len(after) for p in places):
        return True
    before = sentence[max(0, start - _OBJECT_WINDOW) : start]
    if _PASSIVE.search(before) or sentence[start:end].casefold().startswith("recapture"):
        tail = " ".join(before.split()[-10:])
        return lex.territory_objects.search(tail) is not None or any(
            start - _OBJECT_WINDOW <= p.start < start for p in places
        )
    return False


def _territory(
    sentence: str, places: list[PlaceMention], taken: list[EventMention]
) -> list[EventMention]:
    lex = lexicon()
    out: list[EventMention] = []
    for m in lex.territory.finditer(sentence):
        start, end = m.start(), m.end()
        if _overlaps(start, end, [*taken, *out]) or not realis(sentence, start):
            continue
        if is_role(sentence, start, end) or not _has_object(sentence, start, end, places):
            continue
        # sub-type decided once the sides are known (see `_territory_side`)
        out.append(EventMention(S.GOVERNMENT_REGAINS_TERRITORY, start, end, "territory"))
    return out


def _harm(
    sentence: str, actors: list[ActorMention], casualties: list[CasualtyClause]
) -> list[EventMention]:
    """Bare harm verbs with a named perpetrator: attack on civilians or armed clash."""
    lex = lexicon()
    armed = [a for a in actors if a.info.actor_type in _ARMED]
    if not armed:
        return []
    for m in lex.harm.finditer(sentence):
        if not realis(sentence, m.start()):
            continue
        victims = _victims(casualties, sentence)
        armed_targets = [a for a in armed if a.start > m.end()]
        if victims is VictimType.COMBATANTS or (armed_targets and len(armed) > 1):
            return [EventMention(S.ARMED_CLASH, m.start(), m.end(), "harm")]
        if victims in (VictimType.CIVILIANS, VictimType.UNKNOWN) and casualties:
            return [EventMention(S.ATTACK, m.start(), m.end(), "harm")]
        if victims is VictimType.CIVILIANS:
            return [EventMention(S.ATTACK, m.start(), m.end(), "harm")]
    return []


def assign_roles(sentence: str, event: EventMention, mentions: list[ActorMention]) -> None:
    """Fill `event.actor1` / `actor2` from syntax cues around each mention.

    "by X", "backed by X", "with help from X" and the trigger's own subject make X an
    initiator; "against Y", "on Y", "with Y", "from Y" (after a capture) make Y the target;
    coordinated names ("X and Y") share a side; civilians are always the target.
    """
    prev_end = 0
    prev_role = 0
    for m in sorted(mentions, key=lambda a: a.start):
        pre = sentence[prev_end : m.start]
        window = pre[-40:]
        if _NEUTRAL.search(window):
            prev_end = m.end
            continue  # "a town held by X": X describes the place, not a side
        if m.info.actor_type is ActorType.CIVILIANS:
            role = 2
        elif (m.start < event.end and event.start < m.end) or _BY.search(window):
            role = 1
        elif _AGAINST.search(window) or (event.kind == "territory" and _FROM.search(window)):
            role = 2
        elif prev_role and _COORD.fullmatch(pre):
            role = prev_role
        elif m.start >= event.end and event.actor1:
            role = 2
        else:
            role = 1
        side = event.actor1 if role == 1 else event.actor2
        if all(a.info.name != m.info.name for a in [*event.actor1, *event.actor2]):
            side.append(m)
        prev_end, prev_role = m.end, role


def _territory_side(event: EventMention) -> SubEventType | None:
    """Government regains territory when state forces take it, else a non-state actor."""
    types = {a.info.actor_type for a in event.actor1}
    if types & _STATE:
        return S.GOVERNMENT_REGAINS_TERRITORY
    if types & {ActorType(t) for t in lexicon().non_state_types}:
        return S.NON_STATE_OVERTAKES_TERRITORY
    return None


def sentence_events(
    sentence: str,
    actors: list[ActorMention],
    places: list[PlaceMention],
    casualties: list[CasualtyClause],
) -> list[EventMention]:
    """The events one sentence reports, each with its sides; [] for totals and opinions."""
    lex = lexicon()
    if lex.aggregate.search(sentence) or lex.stance.search(sentence):
        return []
    if lex.habitual.search(sentence):
        return []  # what a group usually does, or a tally over a period: no one event
    events = _specific(sentence, casualties)
    events += _strikes(sentence, actors, events)
    events += _territory(sentence, places, events)
    harm = [h for h in _harm(sentence, actors, casualties) if not _overlaps(h.start, h.end, events)]
    if not events or (
        # killings outrank an abduction or looting in the same attack (see precedence)
        harm
        and harm[0].sub_event_type is S.ATTACK
        and all(precedence_rank(e.sub_event_type) > precedence_rank(S.ATTACK) for e in events)
    ):
        events += harm
    events.sort(key=lambda e: e.start)
    # each actor mention belongs to the nearest trigger
    buckets: dict[int, list[ActorMention]] = {i: [] for i in range(len(events))}
    for a in actors:
        if not events:
            break
        nearest = min(
            range(len(events)),
            key=lambda i: (
                0
                if a.start < events[i].end and events[i].start < a.end
                else min(abs(a.start - events[i].end), abs(events[i].start - a.end))
            ),
        )
        buckets[nearest].append(a)
    out: list[EventMention] = []
    seen: dict[SubEventType, EventMention] = {}
    for i, event in enumerate(events):
        mentions = buckets[i] if len(events) > 1 else list(actors)
        assign_roles(sentence, event, mentions)
        if event.kind == "territory":
            sub = _territory_side(event)
            if sub is None:
                continue
            event.sub_event_type = sub
        first = seen.get(event.sub_event_type)
        if first is not None:  # one event per sub-type and sentence; pool its sides
            for side, more in ((first.actor1, event.actor1), (first.actor2, event.actor2)):
                side.extend(a for a in more if all(a.info.name != b.info.name for b in side))
            continue
        seen[event.sub_event_type] = event
        out.append(event)
    return one_per_incident(out, places)


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


def one_per_incident(events: list[EventMention], places: list[PlaceMention]) -> list[EventMention]:
    """Fold triggers that report the same incident into one event of the sub-type first in
    the lexicon's precedence (ACLED codes an incident once: an abduction during a killing
    spree is part of the Attack, a clash that ends in a capture is the capture)."""
    groups: list[list[EventMention]] = []
    for event in events:
        for group in groups:
            if all(_same_incident(event, g, places) for g in group):
                group.append(event)
                break
        else:
            groups.append([event])
    out: list[EventMention] = []
    for group in groups:
        head = min(group, key=lambda e: (precedence_rank(e.sub_event_type), e.start))
        for other in group:
            if other is head:
                continue
            for side, more in ((head.actor1, other.actor1), (head.actor2, other.actor2)):
                mine = {a.info.name for a in [*head.actor1, *head.actor2]}
                side.extend(a for a in more if a.info.name not in mine)
        out.append(head)
    return sorted(out, key=lambda e: e.start)
