"""The article's actors: its country, coreference of "the militants", the draft's list.

The article's country (places, nationality words, named armed groups' home countries)
resolves small towns and generic actors; "the militants" is the one armed group the
article names, if it names exactly one; the draft lists every actor the events use, then
armed groups named anywhere (they take part wherever named).
"""

from __future__ import annotations

from collections import Counter

from llm_extract.draft import MAX_NAME, DraftActor, DraftCasualty, DraftEvent
from llm_extract.normalize import actor_info
from llm_extract.ontology import ActorType
from llm_extract.rules.actors import ActorMention, countries_named
from llm_extract.rules.places import PlaceMention
from llm_extract.text import Sentence

MAX_ACTORS = 12

_NON_STATE = frozenset(
    {ActorType.REBEL_GROUP, ActorType.POLITICAL_MILITIA, ActorType.IDENTITY_MILITIA}
)


def is_named(surface: str) -> bool:
    """A proper name ("Boko Haram"), not a generic phrase ("The militants")."""
    words = surface.split()
    if words and words[0].casefold() in ("the", "a", "an"):
        words = words[1:]
    return any(w[:1].isupper() for w in words)


def article_country(
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
            if a.info.actor_type in _NON_STATE and a.info.country and is_named(a.surface):
                votes[a.info.country] += 1
    return votes.most_common(1)[0][0] if votes else None


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


def draft_actors(
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


def sole_group(mentions: list[ActorMention]) -> ActorMention | None:
    """The article's one named non-state armed group, if it names exactly one."""
    named = {
        m.info.name: m
        for m in mentions
        if m.info.actor_type in _NON_STATE
        and is_named(m.surface)
        and not m.info.name.startswith(_UNIDENTIFIED)
    }
    return next(iter(named.values())) if len(named) == 1 else None


_UNIDENTIFIED = "Unidentified Armed Group"


def corefer(sentence: str, mention: ActorMention, group: ActorMention | None) -> ActorMention:
    """ "The militants", "the gunmen": the group the article names, when it names one.

    Only definite phrases refer back; "gunmen abducted..." may be a new, unnamed group."""
    if group is None or not mention.info.name.startswith(_UNIDENTIFIED):
        return mention
    before = sentence[max(0, mention.start - 4) : mention.start].casefold()
    if not (mention.surface.casefold().startswith("the ") or before.endswith("the ")):
        return mention
    return ActorMention(group.surface, mention.start, mention.end, group.info)
