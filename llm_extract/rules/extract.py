"""Whole-article rules: sentences -> event and casualty mentions -> one `Draft`.

The draft is the same one a model fills, so the shared assemble stage grounds and
normalises rule output exactly as it does a model's. Context carries across sentences
the way a reader carries it: a sentence with no place of its own ("raids in the area")
takes the last place the article named, and one with no date takes the last day-precise
date; but one whose only date is its report's ("..., the army said in a statement on
Monday") has no day of its own: it takes the date of the mention of the same incident it
recaps, if any, otherwise none (precision "unknown": the report's day only bounds it, and
FORMAT.md's rules give no reading for that). Repeated mentions of one incident
(headline, lede, later recap: same sub-event type or one incident's types, the same
place or a place inside the other, overlapping dates; a mention with no date must not
give another death toll) become one event, kept at its most informative sentence, with
the most specific place, the province and country a wider mention gives it, and a
mention's own date. The article's country (places, nationality words, named armed
groups' home countries) resolves small towns and generic actors; "the militants" is the
one armed group the article names, if it names exactly one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from llm_extract.draft import (
    MAX_NAME,
    MAX_NAMES,
    MAX_PHRASE,
    MAX_QUOTE,
    Draft,
    DraftActor,
    DraftCasualty,
    DraftEvent,
)
from llm_extract.models import DateRange
from llm_extract.normalize import actor_info, fold, parse_count, resolve_date
from llm_extract.ontology import ActorType, DatePrecision, EventType, Outcome, event_type_of
from llm_extract.rules.actors import (
    ActorMention,
    countries_named,
    is_background,
    is_source,
    named_groups,
    scan_actors,
)
from llm_extract.rules.casualties import CasualtyClause, find_casualties
from llm_extract.rules.dates import find_date_phrase, reporting_date_phrase
from llm_extract.rules.events import EventMention, precedence_rank, sentence_events
from llm_extract.rules.places import PlaceMention, best_place, province_in, scan_places
from llm_extract.text import Parsed, Sentence, parse

MAX_EVENTS = 8
MAX_CASUALTIES = 8
MAX_ACTORS = 12
"""The draft schema's bounds (made for grammar-constrained models) apply to rules too."""


@dataclass
class _Found:
    """An event mention with the context resolved for it."""

    sentence: Sentence
    event: EventMention
    place: PlaceMention | None
    own_place: bool
    admin1: str | None
    country: str | None
    date_text: str | None
    own_date: bool
    date: DateRange
    fatalities: str | None
    actor1: list[str] = field(default_factory=list)
    actor2: list[str] = field(default_factory=list)

    def score(self) -> tuple[int, int, int, int]:
        return (
            int(self.own_date) + int(self.own_place),
            int(self.fatalities is not None),
            len(self.actor1) + len(self.actor2),
            -self.sentence.start,
        )


_NON_STATE = frozenset(
    {ActorType.REBEL_GROUP, ActorType.POLITICAL_MILITIA, ActorType.IDENTITY_MILITIA}
)


def _named(surface: str) -> bool:
    """A proper name ("Boko Haram"), not a generic phrase ("The militants")."""
    words = surface.split()
    if words and words[0].casefold() in ("the", "a", "an"):
        words = words[1:]
    return any(w[:1].isupper() for w in words)


def _article_country(
    sentences: list[Sentence],
    places: dict[int, list[PlaceMention]],
    actors: dict[int, list[ActorMention]],
) -> str | None:
    """The country most places, nationality words and named armed groups point to.

    A non-state armed group fights at home (Boko Haram: Nigeria); state forces may be
    abroad, so only their nationality word counts, as any other."""
    votes: Counter[str] = Counter()
    for s in sentences:
        for p in places.get(s.start, []):
            if p.place is not None and p.place.country:
                votes[p.place.country] += 2
        votes.update(countries_named(s.text))
        for a in actors.get(s.start, []):
            if a.info.actor_type in _NON_STATE and a.info.country and _named(a.surface):
                votes[a.info.country] += 1
    return votes.most_common(1)[0][0] if votes else None


def _dates_overlap(a: DateRange, b: DateRange) -> bool:
    if a.start is None or b.start is None:
        return True
    return a.start <= (b.end or b.start) and b.start <= (a.end or a.start)


def _place_key(found: _Found) -> str | None:
    if found.place is None:
        return None
    return fold(found.place.place.name if found.place.place else found.place.surface)


