"""Score predictions against gold: counts, flat metrics and per-document details.

Micro-averaged: TP / FP / FN and agreement tallies are summed over documents before any
ratio is taken. A ratio with nothing to divide by is None, never 0, so "no data" is not
mistaken for "all wrong".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from pydantic import BaseModel, Field
from typing_extensions import Self

from llm_extract.evaluate.loading import LoadIssue
from llm_extract.evaluate.matching import (
    Alignment,
    DocumentAlignment,
    actor_agreement,
    align_document,
    dates_equal,
    fold_name,
    ground_quote,
    locations_equal,
)
from llm_extract.models import (
    Actor,
    AlignmentStatus,
    Casualty,
    Count,
    DateRange,
    Document,
    Event,
)

REPORT_VERSION = 1
KINDS = ("events", "actors", "casualties")
Kind = Literal["event", "actor", "casualty"]

METRIC_NAMES: tuple[str, ...] = (
    "events.precision",
    "events.recall",
    "events.f1",
    "events.event_type_accuracy",
    "events.sub_event_type_accuracy",
    "events.date_accuracy",
    "events.location_accuracy",
    "events.actor_agreement",
    "actors.precision",
    "actors.recall",
    "actors.f1",
    "actors.actor_type_accuracy",
    "casualties.precision",
    "casualties.recall",
    "casualties.f1",
    "casualties.best_exact",
    "casualties.mae",
    "evidence.grounding_rate",
)
"""Every metric an `EvalReport` carries, in display order."""

LOWER_IS_BETTER = frozenset({"casualties.mae"})
"""Metrics where a rise, not a drop, is a regression."""

# Agreement tallies over matched non-optional pairs: metric name -> (hits, pairs).
_AGREEMENTS = (
    "events.event_type_accuracy",
    "events.sub_event_type_accuracy",
    "events.date_accuracy",
    "events.location_accuracy",
    "events.actor_agreement",
    "actors.actor_type_accuracy",
    "casualties.best_exact",
    "casualties.mae",
)


class _Summable(BaseModel):
    """Integer tallies that add field by field (micro-averaging sums before dividing)."""

    def plus(self, other: Self) -> Self:
        return type(self)(
            **{k: getattr(self, k) + getattr(other, k) for k in type(self).model_fields}
        )


class Counts(_Summable):
    """Detection counts; `ignored` are predictions matched to optional gold items."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    ignored: int = 0


class EvidenceCounts(_Summable):
    """Predicted evidence quotes checked against the article, by how they were found."""

    total: int = 0
    exact: int = 0
    normalized: int = 0
    fuzzy: int = 0

    @property
    def found(self) -> int:
        return self.exact + self.normalized + self.fuzzy


class ItemRef(BaseModel):
    """A false positive or false negative, with what a reader needs to judge it."""

    kind: Kind
    id: str
    label: str
    evidence: list[str] = Field(default_factory=list)  # for actors: the mentions


class PairRef(BaseModel):
    """A matched pair and where its attributes disagree."""

    kind: Kind
    gold_id: str
    pred_id: str
    optional: bool = False  # matched an optional gold item: counted neither way
    differences: list[str] = Field(default_factory=list)


class QuoteCheck(BaseModel):
    """A predicted evidence quote and whether it was found in the article."""

    record: str
    quote: str
    status: AlignmentStatus


class DocumentReport(BaseModel):
    """One gold document's scores and every FP / FN behind them."""

    doc_id: str
    status: Literal["scored", "missing"]
    counts: dict[str, Counts]
    evidence: EvidenceCounts | None = None  # None when the article text is unknown
    metrics: dict[str, float | None]
    matches: list[PairRef] = Field(default_factory=list)
    false_positives: list[ItemRef] = Field(default_factory=list)
    false_negatives: list[ItemRef] = Field(default_factory=list)
    ungrounded: list[QuoteCheck] = Field(default_factory=list)


class EvalReport(BaseModel):
    """The result of one evaluation: flat metrics plus the details that explain them."""

    version: int = REPORT_VERSION
    metrics: dict[str, float | None]
    counts: dict[str, Counts]
    evidence: EvidenceCounts
    documents: list[DocumentReport]
    unscored: list[str] = Field(default_factory=list)  # predicted doc_ids with no gold
    load_issues: list[LoadIssue] = Field(default_factory=list)


# --- tallies ---------------------------------------------------------------------------


def ratio(num: float, den: float) -> float | None:
    """num / den, or None when there is nothing to divide by."""
    return num / den if den else None


