"""Scoring stage: CEAF-REE with the semantics of GTT's reference scorer (eval.py).

What the reference does, and so what this does (written from its definition, no code
copied):

- Mentions are normalised: lower case, punctuation removed, the articles a/an/the removed,
  whitespace collapsed. Gold entities with no mention are dropped, and a document's
  duplicate gold templates count once.
- Each predicted template may be paired with at most one gold template and the other way
  round. A pair counts only when the predicted incident type is a substring of the gold
  one ("attack" pairs with "bombing / attack"); otherwise both sides are unpaired.
- In a pair, a predicted entity (a list of mentions) is correct when every one of its
  mentions is a mention of some gold entity of the same role; a gold entity is found when
  some predicted entity of the role is correct for it. The incident type counts as one more
  slot: one predicted and one gold item per template, correct when paired.
- Unpaired templates add their entities (and type) to the predicted or gold totals only.
- Per document, the pairing with the highest F1 over all slots (types included) is kept.
  The reference tries every pairing; this finds the same optimum with a dynamic programme
  over (template, gold templates used) that keeps the Pareto front of (correct predicted,
  found gold), since F1 grows with both. Two pairings with equal document F1 but different
  counts are a tie the reference breaks by enumeration order; such ties are rare.
- Counts are summed over the documents of the gold file (documents with no template on
  either side add nothing); per-role and micro P / R / F1 come from the sums. The micro
  average sums the five roles and the incident type, as the reference's does.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from llm_extract.muc4.corpus import ROLES

TYPE_SLOT = "incident_type"
SLOTS: tuple[str, ...] = (TYPE_SLOT, *ROLES)

Entity = list[str]
Template = dict[str, Any]  # {"incident_type": str, role: [[mention, ...], ...], ...}

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)


def normalize_mention(text: str) -> str:
    """The reference's mention form: lower case, no punctuation, no articles, one space."""
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_PUNCT)).split())


@dataclass
class Counts:
    """Correct predicted / predicted and found gold / gold, for one slot or the sum."""

    p_num: int = 0
    p_den: int = 0
    r_num: int = 0
    r_den: int = 0

    def add(self, other: Counts) -> None:
        self.p_num += other.p_num
        self.p_den += other.p_den
        self.r_num += other.r_num
        self.r_den += other.r_den

    @property
    def p(self) -> float:
        return self.p_num / self.p_den if self.p_den else 0.0

    @property
    def r(self) -> float:
        return self.r_num / self.r_den if self.r_den else 0.0

    @property
    def f1(self) -> float:
        p, r = self.p, self.r
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "r": self.r, "f1": self.f1}


@dataclass
class Score:
    """Summed counts per slot; `micro` sums all slots, as the reference's micro average."""

    slots: dict[str, Counts] = field(default_factory=lambda: {s: Counts() for s in SLOTS})

    @property
    def micro(self) -> Counts:
        total = Counts()
        for counts in self.slots.values():
            total.add(counts)
        return total

    def add(self, other: Score) -> None:
        for slot, counts in other.slots.items():
            self.slots[slot].add(counts)

    def as_json(self) -> dict[str, Any]:
        return {
            "micro": self.micro.as_dict(),
            "roles": {slot: self.slots[slot].as_dict() for slot in SLOTS},
        }


def _clean(template: Mapping[str, Any]) -> Template:
    """A normalised copy with every role present (mentions as plain strings)."""
    out: Template = {TYPE_SLOT: template.get(TYPE_SLOT)}
    if not isinstance(out[TYPE_SLOT], str):
        out[TYPE_SLOT] = "attack"  # what the reference substitutes for a non-string type
    for role in ROLES:
        out[role] = [[normalize_mention(str(m)) for m in e] for e in template.get(role) or []]
    return out


def gold_templates(raw: Sequence[Mapping[str, Any]]) -> list[Template]:
    """A document's gold templates as the reference reads them: deduplicated, normalised."""
    seen: list[Template] = []
    for template in raw:
        plain: Template = {TYPE_SLOT: template.get(TYPE_SLOT)}
        for role in ROLES:
            ents = [[m[0] for m in e] for e in template.get(role) or []]
            plain[role] = [e for e in ents if e]
        if plain not in seen:
            seen.append(plain)
    return [_clean(t) for t in seen]