def _admin_key(found: _Found) -> str | None:
    place = found.place.place if found.place else None
    admin = found.admin1 or (place.admin1 if place else None)
    return fold(admin) if admin else None


def _places_agree(a: _Found, b: _Found) -> bool:
    """The same place, or a province and a place the article puts in it ("a village in
    Borno state" and "Kwapagu village": a place of unknown province counts as inside)."""
    ka, kb = _place_key(a), _place_key(b)
    if ka is None or kb is None or ka == kb:
        return True
    for wide, narrow in ((a, b), (b, a)):
        if wide.place is not None and wide.place.rank >= 2 and narrow.place is not None:
            inner = _admin_key(narrow)
            if inner is None or inner == _place_key(wide):
                return True
    return False


def _province(found: _Found) -> str | None:
    """The province a mention names, or the one its place lies in."""
    place = found.place.place if found.place else None
    return found.admin1 or (place.admin1 if place else None)


def _inside(narrow: _Found, province: str) -> bool:
    """Whether `province` may hold `narrow`'s place (the gazetteer does not put it
    elsewhere), so a merged event keeps the province the lead named."""
    place = narrow.place.place if narrow.place else None
    if place is None or place.admin1 is None:
        return True
    a, b = fold(place.admin1), fold(province)
    return a == b or a in b or b in a


_INCIDENT_KIND = {
    EventType.BATTLES: "battle",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "violence against civilians",
    EventType.PROTESTS: "demonstration",
    EventType.RIOTS: "demonstration",
}
"""Event types whose sub-types can describe one incident across sentences."""


def _same_incident(a: _Found, b: _Found) -> bool:
    """Same place (or one inside the other), overlapping dates, and the same sub-type or
    two sub-types of one kind of incident (a protest and the police's intervention in it,
    an attack and the abductions in it)."""
    sa, sb = a.event.sub_event_type, b.event.sub_event_type
    kind = _INCIDENT_KIND.get(event_type_of(sa))
    if sa is not sb and (kind is None or kind != _INCIDENT_KIND.get(event_type_of(sb))):
        return False
    if not (_places_agree(a, b) and _dates_overlap(a.date, b.date)):
        return False
    return (_dated(a) and _dated(b)) or _tolls_agree(a, b)


def _dated(found: _Found) -> bool:
    return found.date.start is not None


def _tolls_agree(a: _Found, b: _Found) -> bool:
    """A mention with no date is a recap only if it does not give another death toll
    (different tolls at one place are different incidents)."""
    if a.fatalities is None or b.fatalities is None:
        return True
    return parse_count(a.fatalities).best == parse_count(b.fatalities).best


def _merge(found: list[_Found]) -> list[_Found]:
    """One event per incident: the most informative mention, with every side's names."""
    groups: list[list[_Found]] = []
    for f in found:
        for group in groups:
            if all(_same_incident(f, g) for g in group):
                group.append(f)
                break
        else:
            groups.append([f])
    out: list[_Found] = []
    for group in groups:
        best = max(group, key=_Found.score)
        best.event.sub_event_type = min(
            (g.event.sub_event_type for g in group), key=precedence_rank
        )
        placed = [g for g in group if g.own_place and g.place is not None]
        if placed:
            where = min(placed, key=lambda g: (g.place.rank if g.place else 9, -g.score()[0]))
            wider = [(p, g.country) for g in placed if (p := _province(g)) and _inside(where, p)]
            best.place, best.admin1, best.country = where.place, where.admin1, where.country
            if best.admin1 is None and wider:
                best.admin1, country = wider[0]
                best.country = best.country or country
        dated = [g for g in group if g.own_date]
        if not best.own_date and dated:
            best.date_text, best.date = dated[0].date_text, dated[0].date
        for other in group:
            for side, names in ((best.actor1, other.actor1), (best.actor2, other.actor2)):
                side.extend(n for n in names if n not in side and n not in best.actor1)
        out.append(best)
    return sorted(out, key=lambda f: f.sentence.start)


def _names(mentions: list[ActorMention]) -> list[str]:
    out: list[str] = []
    for m in mentions:
        if m.surface not in out:
            out.append(m.surface[:MAX_NAME])
    return out


