"""Cross-article consolidation: one record per real-world event, every source kept.

Several outlets report the same air strike; a dataset should count it once, with each
report's evidence as provenance. Two events from different articles are the same event
when they agree on place, dates, type and actors; agreeing pairs are grouped with
union-find so a chain (A~B, B~C) ends in one event. Events of ONE article are never put
together, directly or through a chain: an annotator or model already kept them apart.
Fatalities are reconciled UCDP-style. Output is deterministic for any input order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from llm_extract.evaluate.matching import contains_words, fold_name, fold_place
from llm_extract.models import Count, DateRange, Document, Event, ExtractionResult, Location
from llm_extract.normalize import Gazetteer
from llm_extract.normalize.layered import resolve
from llm_extract.ontology import DatePrecision, EventType, SubEventType

_PRECISION_RANK = {
    DatePrecision.DAY: 0,
    DatePrecision.WEEK: 1,
    DatePrecision.MONTH: 2,
    DatePrecision.YEAR: 3,
    DatePrecision.UNKNOWN: 4,
}


class EventSource(BaseModel):
    """One article's report of a consolidated event: where it came from and its words."""

    doc_id: str
    event_id: str
    published: dt.date | None = None
    source: str | None = None
    sub_event_type: SubEventType
    date: DateRange
    location: Location
    actor1: list[str] = Field(default_factory=list, description="Canonical actor names.")
    actor2: list[str] = Field(default_factory=list)
    fatalities: Count | None = None
    evidence: list[str] = Field(default_factory=list)
    optional: bool = False

    @property
    def key(self) -> str:
        """ "<doc_id>#<event id>", the form links.json uses."""
        return f"{self.doc_id}#{self.event_id}"


class ConsolidatedEvent(BaseModel):
    """An event as reported by one or more articles."""

    id: str
    event_type: EventType
    sub_event_type: SubEventType
    date: DateRange
    location: Location
    actor1: list[str] = Field(default_factory=list)
    actor2: list[str] = Field(default_factory=list)
    fatalities: Count | None = None
    optional: bool = False
    sources: list[EventSource]

    @property
    def members(self) -> list[str]:
        """ "<doc_id>#<event id>" of every report, sorted."""
        return [s.key for s in self.sources]

    @property
    def doc_ids(self) -> list[str]:
        return sorted({s.doc_id for s in self.sources})


# --- agreement -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    name: str  # folded canonical name
    admin1: str  # folded admin1, "" unknown


def _place(loc: Location, gazetteer: Gazetteer) -> _Place | None:
    """Canonical folded name and admin1, via the gazetteer when it knows the place."""
    raw = loc.name or loc.admin1 or loc.country
    if not raw:
        return None
    found = gazetteer.lookup(raw)
    name = fold_place(found.name if found else raw)
    admin1 = loc.admin1 or (found.admin1 if found else None)
    if not loc.name and loc.admin1:
        admin1 = loc.admin1
    return _Place(name=name, admin1=fold_place(admin1))


def places_agree(a: Location, b: Location, gazetteer: Gazetteer | None = None) -> bool:
    """Same canonical place, or one inside the other in the same province.

    Inside: one's name is the other's admin1 ("Latakia" and "Salma, Latakia"), or one
    name contains the other as whole words ("Kadeen" in "Kadeen and Wadi Nabaa Miro").
    Known admin1s must agree; a location naming nothing agrees with nothing. Names are
    looked up in `gazetteer` (None: the process's choice).
    """
    g = resolve(gazetteer)
    pa, pb = _place(a, g), _place(b, g)
    if pa is None or pb is None or not pa.name or not pb.name:
        return False
    if pa.admin1 and pb.admin1 and pa.admin1 != pb.admin1:
        return False
    return (
        pa.name == pb.name
        or pa.name == pb.admin1
        or pb.name == pa.admin1
        or contains_words(pa.name, pb.name)
        or contains_words(pb.name, pa.name)
    )


REPORTING_SLACK = dt.timedelta(days=1)
"""Two articles published on different days date one event a day apart ("today" in one is
"yesterday" in the other, "over 48 hours" ends on each one's own reporting day)."""


def dates_overlap(a: DateRange, b: DateRange, slack: dt.timedelta = dt.timedelta(0)) -> bool:
    """Both dated and [start, end] intersect, each widened by `slack` (an open end is
    unbounded). Undated events never merge: place and type alone are too weak to call two
    reports one event."""
    if (a.start is None and a.end is None) or (b.start is None and b.end is None):
        return False
    a0, a1 = a.start or dt.date.min, a.end or dt.date.max
    b0, b1 = b.start or dt.date.min, b.end or dt.date.max
    if slack and dt.date.min + slack < min(a0, b0) and max(a1, b1) < dt.date.max - slack:
        return max(a0, b0) - slack <= min(a1, b1) + slack
    return max(a0, b0) <= min(a1, b1)


