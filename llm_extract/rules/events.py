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

from llm_extract.ontology import ActorType, Outcome, SubEventType, VictimType
from llm_extract.rules.actors import ActorMention
from llm_extract.rules.casualties import CasualtyClause
from llm_extract.rules.lexicon import lexicon
from llm_extract.rules.places import PlaceMention
from llm_extract.rules.roles import head_of
from llm_extract.rules.sides import (
    ARMED,
    STATE,
    EventMention,
    assign_roles,
    one_per_incident,
    pool,
    precedence_rank,
)
from llm_extract.rules.syntax import (
    HARM,
    STRIKE,
    Trigger,
    attack_word,
    condemned_act,
    lemma_triggers,
    vetoed,
)
from llm_extract.text import Parsed, parse_sentence

S = SubEventType
_HARMED = frozenset({Outcome.KILLED, Outcome.INJURED})
_NEEDS_CUE = frozenset(
    {"struck", "hit", "hits", "strike", "target", "targeted", "targets", "raided", "raiding"}
)
"""Verbs that are a strike only next to an aerial or ground-fire cue (police "raided" homes)."""
_STATE = STATE
_ARMED = ARMED
_PASSIVE = re.compile(r"\b(?:were|was|been|being|be|are|is)\s+$", re.IGNORECASE)
_PROTEST_FAMILY = frozenset({S.PEACEFUL_PROTEST, S.VIOLENT_DEMONSTRATION})
_HIT = re.compile(r"\b(?:struck|hit)\b", re.IGNORECASE)
"""Verbs that report a strike only next to an aerial or ground-fire word ("drones struck a
camp"; not "a roadside bomb hit a vehicle", which its weapon word already reports)."""
_AIR_WINDOW = 50
_OBJECT_WINDOW = 70


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


def _specific(
    sentence: str,
    casualties: list[CasualtyClause],
    lemmas: list[Trigger],
    parsed: Parsed | None = None,
) -> list[EventMention]:
    lex = lexicon()
    out: list[EventMention] = []
    found = sorted(
        [
            *(
                (m.start(), m.end(), sub)
                for sub, regex in lex.sub_events.items()
                for m in regex.finditer(sentence)
            ),
            *((t.start, t.end, SubEventType(t.kind)) for t in lemmas),
        ],
        key=lambda f: (f[0], f[0] - f[1]),
    )
    protest = any(sub in _PROTEST_FAMILY for _, _, sub in found)
    for start, end, sub in found:
        if _overlaps(start, end, out) or not realis(sentence, start):
            continue
        if is_role(sentence, start, end) or (parsed is not None and vetoed(parsed, start)):
            continue
        if sub in _PROTEST_FAMILY:
            if parsed is not None and _attacked(parsed, start, end):
                continue  # "the bombing of the election rally": the rally is the target
            sub = _protest_type(sentence) if sub is S.PEACEFUL_PROTEST else sub
        elif sub is S.ARRESTS and protest:
            continue  # arrests at a protest are the police's intervention in it
        elif sub is S.ATTACK and _victims(casualties, sentence) is VictimType.COMBATANTS:
            sub = S.ARMED_CLASH
        elif (
            sub is S.ARMED_CLASH
            and sentence[start:end].casefold().startswith("ambush")
            and _victims(casualties, sentence) is VictimType.CIVILIANS
        ):
            sub = S.ATTACK  # an ambush on civilians (a bus, travellers) is an attack on them
        out.append(EventMention(sub, start, end, "specific"))
    return out


def _strikes(
    sentence: str, actors: list[ActorMention], taken: list[EventMention], lemmas: list[Trigger]
) -> list[EventMention]:
    lex = lexicon()
    out: list[EventMention] = []
    hits = [
        *((m.start(), m.end()) for m in lex.strike.finditer(sentence)),
        *((m.start(), m.end()) for m in _HIT.finditer(sentence)),
        *((t.start, t.end) for t in lemmas),
    ]
    for start, end in sorted(set(hits)):
        if _overlaps(start, end, [*taken, *out]) or not realis(sentence, start):
            continue
        if is_role(sentence, start, end):
            continue
        if lex.strike_not_after.search(sentence[max(0, start - 25) : start]):
            continue
        word = sentence[start:end].casefold()
        if word.startswith("raid") and lex.sub_events[S.ARRESTS].search(sentence):
            continue  # a raid that makes arrests is a ground operation, not an air raid
        window = sentence[max(0, start - _AIR_WINDOW) : end + _AIR_WINDOW]
        near = [a for a in actors if a.end >= start - _AIR_WINDOW and a.start <= end + _AIR_WINDOW]
        if lex.air_cues.search(window):
            sub = S.AIR_DRONE_STRIKE
        elif lex.ground_cues.search(window):
            sub = S.SHELLING
        elif word in _NEEDS_CUE:
            continue  # a bare hit is a strike only with an aerial or ground-fire cue
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


