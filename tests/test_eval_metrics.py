"""`evaluate` on hand-built gold and predictions, with every number worked out by hand,
on the seed gold against itself, and under shuffled input order."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from llm_extract.evaluate import (
    METRIC_NAMES,
    evaluate,
    load_gold_dir,
    load_predictions,
    report_json,
    report_markdown,
)
from llm_extract.models import Document

SEED_GOLD = Path(__file__).resolve().parent.parent / "seeds" / "gold"


def ev(id: str, etype: str, sub: str, place: str, start: str | None, **kw: Any) -> dict[str, Any]:
    return {
        "id": id,
        "event_type": etype,
        "sub_event_type": sub,
        "location": {"name": place, "admin1": kw.pop("admin1", None), "country": "Syria"},
        "date": {"start": start, "end": kw.pop("end", start), "precision": "day"},
        **kw,
    }


def cas(
    id: str, outcome: str, low: int | None, best: int | None, high: int | None, **kw: Any
) -> dict[str, Any]:
    return {"id": id, "outcome": outcome, "count": {"low": low, "best": best, "high": high}, **kw}


BATTLE, BOMB, STRAT = "Battles", "Explosions/Remote violence", "Strategic developments"

GOLD = Document.model_validate(
    {
        "doc_id": "g1",
        "published": "2016-01-13",
        "actors": [
            {
                "id": "a1",
                "name": "Military Forces of Syria",
                "actor_type": "state_forces",
                "mentions": ["Syrian army", "regime troops"],
            },
            {
                "id": "a2",
                "name": "Syrian rebel groups",
                "actor_type": "rebel_group",
                "mentions": ["rebels"],
            },
            {
                "id": "a3",
                "name": "Islamic State",
                "actor_type": "rebel_group",
                "mentions": ["IS"],
                "optional": True,
            },
        ],
        "events": [
            ev(
                "e1",
                BATTLE,
                "Armed clash",
                "Salma",
                "2016-01-10",
                admin1="Latakia",
                actor1=["a1"],
                actor2=["a2"],
            ),
            ev(
                "e2",
                BOMB,
                "Air/drone strike",
                "Manbij",
                "2016-01-12",
                admin1="Aleppo",
                actor1=["a1"],
            ),
            ev(
                "e3",
                BATTLE,
                "Government regains territory",
                "Kadeen",
                "2016-01-11",
                admin1="Latakia",
                actor1=["a1"],
                actor2=["a2"],
            ),
            ev("e4", STRAT, "Other", "Geneva", "2016-01-13", optional=True),
            ev("e5", BATTLE, "Armed clash", "Latakia", None, admin1="Latakia", optional=True),
        ],
        "casualties": [
            cas("c1", "killed", 21, 21, 21, event="e2", victim_type="civilians"),
            cas("c2", "injured", 10, 10, None),  # "more than 10": open above
            cas("c3", "killed", 35, 35, 35, optional=True),
            cas("c4", "displaced", 1000, 1000, None, optional=True),  # "thousands"
            cas("c5", "killed", 10, 10, 15),  # "between 10 and 15"
        ],
    }
)

PRED = Document.model_validate(
    {
        "doc_id": "g1",
        "actors": [
            {"id": "p1", "name": "Syrian Army", "actor_type": "state_forces"},  # a1 by mention
            {"id": "p2", "name": "Rebels", "actor_type": "political_militia"},  # a2, wrong type
            {"id": "p3", "name": "Hezbollah", "actor_type": "external_forces"},  # spurious
        ],
        "events": [
            # e1 with the wrong sub-type; exact date; same place after folding.
            ev(
                "x1",
                BATTLE,
                "Government regains territory",
                "the town of Salma",
                "2016-01-10",
                actor1=["p1"],
                actor2=["p2"],
                evidence=["Regime troops clashed with rebels in Salma on Sunday."],
            ),
            # e2 with a date one day early that still overlaps; "Manbij city" contains
            # "Manbij"; actor1 has an extra actor.
            ev(
                "x2",
                BOMB,
                "Air/drone strike",
                "Manbij city",
                "2016-01-11",
                end="2016-01-12",
                actor1=["p1", "p3"],
                evidence=["REGIME   jets struck\nManbij"],
            ),
            # spurious
            ev(
                "x3",
                BOMB,
                "Shelling/artillery/missile attack",
                "Homs",
                "2016-01-12",
                evidence=["Shelling hit Homs overnigth"],
            ),
            # the optional e4, predicted
            ev("x4", STRAT, "Other", "Geneva", "2016-01-13"),
            # e3 one day late: no overlap, so e3 is missed and x5 is spurious
            ev(
                "x5",
                BATTLE,
                "Government regains territory",
                "Kadeen",
                "2016-01-12",
                evidence=["Government forces retook Kadeen on Tuesday."],
            ),
        ],
        "casualties": [
            cas("y1", "killed", 21, 21, 21, event="x2", evidence="21 people were killed"),
            cas("y2", "injured", 12, 12, 15),  # inside c2's [10, inf)
            cas("y3", "killed", 16, 16, 16),  # outside c5's [10, 15]
            cas("y4", "displaced", 1000, 1000, None),  # the optional c4, predicted
        ],
    }
)

TEXT = (
    "Regime troops clashed with rebels in Salma on Sunday. Regime jets struck Manbij on "
    "Tuesday, and 21 people were killed. Shelling hit Homs overnight.\u00a0Thousands fled."
)


def test_hand_worked_document() -> None:
    report = evaluate({"g1": GOLD}, {"g1": PRED}, {"g1": TEXT})
    m = report.metrics
    # Events: TP x1-e1, x2-e2; x4-e4 ignored (optional); FP x3, x5; FN e3; e5 (optional,
    # not predicted) is no FN.
    assert report.counts["events"].model_dump() == {"tp": 2, "fp": 2, "fn": 1, "ignored": 1}
    assert m["events.precision"] == pytest.approx(2 / 4)
    assert m["events.recall"] == pytest.approx(2 / 3)
    assert m["events.f1"] == pytest.approx(2 * 2 / (2 * 2 + 2 + 1))  # 4/7
    assert m["events.event_type_accuracy"] == 1.0
    assert m["events.sub_event_type_accuracy"] == pytest.approx(1 / 2)  # x1 wrong
    assert m["events.date_accuracy"] == pytest.approx(1 / 2)  # x2 off by one
    assert m["events.location_accuracy"] == pytest.approx(1 / 2)  # "Manbij city"
    # x1: actor1 {MFS} vs {MFS}, actor2 {rebels} vs {rebels} -> 1.0;
    # x2: actor1 {MFS} vs {MFS, Hezbollah} = 1/2, actor2 {} vs {} = 1 -> 0.75.
    assert m["events.actor_agreement"] == pytest.approx((1.0 + 0.75) / 2)
    # Actors: p1-a1, p2-a2 TP; p3 FP; a3 optional, not predicted.
    assert report.counts["actors"].model_dump() == {"tp": 2, "fp": 1, "fn": 0, "ignored": 0}
    assert m["actors.precision"] == pytest.approx(2 / 3)
    assert m["actors.recall"] == 1.0
    assert m["actors.f1"] == pytest.approx(4 / 5)
    assert m["actors.actor_type_accuracy"] == pytest.approx(1 / 2)
    # Casualties: y1-c1 (21 = 21), y2-c2 (12 vs 10) TP; y4-c4 ignored; y3 FP; c5 FN.
    assert report.counts["casualties"].model_dump() == {"tp": 2, "fp": 1, "fn": 1, "ignored": 1}
    assert m["casualties.precision"] == pytest.approx(2 / 3)
    assert m["casualties.recall"] == pytest.approx(2 / 3)
    assert m["casualties.f1"] == pytest.approx(2 / 3)
    assert m["casualties.best_exact"] == pytest.approx(1 / 2)
    assert m["casualties.mae"] == pytest.approx((0 + 2) / 2)
    # Evidence: x1 exact, x2 folded, x3 fuzzy, y1 exact, x5 not found -> 4 of 5.
    assert report.evidence.model_dump() == {"total": 5, "exact": 2, "normalized": 1, "fuzzy": 1}
    assert m["evidence.grounding_rate"] == pytest.approx(4 / 5)

    (doc,) = report.documents
    assert doc.metrics == m  # one document: per-document equals micro
    assert [(r.kind, r.id) for r in doc.false_negatives] == [("event", "e3"), ("casualty", "c5")]
    assert [(r.kind, r.id) for r in doc.false_positives] == [
        ("actor", "p3"),
        ("event", "x3"),
        ("event", "x5"),
        ("casualty", "y3"),
    ]
    assert doc.false_negatives[0].evidence == []  # gold built without evidence
    assert doc.false_positives[2].evidence == ["Government forces retook Kadeen on Tuesday."]
    assert [q.record for q in doc.ungrounded] == ["event x5"]
    ignored = [(p.gold_id, p.pred_id) for p in doc.matches if p.optional]
    assert ignored == [("e4", "x4"), ("c4", "y4")]
    md = report_markdown(report)
    assert "event `x5`" in md and "Government forces retook Kadeen on Tuesday." in md
    assert "event `e3`" in md and "sub_event_type: gold 'Armed clash'" in md


def test_missing_and_unscored_documents() -> None:
    g2 = Document.model_validate(
        {
            "doc_id": "g2",
            "actors": [{"id": "a1", "name": "Al Shabaab", "actor_type": "rebel_group"}],
            "events": [
                ev("e1", BATTLE, "Armed clash", "Mogadishu", "2016-02-01"),
                ev("e2", BOMB, "Suicide bomb", "Mogadishu", "2016-02-02"),
                ev("e3", BATTLE, "Armed clash", "Baidoa", "2016-01-01", optional=True),
            ],
            "casualties": [cas("c1", "killed", 5, 5, 5)],
        }
    )
    orphan = Document(doc_id="orphan", events=PRED.events[2:3])
    report = evaluate({"g2": g2, "g1": GOLD}, {"g1": PRED, "orphan": orphan}, {"g1": TEXT})
    m = report.metrics
    # g2 adds 2 FN events (not the optional one), 1 FN actor, 1 FN casualty.
    assert report.counts["events"].model_dump() == {"tp": 2, "fp": 2, "fn": 3, "ignored": 1}
    assert m["events.precision"] == pytest.approx(2 / 4)
    assert m["events.recall"] == pytest.approx(2 / 5)
    assert m["events.f1"] == pytest.approx(4 / 9)
    assert m["actors.f1"] == pytest.approx(4 / (4 + 1 + 1))
    assert m["casualties.recall"] == pytest.approx(2 / 4)
    assert m["casualties.f1"] == pytest.approx(4 / (4 + 1 + 2))
    assert m["events.sub_event_type_accuracy"] == pytest.approx(1 / 2)  # pairs unchanged
    assert m["evidence.grounding_rate"] == pytest.approx(4 / 5)  # orphan not counted
    assert report.unscored == ["orphan"]
    assert [d.doc_id for d in report.documents] == ["g1", "g2"]
    missing = report.documents[1]
    assert missing.status == "missing"
    assert missing.metrics["events.precision"] is None  # nothing predicted
    assert missing.metrics["events.recall"] == 0.0
    assert missing.metrics["events.f1"] == 0.0
    assert missing.metrics["events.sub_event_type_accuracy"] is None  # no pairs
    assert missing.evidence is None
    assert [r.id for r in missing.false_negatives] == ["a1", "e1", "e2", "c1"]


def test_undefined_metrics_are_none() -> None:
    empty = Document(doc_id="d")
    report = evaluate({"d": empty}, {"d": empty})
    assert set(report.metrics) == set(METRIC_NAMES)
    assert all(v is None for v in report.metrics.values())
    assert '"events.f1": null' in report_json(report)


def _check_perfect(report_metrics: dict[str, float | None]) -> None:
    for name, value in report_metrics.items():
        if value is None:
            continue
        assert value == (0.0 if name == "casualties.mae" else 1.0), name


def test_seed_gold_scores_perfectly_against_itself() -> None:
    gold, issues, texts = load_gold_dir(SEED_GOLD)
    assert issues == []
    assert sorted(gold) == ["000_4c7802ff51b8819f", "003_083b7cf5f0b80020"]
    assert sorted(texts) == sorted(gold)
    report = evaluate(gold, gold, texts)
    assert all(report.metrics[name] is not None for name in METRIC_NAMES)
    _check_perfect(report.metrics)
    for doc in report.documents:
        _check_perfect(doc.metrics)
        assert doc.false_positives == [] and doc.false_negatives == [] and doc.ungrounded == []
        assert all(p.gold_id == p.pred_id and not p.differences for p in doc.matches)
    # 003 has only an optional casualty: nothing to score there, so None, not 0 or 1.
    assert report.documents[1].metrics["casualties.f1"] is None

    pred, pred_issues = load_predictions(SEED_GOLD)
    assert pred_issues == []
    assert report_json(evaluate(gold, pred, texts)) == report_json(report)


def _shuffled(doc: Document, rng: random.Random) -> Document:
    copy = doc.model_copy(deep=True)
    for items in (copy.actors, copy.events, copy.casualties):
        rng.shuffle(items)
    return copy


def test_report_is_identical_for_any_input_order() -> None:
    gold, _, texts = load_gold_dir(SEED_GOLD)
    gold = {**gold, "g1": GOLD}
    pred = {"g1": PRED, **{k: v for k, v in gold.items() if k != "g1"}}
    texts = {**texts, "g1": TEXT}
    expected = report_json(evaluate(gold, pred, texts))
    rng = random.Random(7)
    for _ in range(5):
        g_items = list(gold.items())
        p_items = list(pred.items())
        rng.shuffle(g_items)
        rng.shuffle(p_items)
        shuffled_gold = {k: _shuffled(v, rng) for k, v in g_items}
        shuffled_pred = {k: _shuffled(v, rng) for k, v in p_items}
        assert report_json(evaluate(shuffled_gold, shuffled_pred, texts)) == expected
