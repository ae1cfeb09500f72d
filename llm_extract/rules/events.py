"""Event triggers in one sentence, their ACLED sub-event type, and who is on which side.

The order of the checks follows ACLED's codebook: a specific weapon or act ("suicide
bomber", "shelling", "abducted") decides the sub-event type first; ambiguous strike words
("strikes", "raids") are air strikes when an aerial cue or a state military is near;
capture verbs need a territory object and take their sub-type from who captured it
(`rules.territory`); an explosion whose weapon no other trigger names is a remote
explosive; protests escalate with the response they met; bare harm verbs ("killed") are
an attack on civilians or a clash between armed groups depending on the victims, and
report an event by themselves only when the parse anchors them (`rules.harm`). Every
trigger passes `rules.screen` (said as fact, an act not a title); sentences about what
usually happens ("a string of attacks", "regularly") report none. One sentence reporting
one incident gives one event: its sub-type by the precedence in the lexicon data.
"""

from __future__ import annotations

from llm_extract.ontology import Outcome, SubEventType, VictimType
from llm_extract.rules.actors import ActorMention
from llm_extract.rules.casualties import CasualtyClause
from llm_extract.rules.harm import anchored, military_target
from llm_extract.rules.lexicon import lexicon
from llm_extract.rules.places import PlaceMention
from llm_extract.rules.roles import head_of
from llm_extract.rules.screen import Scene, is_role, overlaps, realis, usable
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
    EXPLOSION,
    HARM,
    STRIKE,
    attack_word,
    condemned_act,
    lemma_triggers,
    vetoed,
)
from llm_extract.rules.territory import territory_events, territory_side
from llm_extract.text import Parsed, parse_sentence

S = SubEventType
_HARMED = frozenset({Outcome.KILLED, Outcome.INJURED})
_PROTEST_FAMILY = frozenset({S.PEACEFUL_PROTEST, S.VIOLENT_DEMONSTRATION})
_EXPLOSIVE_FAMILY = frozenset(
    {S.AIR_DRONE_STRIKE, S.SHELLING, S.SUICIDE_BOMB, S.REMOTE_EXPLOSIVE, S.GRENADE,
     S.CHEMICAL_WEAPON, S.DISRUPTED_WEAPONS_USE}
)  # fmt: skip
"""Sub-types that already name the weapon of an explosion in the same sentence."""
_AIR_WINDOW = 50


def _protest_type(sentence: str) -> SubEventType:
    lex = lexicon()
    if lex.word("excessive_force").search(sentence):
        return S.EXCESSIVE_FORCE
    if lex.word("violent").search(sentence):
        return S.VIOLENT_DEMONSTRATION
    if lex.word("intervention").search(sentence):
        return S.PROTEST_WITH_INTERVENTION
    return S.PEACEFUL_PROTEST


def _victims(casualties: list[CasualtyClause], sentence: str) -> VictimType:
    kinds = {c.victim_type for c in casualties} - {VictimType.UNKNOWN}
    if len(kinds) == 1:
        return kinds.pop()
    if kinds:
        return VictimType.MIXED
    lex = lexicon()
    civilian = lex.word("civilian").search(sentence) is not None
    combatant = lex.word("combatant").search(sentence) is not None
    if civilian != combatant:
        return VictimType.CIVILIANS if civilian else VictimType.COMBATANTS
    return VictimType.UNKNOWN


def _specific(scene: Scene) -> list[EventMention]:
    sentence, casualties, parsed = scene.sentence, scene.casualties, scene.parsed
    lex = lexicon()
    out: list[EventMention] = []
    found = sorted(
        [
            *(
                (m.start(), m.end(), sub)
                for sub, regex in lex.sub_events.items()
                for m in regex.finditer(sentence)
            ),
            *((t.start, t.end, SubEventType(t.kind)) for t in scene.specific()),
        ],
        key=lambda f: (f[0], f[0] - f[1]),
    )
    protest = any(sub in _PROTEST_FAMILY for _, _, sub in found)
    for start, end, sub in found:
        if not usable(sentence, start, end, out) or vetoed(parsed, start):
            continue
        if sub in _PROTEST_FAMILY:
            if _attacked(parsed, start, end):
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


def _weapon_type(scene: Scene, start: int, end: int) -> SubEventType | None:
    """An aerial cue near a strike or explosion makes it an air strike, a ground-fire cue
    shelling; None when neither is near."""
    lex = lexicon()
    window = scene.sentence[max(0, start - _AIR_WINDOW) : end + _AIR_WINDOW]
    if lex.word("air_cues").search(window):
        return S.AIR_DRONE_STRIKE
    if lex.word("ground_cues").search(window):
        return S.SHELLING
    return None


def _strikes(scene: Scene, taken: list[EventMention]) -> list[EventMention]:
    sentence = scene.sentence
    lex = lexicon()
    out: list[EventMention] = []
    hits = [
        *((m.start(), m.end()) for m in lex.word("strike").finditer(sentence)),
        *((m.start(), m.end()) for m in lex.word("bare_hits").finditer(sentence)),
        *((t.start, t.end) for t in scene.triggers(STRIKE)),
    ]
    needs_cue = lex.raw["strike_words"]["needs_cue"]
    for start, end in sorted(set(hits)):
        if not usable(sentence, start, end, [*taken, *out]):
            continue
        if lex.ends("strike_not_after", sentence[max(0, start - 25) : start]):
            continue
        word = sentence[start:end].casefold()
        if word.startswith("raid") and lex.sub_events[S.ARRESTS].search(sentence):
            continue  # a raid that makes arrests is a ground operation, not an air raid
        near = [a for a in scene.actors if a.end >= start - _AIR_WINDOW]
        near = [a for a in near if a.start <= end + _AIR_WINDOW]
        sub = _weapon_type(scene, start, end)
        if sub is None and word in needs_cue:
            continue  # a bare hit is a strike only with an aerial or ground-fire cue
        if sub is None and any(a.info.actor_type in STATE for a in near):
            sub = S.AIR_DRONE_STRIKE
        elif sub is None and word.startswith("bomb"):
            sub = S.REMOTE_EXPLOSIVE
        if sub is not None:
            out.append(EventMention(sub, start, end, "strike"))
    return out


