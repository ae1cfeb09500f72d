"""Assemble stage: a model's draft becomes grounded, normalised records.

Code, not the model, sets every value it can read better: ids, the event type (from the
sub-event type), low/best/high (from the count phrase), dates (from the date expression
and the publication date), canonical actor names and types (alias table), place names and
provinces (gazetteer and the article's own words). Every quote is aligned to the article;
what cannot be found there is dropped, or kept and flagged when `keep_ungrounded` is set.
Each change is recorded as a `Normalisation` so a user can see what code did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel

from llm_extract.draft import Draft, DraftActor, DraftCasualty, DraftEvent, main_country
from llm_extract.grounding import align_salvage, find_mention
from llm_extract.models import (
    Actor,
    AlignmentStatus,
    Casualty,
    Count,
    Document,
    Event,
    Normalisation,
    Span,
    VictimGroup,
)
from llm_extract.normalize import (
    Gazetteer,
    actor_info,
    count_supported,
    find_count_phrase,
    fold,
    normalize_location,
    parse_count,
    resolve_date,
    victim_groups,
)
from llm_extract.ontology import ActorType, event_type_of
from llm_extract.records import Extras, Records, take_extras

UNGROUNDED = "ungrounded"


@dataclass
class Assembly:
    """Records plus the account of what code changed or dropped."""

    document: Document
    normalisations: list[Normalisation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped: int = 0


@dataclass
class _Context:
    text: str
    published: dt.date | None
    keep_ungrounded: bool
    out: Assembly
    event_country: str | None = None  # where most of the draft's events happen
    actors: dict[str, Actor] = field(default_factory=dict)  # canonical key -> actor
    by_surface: dict[str, str] = field(default_factory=dict)  # folded surface -> actor id
    records: Records = field(default_factory=Records)  # the user's classes, if any
    gazetteer: Gazetteer | None = None  # None: the process's choice

    def extras(self, slot: str, item: BaseModel | None, path: str) -> Extras:
        """The user's added fields carried by a draft item, grounded (see records.py)."""
        if self.records.is_default:
            return Extras()
        return take_extras(
            self.records,
            slot,
            item,
            self.text,
            keep=self.keep_ungrounded,
            path=path,
        )

    def settle(self, extras: Extras) -> None:
        """Account for what reading the added fields did."""
        self.out.warnings.extend(extras.warnings)
        for path, quote, found in extras.aligned:
            self.note(path, quote, found, "evidence aligned")

    def note(self, path: str, original: object, value: object, rule: str) -> None:
        if original != value:
            self.out.normalisations.append(
                Normalisation(path=path, original=original, value=value, rule=rule)
            )

    def ground(self, quote: str) -> Span:
        return align_salvage(quote, self.text)


def _grounded_quote(ctx: _Context, span: Span, quote: str, path: str) -> str:
    """The article's own words for a quote the model may have retyped."""
    if span.start is None or span.end is None:
        return quote
    found = ctx.text[span.start : span.end]
    ctx.note(path, quote, found, f"evidence aligned ({span.status.value})")
    return found


def _ground_or_drop(ctx: _Context, quote: str, path: str) -> tuple[Span, str, list[str]] | None:
    """Align a record's quote: its span, the article's own words, and its flags; or None
    (counted and reported) when it is not in the article and ungrounded records go."""
    span = ctx.ground(quote)
    if span.status is not AlignmentStatus.NOT_FOUND:
        return span, _grounded_quote(ctx, span, quote, f"{path}.evidence"), []
    if not ctx.keep_ungrounded:
        ctx.out.dropped += 1
        ctx.out.warnings.append(f"dropped {path}: evidence not found in the article")
        return None
    return span, quote, [UNGROUNDED]


D = TypeVar("D", DraftEvent, DraftCasualty)