@dataclass
class _Tally:
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    hits: dict[str, float] = field(default_factory=lambda: dict.fromkeys(_AGREEMENTS, 0.0))
    pairs: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_AGREEMENTS, 0))
    evidence: EvidenceCounts = field(default_factory=EvidenceCounts)

    def agree(self, metric: str, value: float) -> None:
        self.hits[metric] += value
        self.pairs[metric] += 1

    def plus(self, other: _Tally) -> _Tally:
        return _Tally(
            counts={k: self.counts[k].plus(other.counts[k]) for k in KINDS},
            hits={k: self.hits[k] + other.hits[k] for k in _AGREEMENTS},
            pairs={k: self.pairs[k] + other.pairs[k] for k in _AGREEMENTS},
            evidence=self.evidence.plus(other.evidence),
        )

    def metrics(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for kind in KINDS:
            c = self.counts[kind]
            out[f"{kind}.precision"] = ratio(c.tp, c.tp + c.fp)
            out[f"{kind}.recall"] = ratio(c.tp, c.tp + c.fn)
            out[f"{kind}.f1"] = ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn)
        for name in _AGREEMENTS:
            out[name] = ratio(self.hits[name], self.pairs[name])
        out["evidence.grounding_rate"] = ratio(self.evidence.found, self.evidence.total)
        return {name: out[name] for name in METRIC_NAMES}


# --- labels ----------------------------------------------------------------------------


def _date_label(date: DateRange) -> str:
    if date.start is None and date.end is None:
        return "no date"
    if date.start == date.end:
        return str(date.start)
    return f"{date.start or '?'}..{date.end or '?'}"


def _count_label(count: Count) -> str:
    figures = f"{count.low}/{count.best}/{count.high}"
    return f"{count.text!r} ({figures})" if count.text else figures


def _event_label(e: Event) -> str:
    place = e.location.name or e.location.admin1 or e.location.country or "?"
    return f"{e.event_type.value} / {e.sub_event_type.value} at {place}, {_date_label(e.date)}"


def _actor_label(a: Actor) -> str:
    return f"{a.name} ({a.actor_type.value})"


def _casualty_label(c: Casualty) -> str:
    return f"{c.outcome.value} {_count_label(c.count)}, {c.victim_type.value}"


def _ref(kind: Kind, item: Actor | Event | Casualty) -> ItemRef:
    if isinstance(item, Event):
        return ItemRef(kind=kind, id=item.id, label=_event_label(item), evidence=item.evidence)
    if isinstance(item, Actor):
        return ItemRef(kind=kind, id=item.id, label=_actor_label(item), evidence=item.mentions)
    evidence = [item.evidence] if item.evidence else []
    return ItemRef(kind=kind, id=item.id, label=_casualty_label(item), evidence=evidence)


# --- scoring one document ----------------------------------------------------------------


T = TypeVar("T", Actor, Event, Casualty)


def _required_pairs(
    kind: Kind, alignment: Alignment[T], counts: Counts, out: DocumentReport
) -> list[tuple[T, T, PairRef]]:
    """Count one kind's alignment (a pair with an optional gold item is counted neither
    way) and list every pair in `out`; return the pairs whose attributes are scored."""
    scored = []
    for g, p in alignment.pairs:
        pair = PairRef(kind=kind, gold_id=g.id, pred_id=p.id, optional=g.optional)
        out.matches.append(pair)
        if g.optional:
            counts.ignored += 1
        else:
            counts.tp += 1
            scored.append((g, p, pair))
    counts.fn += sum(not g.optional for g in alignment.unmatched_gold)
    counts.fp += len(alignment.unmatched_pred)
    return scored


def _score_events(al: DocumentAlignment, tally: _Tally, out: DocumentReport) -> None:
    for g, p, pair in _required_pairs("event", al.events, tally.counts["events"], out):
        sub_ok = g.sub_event_type == p.sub_event_type
        date_ok = dates_equal(g.date, p.date)
        loc_ok = locations_equal(g.location, p.location)
        actors = actor_agreement(g, p, al.gold_actor_keys, al.pred_actor_keys)
        tally.agree("events.event_type_accuracy", float(g.event_type == p.event_type))
        tally.agree("events.sub_event_type_accuracy", float(sub_ok))
        tally.agree("events.date_accuracy", float(date_ok))
        tally.agree("events.location_accuracy", float(loc_ok))
        tally.agree("events.actor_agreement", actors)
        if not sub_ok:
            pair.differences.append(
                f"sub_event_type: gold {g.sub_event_type.value!r}, pred {p.sub_event_type.value!r}"
            )
        if not date_ok:
            pair.differences.append(f"date: gold {_date_label(g.date)}, pred {_date_label(p.date)}")
        if not loc_ok:
            pair.differences.append(f"location: gold {g.location.name!r}, pred {p.location.name!r}")
        if actors < 1.0:
            pair.differences.append(f"actors: agreement {actors:.2f}")


