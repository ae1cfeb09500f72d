"""Normalisation, pairwise agreement and one-to-one assignment (FORMAT.md "Scoring").

Every function here is pure, and `assign` sorts its inputs by id before building the
score matrix, so the same records give the same pairs whatever order they arrive in.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from llm_extract.grounding import align
from llm_extract.models import (
    Actor,
    AlignmentStatus,
    Casualty,
    Count,
    DateRange,
    Document,
    Event,
    Location,
)
from llm_extract.text.fold import fold
from llm_extract.text.language import alternation, english

FUZZY_THRESHOLD = 90.0
"""rapidfuzz score (0-100) at or above which two names, or a quote and the text, agree."""

T = TypeVar("T", Actor, Event, Casualty)

# --- folding ---------------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")
_PLACE_PREFIX = re.compile(  # on fold_name's single-spaced text
    rf"^(?:the |(?:{alternation(english().vocabulary()['normalize']['places']['kinds_of'])}) of )+"
)


def fold_name(name: str | None) -> str:
    """Folded, apostrophes dropped, punctuation as spaces: "al-Nusra Front" == "Al Nusra
    Front", "Ma'arat al-Nu‘mān" == "Maarat al Numan"."""
    if not name:
        return ""
    return " ".join(_NON_WORD.sub(" ", fold(name).replace("'", "")).split())


def fold_place(name: str | None) -> str:
    """`fold_name` without a leading "the" / "town of": "the town of Salma" == "Salma"."""
    return _PLACE_PREFIX.sub("", fold_name(name)).strip()


def contains_words(outer: str, inner: str) -> bool:
    """Whether folded `inner` occurs in folded `outer` as whole words."""
    return bool(outer) and bool(inner) and f" {inner} " in f" {outer} "


# --- pairwise agreement ----------------------------------------------------------------


def _primary_place(loc: Location) -> str:
    """The most specific place a location names (name, else admin1, else country)."""
    return fold_place(loc.name) or fold_place(loc.admin1) or fold_place(loc.country)


def locations_agree(gold: Location, pred: Location) -> bool:
    """Same place after folding, or one names a place inside the other.

    Inside means: one's most specific place equals the other's admin1 or country
    ("Latakia" holds "Salma, Latakia"; a gold event placed only in "Ukraine" holds
    "Lviv, Ukraine"), or one name contains the other as whole words ("Kadeen" in "Kadeen
    and Wadi Nabaa Miro"). Two locations that name nothing agree with each other only.
    """
    g, p = _primary_place(gold), _primary_place(pred)
    if not g or not p:
        return not g and not p
    return (
        g == p
        or p in (fold_place(gold.admin1), fold_place(gold.country))
        or g in (fold_place(pred.admin1), fold_place(pred.country))
        or contains_words(g, p)
        or contains_words(p, g)
    )


def locations_equal(gold: Location, pred: Location) -> bool:
    """Normalised name equality: the `events.location_accuracy` criterion."""
    return fold_place(gold.name) == fold_place(pred.name)


def _date_bounds(date: DateRange) -> tuple[dt.date, dt.date] | None:
    if date.start is None and date.end is None:
        return None
    return (date.start or dt.date.min, date.end or dt.date.max)


def dates_overlap(gold: DateRange, pred: DateRange) -> bool:
    """Intervals [start, end] overlap; an open end is unbounded; missing matches missing."""
    g, p = _date_bounds(gold), _date_bounds(pred)
    if g is None or p is None:
        return g is None and p is None
    return max(g[0], p[0]) <= min(g[1], p[1])


def dates_equal(gold: DateRange, pred: DateRange) -> bool:
    """Exact start and end equality: the `events.date_accuracy` criterion."""
    return gold.start == pred.start and gold.end == pred.end


def count_range(count: Count) -> tuple[float, float] | None:
    """[low, high] of a count; None for an unquantified one ("several": all None).

    A None high is unbounded above (FORMAT.md: "more than 120"); a None low falls back
    to best, then to 0.
    """
    if count.low is None and count.best is None and count.high is None:
        return None
    low = count.low if count.low is not None else (count.best if count.best is not None else 0)
    high = count.high if count.high is not None else math.inf
    return (float(low), high)


def counts_overlap(gold: Count, pred: Count) -> bool:
    """Ranges overlap; an unquantified count matches only another unquantified count."""
    g, p = count_range(gold), count_range(pred)
    if g is None or p is None:
        return g is None and p is None
    return max(g[0], p[0]) <= min(g[1], p[1])