def _grounded(
    ctx: _Context, kind: str, drafts: Sequence[D]
) -> Iterator[tuple[int, str, D, tuple[Span, str, list[str]]]]:
    """Each draft record of a kind with its index, path and grounding; one whose quote is
    not in the article is left out (counted and reported by `_ground_or_drop`)."""
    for i, record in enumerate(drafts):
        path = f"{kind}[{i}]"
        grounded = _ground_or_drop(ctx, record.evidence, path)
        if grounded is not None:
            yield i, path, record, grounded


def _actor_id(ctx: _Context, name: str, hint: DraftActor | None = None) -> str | None:
    """Resolve a surface name to an actor id, creating the actor on first sight."""
    surface = name.strip()
    if not surface:
        return None
    key = fold(surface)
    if key in ctx.by_surface:
        return ctx.by_surface[key]
    country = hint.country if hint else None
    # Resolve against where the events happen: Russian forces in Syria are external forces.
    info = actor_info(surface, country=ctx.event_country or country)
    canonical = info.name if info else surface
    span = find_mention(surface, ctx.text)
    if span.status is AlignmentStatus.NOT_FOUND and not ctx.keep_ungrounded:
        ctx.out.dropped += 1
        ctx.out.warnings.append(f"dropped actor {surface!r}: not named in the article")
        ctx.by_surface[key] = ""
        return None
    ckey = fold(canonical)
    actor = ctx.actors.get(ckey)
    if actor is None:
        actor_type = hint.actor_type if hint else ActorType.OTHER
        if info is not None:
            ctx.note(
                f"actors[{canonical}].actor_type",
                actor_type.value,
                info.actor_type.value,
                "alias table",
            )
            actor_type = info.actor_type
        extras = ctx.extras("actor", hint, f"actors[{surface}]")
        actor = extras.build(
            ctx.records.actor,
            f"actors[{surface}]",
            id=f"a{len(ctx.actors) + 1}",
            name=canonical,
            actor_type=actor_type,
            country=(info.country if info and info.country else country),
        )
        ctx.settle(extras)
        ctx.actors[ckey] = actor
        ctx.note(f"{actor.id}.name", surface, canonical, "alias table")
    if surface not in actor.mentions:
        actor.mentions.append(surface)
        actor.spans.append(span.model_copy(update={"quote": surface}))
    if span.status is AlignmentStatus.NOT_FOUND and UNGROUNDED not in actor.flags:
        actor.flags.append(UNGROUNDED)
    ctx.by_surface[key] = actor.id
    return actor.id