def _score_actors(al: DocumentAlignment, tally: _Tally, out: DocumentReport) -> None:
    for g, p, pair in _required_pairs("actor", al.actors, tally.counts["actors"], out):
        tally.agree("actors.actor_type_accuracy", float(g.actor_type == p.actor_type))
        if g.actor_type != p.actor_type:
            pair.differences.append(
                f"actor_type: gold {g.actor_type.value}, pred {p.actor_type.value}"
            )
        if fold_name(g.name) != fold_name(p.name):
            pair.differences.append(f"name: gold {g.name!r}, pred {p.name!r}")


def _score_casualties(al: DocumentAlignment, tally: _Tally, out: DocumentReport) -> None:
    counts = tally.counts["casualties"]
    for g, p, pair in _required_pairs("casualty", al.casualties, counts, out):
        gb, pb = g.count.best, p.count.best
        if gb is not None and pb is not None:
            tally.agree("casualties.best_exact", float(gb == pb))
            tally.agree("casualties.mae", float(abs(gb - pb)))
        if gb != pb:
            pair.differences.append(f"best: gold {gb}, pred {pb}")


def check_evidence(pred: Document, text: str) -> tuple[EvidenceCounts, list[QuoteCheck]]:
    """Look up every predicted evidence quote in the article text."""
    quotes = [(f"event {e.id}", q) for e in pred.events for q in e.evidence]
    quotes += [(f"casualty {c.id}", c.evidence) for c in pred.casualties if c.evidence]
    counts = EvidenceCounts()
    missing = []
    for record, quote in sorted(quotes):
        status = ground_quote(quote, text)
        counts.total += 1
        if status is AlignmentStatus.EXACT:
            counts.exact += 1
        elif status is AlignmentStatus.NORMALIZED:
            counts.normalized += 1
        elif status is AlignmentStatus.FUZZY:
            counts.fuzzy += 1
        else:
            missing.append(QuoteCheck(record=record, quote=quote, status=status))
    return counts, missing


def _sort_details(out: DocumentReport) -> None:
    order = {"actor": 0, "event": 1, "casualty": 2}
    out.matches.sort(key=lambda m: (order[m.kind], m.gold_id, m.pred_id))
    out.false_positives.sort(key=lambda r: (order[r.kind], r.id, r.label))
    out.false_negatives.sort(key=lambda r: (order[r.kind], r.id, r.label))


def score_document(
    gold: Document, pred: Document | None, text: str | None = None
) -> tuple[DocumentReport, _Tally]:
    """Score one document; a missing prediction leaves every required gold item missed."""
    tally = _Tally()
    out = DocumentReport(
        doc_id=gold.doc_id,
        status="scored" if pred is not None else "missing",
        counts={},
        metrics={},
    )
    empty = Document(doc_id=gold.doc_id)
    al = align_document(gold, pred if pred is not None else empty)
    _score_actors(al, tally, out)
    _score_events(al, tally, out)
    _score_casualties(al, tally, out)
    leftovers: list[tuple[Kind, Alignment[Actor] | Alignment[Event] | Alignment[Casualty]]] = [
        ("actor", al.actors),
        ("event", al.events),
        ("casualty", al.casualties),
    ]
    for kind, alignment in leftovers:
        out.false_negatives += [_ref(kind, g) for g in alignment.unmatched_gold if not g.optional]
        out.false_positives += [_ref(kind, p) for p in alignment.unmatched_pred]
    if pred is not None and text is not None:
        tally.evidence, out.ungrounded = check_evidence(pred, text)
        out.evidence = tally.evidence
    _sort_details(out)
    out.counts = tally.counts
    out.metrics = tally.metrics()
    return out, tally


def evaluate(
    gold: Mapping[str, Document],
    pred: Mapping[str, Document],
    texts: Mapping[str, str] | None = None,
) -> EvalReport:
    """Score predictions against gold, micro over documents and per document.

    Gold documents without a prediction count all their gold as missed; predicted
    documents without gold are listed in `unscored` and not counted. `texts` (article
    text by doc_id) enables the evidence check; without it `evidence.grounding_rate`
    is None.
    """
    texts = texts or {}
    total = _Tally()
    documents = []
    for doc_id in sorted(gold):
        report, tally = score_document(gold[doc_id], pred.get(doc_id), texts.get(doc_id))
        documents.append(report)
        total = total.plus(tally)
    return EvalReport(
        metrics=total.metrics(),
        counts=total.counts,
        evidence=total.evidence,
        documents=documents,
        unscored=sorted(set(pred) - set(gold)),
    )