def _attacked(parsed: Parsed, start: int, end: int) -> bool:
    """A gathering that is the object of an attack ("the bombing of a rally", "an attack
    on protesters"): ACLED codes the attack, the gathering is its target."""
    token = head_of(parsed, start, end)
    if token is None or token.dep_ != "pobj":
        return False
    prep = token.head
    act = prep.head
    words = lexicon().raw["lemmas"]
    acts = {*words["strike"]["NOUN"], *words["harm"]["NOUN"], *words["strike"]["VERB"]}
    acts |= set(words["harm"]["VERB"])
    return str(prep.lemma_) in ("of", "on", "against") and str(act.lemma_).casefold() in acts


def _takes_no_territory(parsed: Parsed, start: int, end: int) -> bool:
    """The capture verb's direct object is no territory ("seized power", "seized arms")."""
    verb = head_of(parsed, start, end)
    if verb is None:
        return False
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    if verb.dep_ in ("amod", "acl") and verb.head is not verb:
        objects.append(verb.head)  # the parse reads "seized power" as a modifier now and then
    stop = set(lexicon().raw["territory"]["not_objects"])
    return any(str(o.lemma_).casefold() in stop for o in objects)


def _territory(
    sentence: str,
    places: list[PlaceMention],
    taken: list[EventMention],
    parsed: Parsed | None = None,
) -> list[EventMention]:
    lex = lexicon()
    out: list[EventMention] = []
    for m in lex.territory.finditer(sentence):
        start, end = m.start(), m.end()
        if _overlaps(start, end, [*taken, *out]) or not realis(sentence, start):
            continue
        if is_role(sentence, start, end) or not _has_object(sentence, start, end, places):
            continue
        if parsed is not None and _takes_no_territory(parsed, start, end):
            continue
        # sub-type decided once the sides are known (see `_territory_side`)
        out.append(EventMention(S.GOVERNMENT_REGAINS_TERRITORY, start, end, "territory"))
    return out


def _harm(
    sentence: str,
    actors: list[ActorMention],
    casualties: list[CasualtyClause],
    lemmas: list[Trigger],
    assault: bool,
    condemned: bool = False,
) -> list[EventMention]:
    """Bare harm verbs with a named perpetrator, or with a word for an assault and a
    killed or injured count ("gun attacks left seven people dead"): attack on civilians
    or armed clash."""
    lex = lexicon()
    armed = [a for a in actors if a.info.actor_type in _ARMED]
    harmed = any(c.outcome in _HARMED and not c.aggregate for c in casualties)
    if not armed and not (assault and (harmed or condemned)):
        return []
    hits = {(m.start(), m.end()) for m in lex.harm.finditer(sentence)}
    hits |= {(t.start, t.end) for t in lemmas}
    for start, end in sorted(hits):
        if not realis(sentence, start):
            continue
        victims = _victims(casualties, sentence)
        armed_targets = [a for a in armed if a.start > end]
        if victims is VictimType.COMBATANTS or (armed_targets and len(armed) > 1):
            return [EventMention(S.ARMED_CLASH, start, end, "harm")]
        if victims in (VictimType.CIVILIANS, VictimType.UNKNOWN) and casualties:
            return [EventMention(S.ATTACK, start, end, "harm")]
        if victims is VictimType.CIVILIANS or (condemned and victims is VictimType.UNKNOWN):
            return [EventMention(S.ATTACK, start, end, "harm")]
    return []


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
    parsed: Parsed | None = None,
) -> list[EventMention]:
    """The events one sentence reports, each with its sides; [] for totals and opinions.

    `parsed` is the sentence's analysis from the text layer (parsed here when not given):
    triggers are found by lemma and syntax as well as by the lexicons' patterns."""
    lex = lexicon()
    if lex.aggregate.search(sentence) or lex.habitual.search(sentence):
        return []  # a total, what a group usually does, or a tally over a period
    p = parsed if parsed is not None else parse_sentence(sentence)
    condemned = bool(lex.stance.search(sentence) and condemned_act(p))
    # the act condemned is reported only where the sentence says where or what it did
    harmed = any(c.outcome in _HARMED and not c.aggregate for c in casualties)
    condemned = condemned and (harmed or any(not pl.relative for pl in places))
    if lex.stance.search(sentence) and not condemned:
        return []  # a view about events, not the report of one
    lemmas = lemma_triggers(p)
    specific = [t for t in lemmas if t.kind not in (STRIKE, HARM)]
    events = _specific(sentence, casualties, specific, p)
    events += _strikes(sentence, actors, events, [t for t in lemmas if t.kind == STRIKE])
    events += _territory(sentence, places, events, p)
    harm_words = [t for t in lemmas if t.kind == HARM]
    harm = [
        h
        for h in _harm(sentence, actors, casualties, harm_words, attack_word(p), condemned)
        if not _overlaps(h.start, h.end, events)
    ]
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
        assign_roles(sentence, event, mentions, p)
        if event.kind == "territory":
            sub = _territory_side(event)
            if sub is None:
                continue
            event.sub_event_type = sub
        first = seen.get(event.sub_event_type)
        if first is not None:  # one event per sub-type and sentence; pool its sides
            pool(first, event)
            continue
        seen[event.sub_event_type] = event
        out.append(event)
    return one_per_incident(out, places)


__all__ = [
    "EventMention",
    "assign_roles",
    "is_role",
    "one_per_incident",
    "precedence_rank",
    "realis",
    "sentence_events",
]
