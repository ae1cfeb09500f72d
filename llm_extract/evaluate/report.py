"""Render an `EvalReport` as a rich table, JSON or Markdown.

Each form carries the per-document breakdown, listing every false positive and false
negative with its evidence, so a score change can be traced to the records behind it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from llm_extract.evaluate.baseline import Regression
from llm_extract.evaluate.metrics import KINDS, METRIC_NAMES, DocumentReport, EvalReport, ItemRef

_DOC_COLUMNS = (
    ("events P", "events.precision"),
    ("events R", "events.recall"),
    ("events F1", "events.f1"),
    ("actors F1", "actors.f1"),
    ("casualties F1", "casualties.f1"),
    ("grounding", "evidence.grounding_rate"),
)


def fmt(value: float | None) -> str:
    """Three decimals, or an em dash for an undefined metric."""
    return "—" if value is None else f"{value:.3f}"


def report_json(report: EvalReport, regressions: Sequence[Regression] | None = None) -> str:
    """The report as indented JSON, with `regressions` added when a baseline was compared."""
    data = report.model_dump(mode="json")
    if regressions is not None:
        data["regressions"] = [r.model_dump(mode="json") for r in regressions]
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- markdown --------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_item(ref: ItemRef) -> list[str]:
    head = "mentions" if ref.kind == "actor" else "evidence"
    lines = [f"- {ref.kind} `{ref.id}`: {_cell(ref.label)}"]
    lines += [f"  - {head}: “{_cell(q)}”" for q in ref.evidence]
    return lines


def _md_document(doc: DocumentReport) -> list[str]:
    lines = [f"### {doc.doc_id}", ""]
    if doc.status == "missing":
        lines += ["No prediction for this document: every required gold item is missed.", ""]
    for title, items in (
        ("False negatives", doc.false_negatives),
        ("False positives", doc.false_positives),
    ):
        if items:
            lines += [f"**{title}**", ""]
            for ref in items:
                lines += _md_item(ref)
            lines.append("")
    differing = [m for m in doc.matches if m.differences]
    if differing:
        lines += ["**Matched, with differences**", ""]
        lines += [
            f"- {m.kind} gold `{m.gold_id}` / pred `{m.pred_id}`: "
            + _cell("; ".join(m.differences))
            for m in differing
        ]
        lines.append("")
    if doc.ungrounded:
        lines += ["**Evidence not found in the article**", ""]
        lines += [f"- {q.record}: “{_cell(q.quote)}”" for q in doc.ungrounded]
        lines.append("")
    if len(lines) == 2:
        lines += ["No errors.", ""]
    return lines


def report_markdown(report: EvalReport, regressions: Sequence[Regression] | None = None) -> str:
    """The report as Markdown: metrics, counts, per-document scores and breakdown."""
    lines = ["# Evaluation report", "", "## Metrics", "", "| metric | value |", "|---|---|"]
    lines += [f"| {name} | {fmt(report.metrics.get(name))} |" for name in METRIC_NAMES]
    lines += ["", "## Counts", "", "| records | TP | FP | FN | ignored (optional) |"]
    lines.append("|---|---|---|---|---|")
    for kind in KINDS:
        c = report.counts[kind]
        lines.append(f"| {kind} | {c.tp} | {c.fp} | {c.fn} | {c.ignored} |")
    ev = report.evidence
    lines += [
        "",
        f"Evidence quotes found: {ev.found} of {ev.total} "
        f"(exact {ev.exact}, normalized {ev.normalized}, fuzzy {ev.fuzzy}).",
        "",
    ]
    lines += ["## Documents", ""]
    lines.append("| document | status | " + " | ".join(h for h, _ in _DOC_COLUMNS) + " |")
    lines.append("|---" * (len(_DOC_COLUMNS) + 2) + "|")
    for doc in report.documents:
        cells = [fmt(doc.metrics.get(m)) for _, m in _DOC_COLUMNS]
        lines.append(f"| {doc.doc_id} | {doc.status} | " + " | ".join(cells) + " |")
    lines += ["", "## Breakdown", ""]
    for doc in report.documents:
        lines += _md_document(doc)
    if report.unscored:
        lines += ["## Unscored predictions (no gold)", ""]
        lines += [f"- {d}" for d in report.unscored] + [""]
    if report.load_issues:
        lines += ["## Load issues", ""]
        lines += [
            f"- {i.severity}: `{_cell(i.where())}`: {_cell(i.message)}" for i in report.load_issues
        ] + [""]
    if regressions is not None:
        lines += ["## Baseline comparison", ""]
        lines += [_regression_line(r) for r in regressions] or ["No regressions."]
        lines.append("")
    return "\n".join(lines)


def _regression_line(r: Regression) -> str:
    return f"- REGRESSION {r.metric}: {fmt(r.baseline)} → {fmt(r.current)} ({r.reason})"


# --- rich ------------------------------------------------------------------------------


def metrics_table(report: EvalReport) -> Table:
    """Metric values beside the counts they come from."""
    table = Table(title="Evaluation")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name in METRIC_NAMES:
        table.add_row(name, fmt(report.metrics.get(name)))
    return table


def counts_table(report: EvalReport) -> Table:
    table = Table(title="Counts")
    for col in ("records", "TP", "FP", "FN", "ignored"):
        table.add_column(col, justify="left" if col == "records" else "right")
    for kind in KINDS:
        c = report.counts[kind]
        table.add_row(kind, str(c.tp), str(c.fp), str(c.fn), str(c.ignored))
    return table


def documents_table(report: EvalReport) -> Table:
    table = Table(title="Documents")
    table.add_column("document")
    table.add_column("status")
    for head, _ in _DOC_COLUMNS:
        table.add_column(head, justify="right")
    for doc in report.documents:
        table.add_row(doc.doc_id, doc.status, *(fmt(doc.metrics.get(m)) for _, m in _DOC_COLUMNS))
    return table


def breakdown(report: EvalReport) -> Text:
    """Every FP / FN with its evidence, per document, as plain rich text."""
    return Text("\n".join(line for doc in report.documents for line in _md_document(doc)))


def render_report(
    report: EvalReport, console: Console, regressions: Sequence[Regression] | None = None
) -> None:
    """Print tables, then the breakdown, load issues and baseline comparison."""
    console.print(Group(metrics_table(report), counts_table(report), documents_table(report)))
    console.print(breakdown(report))
    if report.unscored:
        console.print(Text("Unscored predictions (no gold): " + ", ".join(report.unscored)))
    for issue in report.load_issues:
        console.print(Text(f"{issue.severity}: {issue.where()}: {issue.message}"))
    if regressions is not None:
        if not regressions:
            console.print("No regressions against the baseline.")
        for r in regressions:
            console.print(Text(_regression_line(r)), style="bold red")