def _explosions(scene: Scene, taken: list[EventMention]) -> list[EventMention]:
    """An explosion no other trigger of the sentence gives a weapon: a remote explosive
    (ACLED's type for explosions of unnamed devices), or by a cue an air strike or shelling."""
    if any(e.sub_event_type in _EXPLOSIVE_FAMILY for e in taken):
        return []
    for t in scene.triggers(EXPLOSION):
        if usable(scene.sentence, t.start, t.end, taken):
            sub = _weapon_type(scene, t.start, t.end) or S.REMOTE_EXPLOSIVE
            # with another trigger in the sentence the explosion is that incident's weapon
            return [EventMention(sub, t.start, t.end, "blast" if taken else "explosion")]
    return []


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


def _harm(scene: Scene, condemned: bool = False) -> list[EventMention]:
    """Bare harm words with a named perpetrator, with a word for an assault and a killed
    or injured count ("gun attacks left seven people dead"), or anchored by the parse
    (`rules.harm`: "shot 16 peasants", "the August 10 attack on worshipers"): an attack
    on civilians, or an armed clash when the victims or the target are armed."""
    sentence, casualties, lemmas = scene.sentence, scene.casualties, scene.triggers(HARM)
    armed = [a for a in scene.actors if a.info.actor_type in ARMED]
    harmed = any(c.outcome in _HARMED and not c.aggregate for c in casualties)
    assault = attack_word(scene.parsed)
    held = [t for t in lemmas if anchored(scene.parsed, t)]
    if not armed and not held and not (assault and (harmed or condemned)):
        return []
    kind = "harm" if armed or (assault and (harmed or condemned)) else "anchor"
    hits = {(m.start(), m.end()) for m in lexicon().word("harm").finditer(sentence)}
    hits |= {(t.start, t.end) for t in lemmas}
    military = any(military_target(scene.parsed, t) for t in lemmas)
    for start, end in sorted(hits):
        if not realis(sentence, start):
            continue
        victims = _victims(casualties, sentence)
        armed_targets = [a for a in armed if a.start > end]
        if victims is VictimType.COMBATANTS or (armed_targets and len(armed) > 1) or military:
            return [EventMention(S.ARMED_CLASH, start, end, kind)]
        if victims in (VictimType.CIVILIANS, VictimType.UNKNOWN) and casualties:
            return [EventMention(S.ATTACK, start, end, kind)]
        if victims is VictimType.CIVILIANS or (condemned and victims is VictimType.UNKNOWN):
            return [EventMention(S.ATTACK, start, end, kind)]
        if held and victims is VictimType.UNKNOWN:  # an event by the anchoring alone
            return [EventMention(S.ATTACK, start, end, "anchor")]
    return []


def _nearest(
    actors: list[ActorMention], events: list[EventMention]
) -> dict[int, list[ActorMention]]:
    """Each actor mention with the trigger nearest to it (index into `events`)."""
    buckets: dict[int, list[ActorMention]] = {i: [] for i in range(len(events))}
    for a in actors if events else []:
        nearest = min(
            range(len(events)),
            key=lambda i: (
                0
                if a.start < events[i].end and events[i].start < a.end
                else min(abs(a.start - events[i].end), abs(events[i].start - a.end))
            ),
        )
        buckets[nearest].append(a)
    return buckets


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
    if lex.word("aggregate").search(sentence) or lex.word("habitual").search(sentence):
        return []  # a total, what a group usually does, or a tally over a period
    p = parsed if parsed is not None else parse_sentence(sentence)
    stance = lex.word("stance").search(sentence) is not None
    condemned = stance and condemned_act(p)
    # the act condemned is reported only where the sentence says where or what it did
    harmed = any(c.outcome in _HARMED and not c.aggregate for c in casualties)
    lemmas = lemma_triggers(p)
    harmed = harmed or any(t.kind == HARM and anchored(p, t) for t in lemmas)
    condemned = condemned and (harmed or any(not pl.relative for pl in places))
    if stance and not condemned:
        return []  # a view about events, not the report of one
    # a claim of responsibility names an act the article reports elsewhere, if anywhere
    claim = condemned and condemned_act(p, claims_only=True)
    scene = Scene(sentence, actors, places, casualties, p, lemmas)
    events = _specific(scene)
    events += _strikes(scene, events)
    events += territory_events(scene, events)
    events += _explosions(scene, events)
    harm = [h for h in _harm(scene, condemned) if not overlaps(h.start, h.end, events)]
    if not events or (
        # killings outrank an abduction or looting in the same attack (see precedence)
        harm
        and harm[0].sub_event_type is S.ATTACK
        and all(precedence_rank(e.sub_event_type) > precedence_rank(S.ATTACK) for e in events)
    ):
        events += harm
    events.sort(key=lambda e: e.start)
    buckets = _nearest(actors, events)  # each actor mention belongs to the nearest trigger
    out: list[EventMention] = []
    seen: dict[SubEventType, EventMention] = {}
    for i, event in enumerate(events):
        event.kind = "anchor" if claim and event.kind != "territory" else event.kind
        mentions = buckets[i] if len(events) > 1 else list(actors)
        assign_roles(sentence, event, mentions, p)
        if event.kind == "territory":
            sub = territory_side(event, p)
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
