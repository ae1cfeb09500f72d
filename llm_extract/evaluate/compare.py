"""Two configurations scored on the same gold, side by side.

Used to choose between backends, models, strategies or prompt versions by measurement:
`llm-extract eval --gold DIR --compare A.jsonl B.jsonl`.
"""

from __future__ import annotations

import json

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from llm_extract.evaluate.metrics import LOWER_IS_BETTER, METRIC_NAMES, EvalReport


class MetricDelta(BaseModel):
    """One metric for A and B; `delta` is B - A (None when either is undefined)."""

    metric: str
    a: float | None
    b: float | None
    delta: float | None
    better: str | None  # "a", "b" or None (equal or undefined)


def compare_reports(a: EvalReport, b: EvalReport) -> list[MetricDelta]:
    """Per-metric values and differences, in the report's metric order."""
    out: list[MetricDelta] = []
    for name in METRIC_NAMES:
        va, vb = a.metrics.get(name), b.metrics.get(name)
        delta = None if va is None or vb is None else vb - va
        better = None
        if delta:
            b_wins = delta < 0 if name in LOWER_IS_BETTER else delta > 0
            better = "b" if b_wins else "a"
        out.append(MetricDelta(metric=name, a=va, b=vb, delta=delta, better=better))
    return out


def _fmt(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def render_comparison(rows: list[MetricDelta], console: Console, names: tuple[str, str]) -> None:
    table = Table(title=f"A = {names[0]}   B = {names[1]}")
    for col in ("metric", "A", "B", "B - A"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for r in rows:
        delta = Text(_fmt(r.delta, True), style={"a": "red", "b": "green"}.get(r.better or "", ""))
        table.add_row(r.metric, _fmt(r.a), _fmt(r.b), delta)
    console.print(table)


def comparison_markdown(rows: list[MetricDelta], names: tuple[str, str]) -> str:
    lines = [
        f"A = `{names[0]}`, B = `{names[1]}`",
        "",
        "| metric | A | B | B - A |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {r.metric} | {_fmt(r.a)} | {_fmt(r.b)} | {_fmt(r.delta, True)} |" for r in rows]
    return "\n".join(lines) + "\n"


def comparison_json(rows: list[MetricDelta], names: tuple[str, str]) -> str:
    return json.dumps(
        {"a": names[0], "b": names[1], "metrics": [r.model_dump() for r in rows]}, indent=2
    )
