"""Baseline save / load / compare, including undefined (None) metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_extract.evaluate import (
    BaselineError,
    EvalReport,
    compare_to_baseline,
    evaluate,
    load_baseline,
    save_baseline,
)
from llm_extract.evaluate.metrics import EvidenceCounts


def report(**metrics: float | None) -> EvalReport:
    return EvalReport(metrics=metrics, counts={}, evidence=EvidenceCounts(), documents=[])


def test_drops_beyond_tolerance_are_regressions() -> None:
    base = {"events.f1": 0.80, "actors.f1": 0.80, "casualties.f1": 0.80, "casualties.mae": 1.0}
    now = report(
        **{"events.f1": 0.78, "actors.f1": 0.77, "casualties.f1": 0.90, "casualties.mae": 1.5}
    )
    found = compare_to_baseline(now, base, tolerance=0.02)
    # events.f1 dropped exactly 0.02: allowed. mae rose 0.5: lower is better, so a regression.
    assert [r.metric for r in found] == ["actors.f1", "casualties.mae"]
    assert found[0].delta == pytest.approx(-0.03)
    assert found[1].delta == pytest.approx(0.5) and "rose" in found[1].reason
    assert compare_to_baseline(now, base, tolerance=0.6) == []


def test_none_handling() -> None:
    base = {"events.f1": None, "casualties.best_exact": 1.0, "actors.f1": 0.5}
    now = report(**{"events.f1": 0.1, "casualties.best_exact": None, "actors.f1": 0.5})
    (reg,) = compare_to_baseline(now, base)
    # Undefined in the baseline cannot regress; defined then undefined now does.
    assert reg.metric == "casualties.best_exact"
    assert reg.current is None and reg.delta is None


def test_metric_selection_and_errors() -> None:
    base = {"events.f1": 0.9, "actors.f1": 0.9}
    now = report(**{"events.f1": 0.1, "actors.f1": 0.1})
    assert [r.metric for r in compare_to_baseline(now, base, metrics=["actors.f1"])] == [
        "actors.f1"
    ]
    with pytest.raises(ValueError, match="unknown metric"):
        compare_to_baseline(now, base, metrics=["events.f2"])
    with pytest.raises(ValueError, match="tolerance"):
        compare_to_baseline(now, base, tolerance=-0.1)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    from llm_extract.models import Document

    empty = Document(doc_id="d")
    rep = evaluate({"d": empty}, {"d": empty})
    path = tmp_path / "baseline.json"
    save_baseline(rep, path)
    data = json.loads(path.read_text())
    assert data["kind"] == "llm-extract-eval-baseline"
    assert load_baseline(path) == rep.metrics
    assert compare_to_baseline(rep, load_baseline(path)) == []
    assert compare_to_baseline(rep, rep) == []  # a report works as a baseline too

    (tmp_path / "bad.json").write_text('{"metrics": {"events.f1": "high"}}')
    with pytest.raises(BaselineError, match="not a number"):
        load_baseline(tmp_path / "bad.json")
    with pytest.raises(BaselineError):
        load_baseline(tmp_path / "absent.json")