def actor_forms(actor: Actor) -> set[str]:
    """Folded canonical name and mentions: the surface forms an actor is known by."""
    return {f for f in (fold_name(s) for s in [actor.name, *actor.mentions]) if f}


def actor_similarity(gold: Actor, pred: Actor) -> float:
    """Best rapidfuzz ratio (0-100) between any two forms; 100 for a shared form."""
    g, p = actor_forms(gold), actor_forms(pred)
    if g & p:
        return 100.0
    best = 0.0
    for a in sorted(g):
        for b in sorted(p):
            best = max(best, fuzz.ratio(a, b))
    return best


def actors_agree(gold: Actor, pred: Actor) -> bool:
    """A shared folded name/mention, or a fuzzy match at `FUZZY_THRESHOLD` or above."""
    return actor_similarity(gold, pred) >= FUZZY_THRESHOLD


MIN_SHARED_EVIDENCE = 20
"""Characters the shorter of two evidence quotes needs before their overlap counts."""


def evidence_overlap(gold: Event, pred: Event) -> float:
    """How much the two events' evidence quotes overlap (0-1): the best rapidfuzz
    partial ratio over quote pairs, 0 below `FUZZY_THRESHOLD` or for a quote shorter
    than `MIN_SHARED_EVIDENCE` characters.

    Two records that quote the same sentence report the same incident whatever their
    dates say, so this anchors the pairing where a date or a place is read differently.
    """
    best = 0.0
    for g in gold.evidence:
        fg = fold(g)
        for p in pred.evidence:
            fp = fold(p)
            if min(len(fg), len(fp)) < MIN_SHARED_EVIDENCE:
                continue
            best = max(best, fuzz.partial_ratio(fg, fp))
    return best / 100 if best >= FUZZY_THRESHOLD else 0.0


DATE_SLACK_DAYS = 7
"""How far apart two dates may be when shared evidence vouches for the pairing: a
relative date read a day or a week off ("today", "on Tuesday"), never another year."""


def dates_near(gold: DateRange, pred: DateRange, days: int = DATE_SLACK_DAYS) -> bool:
    """Intervals at most `days` apart, or one of the two dates missing: not contradicting."""
    g, p = _date_bounds(gold), _date_bounds(pred)
    if g is None or p is None:
        return True
    if dt.date.min in (g[0], p[0]) or dt.date.max in (g[1], p[1]):
        return False
    gap = max(g[0], p[0]) - min(g[1], p[1])
    return gap.days <= days


def events_agree(gold: Event, pred: Event) -> bool:
    """Same event type and agreeing locations, with overlapping dates, or, where both
    quote the same evidence, dates at most `DATE_SLACK_DAYS` apart or one of them missing.

    A prediction that quotes the gold event's sentence but resolves "today" to the next
    day is the same event with a wrong date (scored by `date_accuracy`), not a false
    positive beside a false negative. A background event quoted from the same sentence
    years earlier ("first seized in mid-2012") stays apart.
    """
    if gold.event_type != pred.event_type or not locations_agree(gold.location, pred.location):
        return False
    if dates_overlap(gold.date, pred.date):
        return True
    return dates_near(gold.date, pred.date) and evidence_overlap(gold, pred) > 0


def casualties_agree(gold: Casualty, pred: Casualty) -> bool:
    """Same outcome and overlapping count ranges."""
    return gold.outcome == pred.outcome and counts_overlap(gold.count, pred.count)


