"""Incidents across an article: repeated mentions of one incident become one event.

A headline, the lede and a later recap often report one incident. Mentions of the same
sub-event type or of one incident's types (a protest and the police's intervention in it,
an attack and the abductions in it), at the same place or a place inside the other, with
overlapping dates, are one event (a mention with no date must not give another death
toll: different tolls at one place are different incidents). The event is kept at its most
informative sentence, with the most specific place, the province and country a wider
mention gives it, a mention's own date and every side's names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_extract.models import DateRange
from llm_extract.normalize import fold, parse_count
from llm_extract.ontology import EventType, event_type_of
from llm_extract.rules.events import EventMention, precedence_rank
from llm_extract.rules.places import PlaceMention
from llm_extract.rules.sides import group_alike
from llm_extract.text import Sentence


@dataclass
class Found:
    """An event mention with the context (place, date, toll, sides) resolved for it."""

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


def _dates_overlap(a: DateRange, b: DateRange) -> bool:
    if a.start is None or b.start is None:
        return True
    return a.start <= (b.end or b.start) and b.start <= (a.end or a.start)


def _place_key(found: Found) -> str | None:
    if found.place is None:
        return None
    return fold(found.place.place.name if found.place.place else found.place.surface)


def _admin_key(found: Found) -> str | None:
    place = found.place.place if found.place else None
    admin = found.admin1 or (place.admin1 if place else None)
    return fold(admin) if admin else None


def _places_agree(a: Found, b: Found) -> bool:
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


def _province(found: Found) -> str | None:
    """The province a mention names, or the one its place lies in."""
    place = found.place.place if found.place else None
    return found.admin1 or (place.admin1 if place else None)


def _inside(narrow: Found, province: str) -> bool:
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


def _same_incident(a: Found, b: Found) -> bool:
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


def _dated(found: Found) -> bool:
    return found.date.start is not None


def _tolls_agree(a: Found, b: Found) -> bool:
    """A mention with no date is a recap only if it does not give another death toll
    (different tolls at one place are different incidents)."""
    if a.fatalities is None or b.fatalities is None:
        return True
    return parse_count(a.fatalities).best == parse_count(b.fatalities).best


ECHO_KINDS = frozenset({"anchor", "explosion"})
"""Trigger kinds that are events only by the parse's anchoring of a bare harm word ("the
attack on the consulate", "today's attacks") or an explosion named by itself: in an article
that reports violence with a stronger trigger they are recaps or statements about it."""
_VIOLENT = frozenset(
    {EventType.BATTLES, EventType.EXPLOSIONS, EventType.VIOLENCE_AGAINST_CIVILIANS}
)


def drop_echoes(found: list[Found]) -> list[Found]:
    """Without the weak mentions (`ECHO_KINDS`) when the article reports violence with a
    stronger trigger; a description or article with only weak mentions keeps them."""
    strong = [f for f in found if f.event.kind not in ECHO_KINDS]
    if not any(event_type_of(f.event.sub_event_type) in _VIOLENT for f in strong):
        return found
    return [f for f in found if f.event.kind not in ECHO_KINDS]


def merge_incidents(found: list[Found]) -> list[Found]:
    """One event per incident: the most informative mention, with every side's names
    (weak mentions dropped first where a stronger one reports violence: `drop_echoes`)."""
    out: list[Found] = []
    for group in group_alike(drop_echoes(found), _same_incident):
        best = max(group, key=Found.score)
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