def _fatalities(
    event: EventMention, events: list[EventMention], cas: list[CasualtyClause]
) -> str | None:
    """The killed-count phrase of a sentence, for the trigger nearest to it."""
    for c in cas:
        if c.outcome is not Outcome.KILLED or c.aggregate:
            continue
        nearest = min(events, key=lambda e: abs(e.start - c.trigger_start))
        if nearest is event:
            return c.count_text[:MAX_PHRASE]
    return None


@dataclass
class _Context:
    published: dt.date | None
    country: str | None
    last_place: PlaceMention | None = None
    last_admin1: str | None = None
    last_date: str | None = None

    def remember(
        self, sentence: Sentence, places: list[PlaceMention], date_text: str | None
    ) -> None:
        local = [p for p in places if p.rank < 3]
        if local:
            self.last_place = best_place(local, near=0)
            self.last_admin1 = province_in(sentence.text)
        if date_text and resolve_date(date_text, self.published).precision in (
            DatePrecision.DAY,
            DatePrecision.WEEK,
        ):
            self.last_date = date_text


_ARMED = frozenset(
    {
        ActorType.STATE_FORCES,
        ActorType.EXTERNAL_FORCES,
        ActorType.REBEL_GROUP,
        ActorType.POLITICAL_MILITIA,
        ActorType.IDENTITY_MILITIA,
    }
)


def _armed_group(canonical: str, actor_type: ActorType) -> bool:
    """Armed actors count as taking part wherever named; others only through an event."""
    return actor_type in _ARMED and not canonical.startswith("Government of")


def _draft_actors(
    mentions: dict[str, list[ActorMention]],
    events: list[DraftEvent],
    casualties: list[DraftCasualty],
    country: str | None,
) -> list[DraftActor]:
    """One entry per surface the events use, then armed groups named anywhere.

    Each entry carries the event country, so assemble resolves a generic surface
    ("soldiers", "the army") and a foreign force's type the way the scan did.
    """
    used = [n for e in events for n in [*e.actor1, *e.actor2]]
    used += [n for c in casualties for n in c.perpetrator]
    by_surface = {m.surface: m for ms in mentions.values() for m in ms}
    surfaces: list[str] = []
    canonicals: set[str] = set()
    for surface in dict.fromkeys(used):
        m = by_surface.get(surface)
        if m is None:
            continue
        if m.info.name not in canonicals or actor_info(surface) != m.info:
            surfaces.append(surface)  # assemble needs the country hint for this one
            canonicals.add(m.info.name)
    surfaces += [
        ms[0].surface
        for canonical, ms in mentions.items()
        if _armed_group(canonical, ms[0].info.actor_type)
        and all(m.surface not in surfaces for m in ms)
    ]
    out: list[DraftActor] = []
    for surface in surfaces:
        m = by_surface.get(surface)
        if m is None:
            continue
        hint = country if m.info.country is not None else None
        out.append(DraftActor(name=surface[:MAX_NAME], actor_type=m.info.actor_type, country=hint))
    return out[:MAX_ACTORS]


def _sole_group(mentions: list[ActorMention]) -> ActorMention | None:
    """The article's one named non-state armed group, if it names exactly one."""
    named = {
        m.info.name: m
        for m in mentions
        if m.info.actor_type in _NON_STATE
        and _named(m.surface)
        and not m.info.name.startswith(_UNIDENTIFIED)
    }
    return next(iter(named.values())) if len(named) == 1 else None


_UNIDENTIFIED = "Unidentified Armed Group"


def _corefer(sentence: str, mention: ActorMention, group: ActorMention | None) -> ActorMention:
    """ "The militants", "the gunmen": the group the article names, when it names one.

    Only definite phrases refer back; "gunmen abducted..." may be a new, unnamed group."""
    if group is None or not mention.info.name.startswith(_UNIDENTIFIED):
        return mention
    before = sentence[max(0, mention.start - 4) : mention.start].casefold()
    if not (mention.surface.casefold().startswith("the ") or before.endswith("the ")):
        return mention
    return ActorMention(group.surface, mention.start, mention.end, group.info)