def pred_templates(raw: Sequence[Mapping[str, Any]]) -> list[Template]:
    return [_clean(t) for t in raw]


def _entity_ok(pred: Entity, gold: Entity) -> bool:
    return all(m in gold for m in pred)


def pair_counts(pred: Template, gold: Template) -> Score:
    """Counts for one paired template (type included; the pair is assumed compatible)."""
    score = Score()
    score.slots[TYPE_SLOT] = Counts(1, 1, 1, 1)
    for role in ROLES:
        p_ents, g_ents = pred[role], gold[role]
        score.slots[role] = Counts(
            p_num=sum(any(_entity_ok(p, g) for g in g_ents) for p in p_ents),
            p_den=len(p_ents),
            r_num=sum(any(_entity_ok(p, g) for p in p_ents) for g in g_ents),
            r_den=len(g_ents),
        )
    return score


def _alone(template: Template, predicted: bool) -> Score:
    """Counts for an unpaired template: only denominators."""
    score = Score()
    for slot in SLOTS:
        n = 1 if slot == TYPE_SLOT else len(template[slot])
        score.slots[slot] = Counts(p_den=n) if predicted else Counts(r_den=n)
    return score


def compatible(pred: Template, gold: Template) -> bool:
    return str(pred[TYPE_SLOT]) in str(gold[TYPE_SLOT])


# Up to this many pairings per document, try them all in the reference's order, so that
# ties between pairings of equal F1 are broken as the reference breaks them.
EXHAUSTIVE_LIMIT = 20_000
# Beyond that, an exact dynamic programme while its state space stays this small; past it
# (a dozen templates on each side, far more than the reference itself could try) the best
# of several weighted assignments, which may miss the optimum (documented, rare).
PARETO_LIMIT = 20_000


def _pairings_count(n_pred: int, n_gold: int) -> int:
    """How many pairings the reference tries: injective maps into gold, or unpaired."""
    total, ways = 0, 1  # ways = C(n_pred, k) * n_gold! / (n_gold - k)!
    for k in range(min(n_pred, n_gold) + 1):
        if k:
            ways = ways * (n_pred - k + 1) * (n_gold - k + 1) // k
        total += ways
    return total


def best_pairing(pred: list[Template], gold: list[Template]) -> dict[int, int]:
    """pred index -> gold index of the pairing with the highest document F1."""
    gain = {
        (i, j): pair_counts(p, g).micro
        for i, p in enumerate(pred)
        for j, g in enumerate(gold)
        if compatible(p, g)
    }
    gains = {k: (c.p_num, c.r_num) for k, c in gain.items()}
    p_den = sum(_alone(t, True).micro.p_den for t in pred)
    r_den = sum(_alone(t, False).micro.r_den for t in gold)
    if _pairings_count(len(pred), len(gold)) <= EXHAUSTIVE_LIMIT:
        return _enumerate(len(pred), len(gold), gains, p_den, r_den)
    usable = len({j for _, j in gains})
    if len(pred) * 2 ** min(usable, len(gold)) <= PARETO_LIMIT:
        return _pareto_search(len(pred), len(gold), gains, p_den, r_den)
    return _assignment_search(len(pred), len(gold), gains, p_den, r_den)


Gains = dict[tuple[int, int], tuple[int, int]]


def _enumerate(n_pred: int, n_gold: int, gains: Gains, p_den: int, r_den: int) -> dict[int, int]:
    """Every pairing in the reference's order (gold 0, 1, ..., then unpaired; the first
    template varies slowest); the first with the highest F1 wins. A template assigned to a
    gold template of another type still occupies it, as in the reference."""
    best_f = -1.0
    best: dict[int, int] = {}
    chosen: list[int] = []

    def walk(i: int, used: frozenset[int], a: int, b: int) -> None:
        nonlocal best_f, best
        if i == n_pred:
            f = Counts(a, p_den, b, r_den).f1
            if f > best_f:
                best_f = f
                best = {k: j for k, j in enumerate(chosen) if (k, j) in gains}
            return
        for j in [*range(n_gold), -1]:
            if j in used:
                continue
            da, db = gains.get((i, j), (0, 0))
            chosen.append(j)
            walk(i + 1, used | {j} if j >= 0 else used, a + da, b + db)
            chosen.pop()

    walk(0, frozenset(), 0, 0)
    return best