def sub_types_compatible(a: Event, b: Event) -> bool:
    """Same event type, and sub-types that can describe one event.

    Battle sub-types are views of the same fighting (a clash that retakes a town), so any
    two agree; "Other" agrees with its type's sub-types; elsewhere the sub-type names a
    different act (an air strike is not shelling) and must be equal.
    """
    if a.event_type != b.event_type:
        return False
    if a.sub_event_type == b.sub_event_type or a.event_type is EventType.BATTLES:
        return True
    return SubEventType.OTHER in (a.sub_event_type, b.sub_event_type)


def actors_agree(a: set[str], b: set[str]) -> bool:
    """Canonical-name sets overlap, or one side names nobody."""
    return not a or not b or bool(a & b)


# --- grouping --------------------------------------------------------------------------


@dataclass
class _Item:
    doc: Document
    event: Event
    source: EventSource
    actors: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str, str]:
        return (self.doc.doc_id, self.event.id)


def _names(doc: Document, ids: Sequence[str]) -> list[str]:
    out: list[str] = []
    for ref in ids:
        actor = doc.actor(ref)
        name = actor.name if actor else ref
        if name not in out:
            out.append(name)
    return out


def _item(doc: Document, event: Event) -> _Item:
    a1, a2 = _names(doc, event.actor1), _names(doc, event.actor2)
    source = EventSource(
        doc_id=doc.doc_id,
        event_id=event.id,
        published=doc.published,
        source=doc.source,
        sub_event_type=event.sub_event_type,
        date=event.date,
        location=event.location,
        actor1=a1,
        actor2=a2,
        fatalities=event.fatalities,
        evidence=list(event.evidence),
        optional=event.optional,
    )
    return _Item(doc, event, source, {fold_name(n) for n in [*a1, *a2]})


def same_event(a: _Item, b: _Item, gazetteer: Gazetteer) -> bool:
    """The consolidation rule for two reports from different articles."""
    if a.doc.doc_id == b.doc.doc_id:
        return False
    if not places_agree(a.event.location, b.event.location, gazetteer):
        return False
    if not actors_agree(a.actors, b.actors):
        return False
    if a.event.sub_event_type == b.event.sub_event_type:  # the same act: allow reporting lag
        return dates_overlap(a.event.date, b.event.date, REPORTING_SLACK)
    return sub_types_compatible(a.event, b.event) and dates_overlap(a.event.date, b.event.date)


def _strength(a: _Item, b: _Item, gazetteer: Gazetteer) -> float:
    """How closely two agreeing reports match: stronger pairs are joined first."""
    same_sub = a.event.sub_event_type == b.event.sub_event_type
    same_date = (a.event.date.start, a.event.date.end) == (b.event.date.start, b.event.date.end)
    pa, pb = _place(a.event.location, gazetteer), _place(b.event.location, gazetteer)
    same_place = pa is not None and pb is not None and pa.name == pb.name
    union = a.actors | b.actors
    jaccard = len(a.actors & b.actors) / len(union) if union else 0.0
    return 0.4 * same_sub + 0.2 * same_date + 0.2 * same_place + 0.2 * jaccard


class _UnionFind:
    """Union-find whose groups remember their documents, to refuse same-article merges."""

    def __init__(self, items: list[_Item]) -> None:
        self.parent = list(range(len(items)))
        self.docs = [{it.doc.doc_id} for it in items]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        if self.docs[ri] & self.docs[rj]:
            return False
        lo, hi = min(ri, rj), max(ri, rj)
        self.parent[hi] = lo
        self.docs[lo] |= self.docs[hi]
        return True


# --- reconciliation --------------------------------------------------------------------