def _clip(text: str) -> str:
    """Evidence within the schema's bound: a prefix of the sentence is still verbatim."""
    if len(text) <= MAX_QUOTE:
        return text
    cut = text[:MAX_QUOTE]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def build_draft(text: str, published: dt.date | None = None) -> Draft:
    """Read events, casualties and actors from an article with rules alone."""
    sentences: list[Sentence] = []
    parsed: dict[int, Parsed] = {}
    seen_text: set[str] = set()
    for p in parse(text):
        s = p.sentence
        key = fold(s.text)
        if key not in seen_text:
            seen_text.add(key)
            sentences.append(s)
            parsed[s.start] = p
    actors = {s.start: scan_actors(s.text) for s in sentences}
    excluded = {s.start: [(a.start, a.end) for a in actors[s.start]] for s in sentences}
    places = {s.start: scan_places(s.text, exclude=excluded[s.start]) for s in sentences}
    country = _article_country(sentences, places, actors)
    if country:  # again, with the article's country: its small towns count ("raided Gwoza")
        places = {
            s.start: scan_places(s.text, exclude=excluded[s.start], countries=(country,))
            for s in sentences
        }
    scanned = {
        s.start: [m for m in scan_actors(s.text, country=country) if not is_background(s.text, m)]
        for s in sentences
    }
    for s in sentences:  # armed groups the table does not know, from the parse
        unknown = named_groups(parsed[s.start], scanned[s.start])
        scanned[s.start] = sorted([*scanned[s.start], *unknown], key=lambda m: m.start)
    group = _sole_group([m for s in sentences if not s.headline for m in scanned[s.start]])
    ctx = _Context(published=published, country=country)
    first_date = next(
        (d for s in sentences if not s.headline and (d := find_date_phrase(s.text))), None
    )
    found: list[_Found] = []
    casualties: list[DraftCasualty] = []
    all_actors: dict[str, list[ActorMention]] = {}
    for s in sentences:
        mentions = [_corefer(s.text, m, group) for m in scanned[s.start]]
        s_places = places[s.start]
        date_text = find_date_phrase(s.text)
        stated = date_text is None and reporting_date_phrase(s.text) is not None
        if not s.headline:
            for m in mentions:
                all_actors.setdefault(m.info.name, []).append(m)
            cas = find_casualties(s.text)
            sides = [m for m in mentions if not is_source(s.text, m)]
            events = sentence_events(s.text, sides, s_places, cas, parsed[s.start])
            for e in events:
                own = best_place(s_places, near=e.start)
                place = own or ctx.last_place
                own_date = date_text is not None
                d_text = date_text or (None if stated else ctx.last_date or first_date)
                found.append(
                    _Found(
                        sentence=s,
                        event=e,
                        place=place,
                        own_place=own is not None,
                        admin1=province_in(s.text) if own else ctx.last_admin1,
                        country=(place.place.country if place and place.place else None) or country,
                        date_text=d_text,
                        own_date=own_date,
                        date=resolve_date(d_text, published),
                        fatalities=_fatalities(e, events, cas),
                        actor1=_names(e.actor1),
                        actor2=_names(e.actor2),
                    )
                )
            for c in cas:
                perpetrators: list[str] = []
                if events:
                    nearest = min(events, key=lambda ev: abs(ev.start - c.trigger_start))
                    perpetrators = _names(nearest.actor1)
                casualties.append(
                    DraftCasualty(
                        evidence=_clip(s.text),
                        outcome=c.outcome,
                        count_text=c.count_text[:MAX_PHRASE],
                        victim_type=c.victim_type,
                        perpetrator=perpetrators[:MAX_NAMES],
                    )
                )
        ctx.remember(s, s_places, date_text)
    merged = _merge(found)
    draft_events = [
        DraftEvent(
            evidence=_clip(f.sentence.text),
            sub_event_type=f.event.sub_event_type,
            date_text=f.date_text[:MAX_PHRASE] if f.date_text else None,
            location=f.place.surface[:MAX_NAME] if f.place else None,
            admin1=f.admin1[:MAX_NAME] if f.admin1 else None,
            country=f.country[:MAX_PHRASE] if f.country else None,
            actor1=f.actor1[:MAX_NAMES],
            actor2=f.actor2[:MAX_NAMES],
            fatalities_text=f.fatalities,
        )
        for f in merged
    ]
    unique_cas: dict[tuple[Outcome, str], DraftCasualty] = {}
    for dc in casualties:
        unique_cas.setdefault((dc.outcome, fold(dc.count_text)), dc)
    kept_actors = _draft_actors(all_actors, draft_events, list(unique_cas.values()), country)
    return Draft(
        actors=kept_actors[:MAX_ACTORS],
        events=draft_events[:MAX_EVENTS],
        casualties=list(unique_cas.values())[:MAX_CASUALTIES],
    )