def jaccard(a: set[str], b: set[str]) -> float:
    """|a & b| / |a | b|, with two empty sets agreeing fully."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def actor_agreement(
    gold: Event, pred: Event, gold_keys: Mapping[str, str], pred_keys: Mapping[str, str]
) -> float:
    """Mean of the actor1 and actor2 Jaccard similarities over canonical-name keys."""
    sides = []
    for side in ("actor1", "actor2"):
        g = {gold_keys.get(i, i) for i in getattr(gold, side)}
        p = {pred_keys.get(i, i) for i in getattr(pred, side)}
        sides.append(jaccard(g, p))
    return sum(sides) / len(sides)


# --- evidence --------------------------------------------------------------------------


def ground_quote(quote: str, text: str) -> AlignmentStatus:
    """How a quote occurs in the article: the pipeline's own grounding, so the evaluator
    and `assemble` agree on what counts as found (at the evaluator's fuzzy threshold)."""
    return align(quote, text, threshold=FUZZY_THRESHOLD).status


# --- assignment ------------------------------------------------------------------------


@dataclass
class Alignment(Generic[T]):
    """A one-to-one assignment: matched (gold, pred) pairs and what was left over."""

    pairs: list[tuple[T, T]] = field(default_factory=list)
    unmatched_gold: list[T] = field(default_factory=list)
    unmatched_pred: list[T] = field(default_factory=list)


def record_key(record: Actor | Event | Casualty) -> tuple[str, str]:
    """Sort key: id, then the full record, so duplicate ids still sort the same way."""
    return (record.id, record.model_dump_json())


def assign(
    gold: Sequence[T],
    pred: Sequence[T],
    agree: Callable[[T, T], bool],
    bonus: Callable[[T, T], float],
) -> Alignment[T]:
    """One-to-one assignment maximising, in this order: matches to required gold items,
    matches in all, then the summed `bonus` (clipped to [0, 1]) of the chosen pairs.

    The weights make the order strict: a required match is worth n + 1, an optional one
    1, and the bonuses of all pairs together stay below 1 (n = max(len) + 1). Inputs are
    sorted by `record_key` so ties resolve the same way for any input order.
    """
    g = sorted(gold, key=record_key)
    p = sorted(pred, key=record_key)
    result: Alignment[T] = Alignment()
    if not g or not p:
        result.unmatched_gold, result.unmatched_pred = g, p
        return result
    n = max(len(g), len(p)) + 1
    scores = np.zeros((len(g), len(p)))
    allowed = np.zeros((len(g), len(p)), dtype=bool)
    for i, gi in enumerate(g):
        for j, pj in enumerate(p):
            if agree(gi, pj):
                allowed[i, j] = True
                tier = 1.0 if gi.optional else n + 1.0
                scores[i, j] = tier + min(max(bonus(gi, pj), 0.0), 1.0) / n
    rows, cols = linear_sum_assignment(scores, maximize=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if allowed[r, c]:
            result.pairs.append((g[r], p[c]))
            used_g.add(r)
            used_p.add(c)
    result.unmatched_gold = [x for i, x in enumerate(g) if i not in used_g]
    result.unmatched_pred = [x for j, x in enumerate(p) if j not in used_p]
    return result


@dataclass
class DocumentAlignment:
    """The three alignments for one document, plus the actor keys used to compare events."""

    actors: Alignment[Actor]
    events: Alignment[Event]
    casualties: Alignment[Casualty]
    gold_actor_keys: dict[str, str]
    pred_actor_keys: dict[str, str]


def _actor_bonus(gold: Actor, pred: Actor) -> float:
    name = 1.0 if fold_name(gold.name) == fold_name(pred.name) else 0.0
    same_type = 1.0 if gold.actor_type == pred.actor_type else 0.0
    return 0.5 * name + 0.3 * actor_similarity(gold, pred) / 100 + 0.2 * same_type


def align_document(gold: Document, pred: Document) -> DocumentAlignment:
    """Align actors, then events (using the actor alignment), then casualties (using the
    event alignment as a tie-breaking bonus)."""
    actors = assign(gold.actors, pred.actors, actors_agree, _actor_bonus)
    gold_keys = {a.id: fold_name(a.name) for a in gold.actors}
    pred_keys = {a.id: fold_name(a.name) for a in pred.actors}
    for g_actor, p_actor in actors.pairs:
        pred_keys[p_actor.id] = gold_keys[g_actor.id]

    def event_bonus(g: Event, p: Event) -> float:
        # Evidence weighs most: among several agreeing predictions, the one quoting the
        # gold event's own sentence is its pair (the issue-14 fix).
        return (
            0.5 * evidence_overlap(g, p)
            + 0.2 * (g.sub_event_type == p.sub_event_type)
            + 0.1 * dates_equal(g.date, p.date)
            + 0.1 * locations_equal(g.location, p.location)
            + 0.1 * actor_agreement(g, p, gold_keys, pred_keys)
        )

    events = assign(gold.events, pred.events, events_agree, event_bonus)
    event_map = {p.id: g.id for g, p in events.pairs}

    def casualty_bonus(g: Casualty, p: Casualty) -> float:
        same_best = g.count.best is not None and g.count.best == p.count.best
        closeness = 0.0
        if g.count.best is not None and p.count.best is not None:
            closeness = 1.0 / (1.0 + abs(g.count.best - p.count.best))
        linked = p.event is not None and event_map.get(p.event) == g.event
        return (
            0.4 * same_best
            + 0.2 * closeness
            + 0.2 * (g.victim_type == p.victim_type)
            + 0.2 * linked
        )

    casualties = assign(gold.casualties, pred.casualties, casualties_agree, casualty_bonus)
    return DocumentAlignment(actors, events, casualties, gold_keys, pred_keys)
