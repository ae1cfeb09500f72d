"""Whole-article rules: sentences -> event and casualty mentions -> one `Draft`.

The draft is the same one a model fills, so the shared assemble stage grounds and
normalises rule output exactly as it does a model's. Context carries across sentences
the way a reader carries it: a sentence with no place of its own ("raids in the area")
takes the last place the article named, and one with no date takes the last day-precise
date; but one whose only date is its report's ("..., the army said in a statement on
Monday") has no day of its own: it takes the date of the mention of the same incident it
recaps, if any, otherwise none (precision "unknown": the report's day only bounds it, and
FORMAT.md's rules give no reading for that). Repeated mentions of one incident become
one event (`incidents`); the article's country, coreference and actor list are
`article_actors`'s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llm_extract.draft import (
    MAX_NAME,
    MAX_NAMES,
    MAX_PHRASE,
    MAX_QUOTE,
    Draft,
    DraftCasualty,
    DraftEvent,
)
from llm_extract.normalize import Gazetteer, fold, resolve_date
from llm_extract.normalize.layered import resolve
from llm_extract.ontology import DatePrecision, Outcome
from llm_extract.rules.actors import (
    ActorMention,
    is_background,
    is_source,
    named_groups,
    scan_actors,
)
from llm_extract.rules.article_actors import (
    MAX_ACTORS,
    article_country,
    corefer,
    draft_actors,
    sole_group,
)
from llm_extract.rules.casualties import CasualtyClause, find_casualties
from llm_extract.rules.dates import find_date_phrase, reporting_date_phrase
from llm_extract.rules.defined_groups import defined_groups, with_defined
from llm_extract.rules.events import EventMention, sentence_events
from llm_extract.rules.incidents import Found, merge_incidents
from llm_extract.rules.places import PlaceMention, best_place, province_in, scan_places
from llm_extract.text import Parsed, Sentence, parse

MAX_EVENTS = 8
MAX_CASUALTIES = 8
"""The draft schema's bounds (made for grammar-constrained models) apply to rules too."""


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
    gazetteer: Gazetteer
    last_place: PlaceMention | None = None
    last_admin1: str | None = None
    last_date: str | None = None

    def remember(
        self, sentence: Sentence, places: list[PlaceMention], date_text: str | None
    ) -> None:
        local = [p for p in places if p.rank < 3]
        if local:
            self.last_place = best_place(local, near=0)
            self.last_admin1 = province_in(sentence.text, self.gazetteer)
        if date_text and resolve_date(date_text, self.published).precision in (
            DatePrecision.DAY,
            DatePrecision.WEEK,
        ):
            self.last_date = date_text


def _clip(text: str) -> str:
    """Evidence within the schema's bound: a prefix of the sentence is still verbatim."""
    if len(text) <= MAX_QUOTE:
        return text
    cut = text[:MAX_QUOTE]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def build_draft(
    text: str, published: dt.date | None = None, *, gazetteer: Gazetteer | None = None
) -> Draft:
    """Read events, casualties and actors from an article with rules alone; places are
    looked up in `gazetteer` (None: the process's choice)."""
    g = resolve(gazetteer)
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
    actors = {s.start: scan_actors(s.text, gazetteer=g) for s in sentences}
    excluded = {s.start: [(a.start, a.end) for a in actors[s.start]] for s in sentences}
    places = {
        s.start: scan_places(s.text, exclude=excluded[s.start], gazetteer=g) for s in sentences
    }
    country = article_country(sentences, places, actors)
    if country:  # again, with the article's country: its small towns count ("raided Gwoza")
        places = {
            s.start: scan_places(
                s.text, exclude=excluded[s.start], countries=(country,), gazetteer=g
            )
            for s in sentences
        }
    scanned = {
        s.start: [
            m
            for m in scan_actors(s.text, country=country, gazetteer=g)
            if not is_background(s.text, m)
        ]
        for s in sentences
    }
    for s in sentences:  # armed groups the table does not know, from the parse
        unknown = named_groups(parsed[s.start], scanned[s.start])
        scanned[s.start] = sorted([*scanned[s.start], *unknown], key=lambda m: m.start)
    groups = defined_groups([parsed[s.start] for s in sentences], country)
    for s in sentences:  # groups the article defines: "the X liberation front (XLF)"
        scanned[s.start] = with_defined(scanned[s.start], parsed[s.start], groups)
    group = sole_group([m for s in sentences if not s.headline for m in scanned[s.start]])
    ctx = _Context(published=published, country=country, gazetteer=g)
    first_date = next(
        (d for s in sentences if not s.headline and (d := find_date_phrase(s.text))), None
    )
    found: list[Found] = []
    casualties: list[DraftCasualty] = []
    all_actors: dict[str, list[ActorMention]] = {}
    for s in sentences:
        mentions = [corefer(s.text, m, group) for m in scanned[s.start]]
        s_places = places[s.start]
        date_text = find_date_phrase(s.text)
        stated = date_text is None and reporting_date_phrase(s.text) is not None
        if not s.headline:
            for m in mentions:
                all_actors.setdefault(m.info.name, []).append(m)
            cas = find_casualties(s.text, parsed[s.start])
            sides = [m for m in mentions if not is_source(s.text, m)]
            events = sentence_events(s.text, sides, s_places, cas, parsed[s.start])
            for e in events:
                own = best_place(s_places, near=e.start)
                place = own or ctx.last_place
                own_date = date_text is not None
                d_text = date_text or (None if stated else ctx.last_date or first_date)
                found.append(
                    Found(
                        sentence=s,
                        event=e,
                        place=place,
                        own_place=own is not None,
                        admin1=province_in(s.text, g) if own else ctx.last_admin1,
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
    merged = merge_incidents(found)
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
    kept_actors = draft_actors(all_actors, draft_events, list(unique_cas.values()), country)
    return Draft(
        actors=kept_actors[:MAX_ACTORS],
        events=draft_events[:MAX_EVENTS],
        casualties=list(unique_cas.values())[:MAX_CASUALTIES],
    )