Front = dict[tuple[int, int], tuple[tuple[int, int], ...]]


def _pareto_search(
    n_pred: int, n_gold: int, gains: Gains, p_den: int, r_den: int
) -> dict[int, int]:
    """The same optimum for documents with too many pairings to try: a dynamic programme
    over (template, gold templates used, as a bit mask) keeping the Pareto front of
    (correct predicted, found gold), since F1 grows with both."""
    states: dict[int, Front] = {0: {(0, 0): ()}}
    for i in range(n_pred):
        choices = [(j, gains[(i, j)]) for j in range(n_gold) if (i, j) in gains]
        nxt: dict[int, Front] = {}
        for used, front in states.items():
            _merge(nxt, used, front, 0, 0, ())
            for j, (da, db) in choices:
                if not used >> j & 1:
                    _merge(nxt, used | 1 << j, front, da, db, ((i, j),))
        states = {u: _pareto(b) for u, b in nxt.items()}
    best: tuple[float, tuple[tuple[int, int], ...]] = (-1.0, ())
    for front in states.values():
        for (a, b), picked in front.items():
            f = Counts(a, p_den, b, r_den).f1
            if f > best[0]:
                best = (f, picked)
    return dict(best[1])


def _assignment_search(
    n_pred: int, n_gold: int, gains: Gains, p_den: int, r_den: int
) -> dict[int, int]:
    """Best F1 among the optimal assignments for weights w * correct + (1 - w) * found."""
    best: tuple[float, dict[int, int]] = (-1.0, {})
    for w in (0.0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0):
        matrix = np.zeros((n_pred, n_gold))
        for (i, j), (a, b) in gains.items():
            matrix[i, j] = w * a + (1 - w) * b + 1e-6 * (a + b)
        rows, cols = linear_sum_assignment(matrix, maximize=True)
        pairing = {int(i): int(j) for i, j in zip(rows, cols, strict=True) if (i, j) in gains}
        a = sum(gains[(i, j)][0] for i, j in pairing.items())
        b = sum(gains[(i, j)][1] for i, j in pairing.items())
        f = Counts(a, p_den, b, r_den).f1
        if f > best[0]:
            best = (f, pairing)
    return best[1]


def _merge(
    into: dict[int, Front],
    used: int,
    front: Front,
    da: int,
    db: int,
    step: tuple[tuple[int, int], ...],
) -> None:
    bucket = into.setdefault(used, {})
    for (a, b), picked in front.items():
        key = (a + da, b + db)
        if key not in bucket:
            bucket[key] = picked + step


def _pareto(bucket: Front) -> Front:
    keys = sorted(bucket, key=lambda k: (-k[0], -k[1]))
    kept: Front = {}
    best_b = -1
    for a, b in keys:
        if b > best_b:
            kept[(a, b)] = bucket[(a, b)]
            best_b = b
    return kept


def score_document(pred: list[Template], gold: list[Template]) -> tuple[Score, dict[int, int]]:
    """One document's counts under its best pairing, and the pairing."""
    pairing = best_pairing(pred, gold)
    score = Score()
    for i, template in enumerate(pred):
        if i in pairing:
            score.add(pair_counts(template, gold[pairing[i]]))
        else:
            score.add(_alone(template, True))
    paired_gold = set(pairing.values())
    for j, template in enumerate(gold):
        if j not in paired_gold:
            score.add(_alone(template, False))
    return score, pairing


def score_corpus(
    preds: Mapping[str, Sequence[Mapping[str, Any]]],
    golds: Mapping[str, Sequence[Mapping[str, Any]]],
) -> Score:
    """Sum over the gold documents; a document missing from `preds` predicted nothing.

    `golds` values are processed-JSON templates (mentions with offsets); `preds` values are
    GTT prediction templates (mentions as plain strings).
    """
    total = Score()
    for key, raw_gold in golds.items():
        doc_score, _ = score_document(pred_templates(preds.get(key, [])), gold_templates(raw_gold))
        total.add(doc_score)
    return total
