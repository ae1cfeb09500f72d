"""Save a report's metrics as a baseline and flag metrics that fell below it.

A regression is a metric that got worse by more than an absolute tolerance (dropped,
or for `casualties.mae` rose), or that had a value in the baseline and is now undefined.
A metric undefined in the baseline cannot regress.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import BaseModel

from llm_extract.evaluate.metrics import LOWER_IS_BETTER, REPORT_VERSION, EvalReport

BASELINE_KIND = "llm-extract-eval-baseline"
EPSILON = 1e-9  # float noise: a drop of exactly the tolerance is not a regression


class BaselineError(ValueError):
    """The baseline file is missing, unreadable or not a baseline."""


class Regression(BaseModel):
    """A metric that got worse than its baseline value allows."""

    metric: str
    baseline: float | None
    current: float | None
    delta: float | None  # current - baseline; None when either is undefined
    reason: str


def baseline_payload(report: EvalReport) -> dict[str, object]:
    """What a baseline file holds: the flat metrics and the counts behind them."""
    return {
        "kind": BASELINE_KIND,
        "version": REPORT_VERSION,
        "metrics": report.metrics,
        "counts": {k: c.model_dump() for k, c in report.counts.items()},
    }


def save_baseline(report: EvalReport, path: str | Path) -> None:
    """Write the report's metrics as baseline JSON (sorted keys, so diffs stay small)."""
    text = json.dumps(baseline_payload(report), indent=2, sort_keys=True)
    Path(path).write_text(text + "\n", encoding="utf-8")


def load_baseline(path: str | Path) -> dict[str, float | None]:
    """Metrics from a baseline file, or from a saved report JSON (both have `metrics`)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from exc
    metrics = data.get("metrics") if isinstance(data, dict) else None
    if not isinstance(metrics, dict):
        raise BaselineError(f"baseline {path} has no `metrics` object")
    out: dict[str, float | None] = {}
    for name, value in metrics.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise BaselineError(f"baseline {path}: metric {name!r} is not a number or null")
        out[str(name)] = None if value is None else float(value)
    return out


def compare_to_baseline(
    report: EvalReport,
    baseline: EvalReport | Mapping[str, float | None],
    tolerance: float = 0.02,
    metrics: Iterable[str] | None = None,
) -> list[Regression]:
    """Metrics that got worse than the baseline by more than `tolerance` (absolute).

    `metrics` limits the comparison; by default every metric in both is compared. Names
    known to neither the report nor the baseline raise `ValueError`.
    """
    if tolerance < 0:
        raise ValueError(f"tolerance must not be negative, got {tolerance}")
    base = baseline.metrics if isinstance(baseline, EvalReport) else dict(baseline)
    current = report.metrics
    if metrics is None:
        names = sorted(set(base) & set(current))
    else:
        names = sorted(set(metrics))
        unknown = [n for n in names if n not in base and n not in current]
        if unknown:
            raise ValueError(f"unknown metric(s): {', '.join(unknown)}")
    out = []
    for name in names:
        old, new = base.get(name), current.get(name)
        if old is None or name not in current:
            continue
        if new is None:
            out.append(
                Regression(
                    metric=name,
                    baseline=old,
                    current=None,
                    delta=None,
                    reason="had a value in the baseline, now undefined",
                )
            )
            continue
        delta = new - old
        worse = delta if name in LOWER_IS_BETTER else -delta
        if worse > tolerance + EPSILON:
            direction = "rose" if name in LOWER_IS_BETTER else "dropped"
            out.append(
                Regression(
                    metric=name,
                    baseline=old,
                    current=new,
                    delta=delta,
                    reason=f"{direction} by {abs(delta):.4f} > {tolerance}",
                )
            )
    return out