def reconcile_fatalities(counts: Sequence[Count | None]) -> Count | None:
    """UCDP-style figure over sources: low the most conservative low, high the largest
    high, best the most conservative best; one source's figure is kept as it is."""
    given = [c for c in counts if c is not None and (c.best, c.low, c.high) != (None,) * 3]
    if not given:
        texts = [c.text for c in counts if c is not None and c.text]
        return Count(text=" | ".join(dict.fromkeys(texts))) if texts else None
    if len(given) == 1:
        return given[0].model_copy()
    bests = [c.best for c in given if c.best is not None]
    lows = [c.low if c.low is not None else c.best for c in given]
    lows_known = [v for v in lows if v is not None]
    highs = [c.high for c in given if c.high is not None]
    best = min(bests) if bests else None
    low = min(lows_known) if lows_known else None
    high = max(highs) if highs else None
    if best is not None and low is not None:
        low = min(low, best)
    if high is not None:
        high = max(high, *(v for v in (best, low) if v is not None))
    text = " | ".join(dict.fromkeys(c.text for c in given if c.text))
    return Count(low=low, best=best, high=high, text=text)


def _merged_date(dates: Sequence[DateRange]) -> DateRange:
    """The narrowest window all reports allow (their intersection), else the first."""
    starts = [d.start for d in dates if d.start]
    ends = [d.end for d in dates if d.end]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    precision = min((d.precision for d in dates), key=_PRECISION_RANK.__getitem__)
    if start and end and start > end:
        return dates[0]
    return DateRange(start=start, end=end, precision=precision)


def _specificity(loc: Location) -> tuple[int, int]:
    named = 0 if loc.name and fold_place(loc.name) != fold_place(loc.admin1) else 1
    located = 0 if loc.latitude is not None else 1
    return (named, located)


def _union_names(lists: Iterable[list[str]]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for names in lists:
        for n in names:
            if fold_name(n) not in seen:
                seen.add(fold_name(n))
                out.append(n)
    return out


def _build(number: int, group: list[_Item]) -> ConsolidatedEvent:
    sources = [it.source for it in group]
    subs = [s.sub_event_type for s in sources]
    first = group[0].event
    sub = first.sub_event_type
    specific = [s for s in subs if s is not SubEventType.OTHER]
    if specific:
        sub = max(set(specific), key=lambda s: (subs.count(s), -subs.index(s)))
    location = min((s.location for s in sources), key=_specificity)
    return ConsolidatedEvent(
        id=f"ce{number}",
        event_type=first.event_type,
        sub_event_type=sub,
        date=_merged_date([s.date for s in sources]),
        location=location,
        actor1=_union_names(s.actor1 for s in sources),
        actor2=_union_names(s.actor2 for s in sources),
        fatalities=reconcile_fatalities([s.fatalities for s in sources]),
        optional=all(s.optional for s in sources),
        sources=sources,
    )


def documents_of(
    results: Iterable[ExtractionResult]
    | Iterable[Document]
    | Iterable[ExtractionResult | Document],
) -> list[Document]:
    """The documents of ok results (or the documents themselves), sorted by doc_id."""
    docs: list[Document] = []
    for r in results:
        if isinstance(r, ExtractionResult):
            if r.ok and r.document is not None:
                docs.append(r.document)
        else:
            docs.append(r)
    return sorted(docs, key=lambda d: d.doc_id)


def _date_key(it: _Item) -> tuple[dt.date, str, str]:
    return (it.event.date.start or dt.date.max, it.doc.doc_id, it.event.id)


def consolidate(
    results: Iterable[ExtractionResult] | Iterable[Document],
    gazetteer: Gazetteer | None = None,
) -> list[ConsolidatedEvent]:
    """Every event of every article, with reports of one real-world event merged.

    Error results are skipped. Events come out sorted by date, then by their first
    source; ids are "ce1", "ce2", ... in that order. Places are compared through
    `gazetteer` (None: the process's choice), e.g. the run's `Settings.gazetteer`.
    """
    g = resolve(gazetteer)
    items = [_item(d, e) for d in documents_of(results) for e in d.events]
    items.sort(key=lambda it: it.key)
    pairs: list[tuple[float, int, int]] = []
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            if same_event(a, items[j], g):
                pairs.append((-_strength(a, items[j], g), i, j))
    uf = _UnionFind(items)
    for _, i, j in sorted(pairs):
        uf.union(i, j)
    groups: dict[int, list[_Item]] = {}
    for i, it in enumerate(items):
        groups.setdefault(uf.find(i), []).append(it)
    ordered = sorted(groups.values(), key=lambda g: min(_date_key(it) for it in g))
    return [_build(n, sorted(g, key=lambda it: it.key)) for n, g in enumerate(ordered, start=1)]


def links(events: Iterable[ConsolidatedEvent]) -> list[dict[str, str]]:
    """Pairs of merged reports in links.json form (each member linked to the first)."""
    out: list[dict[str, str]] = []
    for event in events:
        keys = event.members
        out += [{"a": keys[0], "b": k, "relation": "same_event"} for k in keys[1:]]
    return out