def _ids(ctx: _Context, names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        actor_id = _actor_id(ctx, name)
        if actor_id and actor_id not in out:
            out.append(actor_id)
    return out


def _count(ctx: _Context, phrase: str | None, evidence: str, path: str) -> Count | None:
    """Read a figure from its phrase; if the quote does not support it, read the quote."""
    if phrase:
        count = parse_count(phrase)
        if count.best is None or count_supported(count, evidence):
            return count
        ctx.out.warnings.append(f"{path}: {phrase!r} not supported by its evidence")
    found = find_count_phrase(evidence)
    if found is None:
        return parse_count(phrase) if phrase else None
    count = parse_count(found)
    ctx.note(path, phrase, found, "count read from evidence")
    return count


def _events(ctx: _Context, draft: Draft, extra_flags: dict[int, list[str]]) -> list[Event]:
    events: list[Event] = []
    seen: set[tuple[object, ...]] = set()
    for i, path, de, (span, evidence, flags) in _grounded(ctx, "events", draft.events):
        flags = [*extra_flags.get(i, []), *flags]
        location = normalize_location(de.location, ctx.text, ctx.gazetteer)
        if de.admin1 and not location.admin1:
            location.admin1 = de.admin1
        if de.country and not location.country:
            location.country = de.country
        ctx.note(f"{path}.location", de.location, location.name, "gazetteer")
        if (
            location.name
            and find_mention(location.name, ctx.text).status is AlignmentStatus.NOT_FOUND
        ):
            if not ctx.keep_ungrounded:
                ctx.out.warnings.append(f"{path}: location {location.name!r} not in the article")
                location = location.model_copy(update={"name": None})
            else:
                flags.append("location_not_in_text")
        date = resolve_date(de.date_text, ctx.published)
        key = (de.sub_event_type, span.start, span.end, location.name, date.start)
        if key in seen:
            ctx.out.warnings.append(f"{path}: duplicate of an earlier event, merged")
            continue
        seen.add(key)
        extras = ctx.extras("event", de, path)
        event = extras.build(
            ctx.records.event,
            path,
            id=f"e{len(events) + 1}",
            event_type=event_type_of(de.sub_event_type),
            sub_event_type=de.sub_event_type,
            date=date,
            date_text=de.date_text,
            location=location,
            actor1=_ids(ctx, de.actor1),
            actor2=_ids(ctx, de.actor2),
            fatalities=_count(ctx, de.fatalities_text, evidence, f"{path}.fatalities")
            if de.fatalities_text
            else None,
            evidence=[evidence],
            spans=[span],
            flags=flags,
        )
        ctx.settle(extras)
        events.append(event)
    return events


def _overlaps(a: Span, b: Span) -> bool:
    if a.start is None or a.end is None or b.start is None or b.end is None:
        return False
    return a.start < b.end and b.start < a.end


def _event_for(span: Span, events: list[Event]) -> str | None:
    """The event whose evidence contains (or overlaps) this casualty's evidence."""
    if span.start is None or span.end is None:
        return None
    for event in events:
        for es in event.spans:
            if _overlaps(es, span):
                return event.id
    return None


def _casualties(ctx: _Context, draft: Draft, events: list[Event]) -> list[Casualty]:
    out: list[Casualty] = []
    seen: set[tuple[object, ...]] = set()
    for _, path, dc, (span, evidence, flags) in _grounded(ctx, "casualties", draft.casualties):
        count = _count(ctx, dc.count_text, evidence, f"{path}.count") or Count(text=dc.count_text)
        key = (dc.outcome, count.best, span.start)
        if key in seen:
            continue
        seen.add(key)
        extras = ctx.extras("casualty", dc, path)
        out.append(
            extras.build(
                ctx.records.casualty,
                path,
                id=f"c{len(out) + 1}",
                event=_event_for(span, events),
                outcome=dc.outcome,
                count=count,
                victim_type=dc.victim_type,
                victim_groups=[VictimGroup(label=k, count=c) for k, c in victim_groups(count.text)],
                perpetrator=_ids(ctx, dc.perpetrator),
                evidence=evidence,
                spans=[span],
                flags=flags,
            )
        )
        ctx.settle(extras)
    return out


def assemble(
    draft: Draft,
    *,
    doc_id: str,
    text: str,
    published: dt.date | None = None,
    source: str | None = None,
    keep_ungrounded: bool = False,
    event_flags: dict[int, list[str]] | None = None,
    records: Records | None = None,
    gazetteer: Gazetteer | None = None,
) -> Assembly:
    """Turn a draft into a validated `Document` for the article `text`; `records` are the
    user's record classes (fields they add are read from the draft, else defaulted);
    places are looked up in `gazetteer` (None: the process's choice)."""
    out = Assembly(document=Document(doc_id=doc_id, published=published, source=source))
    ctx = _Context(
        text=text,
        published=published,
        keep_ungrounded=keep_ungrounded,
        out=out,
        event_country=main_country(draft),
        records=records or Records(),
        gazetteer=gazetteer,
    )
    for da in draft.actors:
        _actor_id(ctx, da.name, hint=da)
    events = _events(ctx, draft, event_flags or {})
    casualties = _casualties(ctx, draft, events)
    out.document = Document(
        doc_id=doc_id,
        published=published,
        source=source,
        actors=list(ctx.actors.values()),
        events=events,
        casualties=casualties,
    )
    return out
