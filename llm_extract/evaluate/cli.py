"""`llm-extract eval`: score a run against gold, and fail when it regresses.

Exit codes: 0 ok, 1 a metric regressed against the baseline, 2 usage error (bad paths,
options or baseline file, or no gold document could be loaded).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from llm_extract.cli_errors import usage_error
from llm_extract.cli_options import JsonOutput
from llm_extract.evaluate.baseline import (
    BaselineError,
    Regression,
    compare_to_baseline,
    load_baseline,
    save_baseline,
)
from llm_extract.evaluate.compare import (
    compare_reports,
    comparison_json,
    comparison_markdown,
    render_comparison,
)
from llm_extract.evaluate.loading import LoadIssue, issue_sort_key, load_gold_dir, load_predictions
from llm_extract.evaluate.metrics import METRIC_NAMES, evaluate
from llm_extract.evaluate.report import render_report, report_json, report_markdown
from llm_extract.models import Document

EXIT_OK = 0
EXIT_REGRESSION = 1


def eval_command(
    gold: Annotated[Path, typer.Option("--gold", help="Directory of <doc_id>.gold.json files.")],
    pred: Annotated[
        Path | None,
        typer.Option("--pred", help="Run JSONL, or a directory of gold-format JSON files."),
    ] = None,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option("--compare", help="Score two runs (A B) on the same gold, side by side."),
    ] = None,
    run: Annotated[
        bool,
        typer.Option("--run", help="Extract the gold articles with the configured backend first."),
    ] = False,
    backend: Annotated[
        str | None, typer.Option("--backend", help="With --run: backend to extract with.")
    ] = None,
    json_output: JsonOutput = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the report as Markdown.")
    ] = False,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Baseline JSON to compare against.")
    ] = None,
    tolerance: Annotated[
        float, typer.Option("--tolerance", help="Largest allowed absolute drop per metric.")
    ] = 0.02,
    save_baseline_to: Annotated[
        Path | None,
        typer.Option("--save-baseline", help="Write this run's metrics as a baseline."),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option("--metric", help="Compare only this metric (repeatable)."),
    ] = None,
) -> None:
    """Score predictions against gold annotations; exit 1 when a metric regressed."""
    err = Console(stderr=True)
    if json_output and markdown:
        raise usage_error("--json and --markdown are exclusive")
    if tolerance < 0:
        raise usage_error(f"--tolerance must not be negative, got {tolerance}")
    unknown = sorted(set(metric or []) - set(METRIC_NAMES))
    if unknown:
        known = ", ".join(METRIC_NAMES)
        raise usage_error(f"unknown metric(s) {', '.join(unknown)}; known: {known}")
    if not gold.is_dir():
        raise usage_error(f"--gold {gold} is not a directory")
    if [pred is not None, compare is not None, run].count(True) != 1:
        raise usage_error("give exactly one of --pred PATH, --compare A B, or --run")
    for path in [*(compare or ()), *([pred] if pred else [])]:
        if not path.exists():
            raise usage_error(f"{path} does not exist")
    base = None
    if baseline is not None:
        try:
            base = load_baseline(baseline)
        except BaselineError as exc:
            raise usage_error(str(exc)) from exc

    gold_docs, gold_issues, texts = load_gold_dir(gold)
    if not gold_docs:
        for issue in gold_issues:
            err.print(f"{issue.where()}: {issue.message}", markup=False, highlight=False)
        raise usage_error(f"no gold document could be loaded from {gold}")
    if compare is not None:
        reports = [evaluate(gold_docs, load_predictions(p)[0], texts) for p in compare]
        rows = compare_reports(reports[0], reports[1])
        names = (str(compare[0]), str(compare[1]))
        _show(
            json_output,
            markdown,
            lambda: comparison_json(rows, names),
            lambda: comparison_markdown(rows, names),
            lambda console: render_comparison(rows, console, names),
        )
        return
    pred_issues: list[LoadIssue] = []
    if run:
        from llm_extract.errors import ConfigurationError

        try:
            pred_docs = extract_gold_articles(gold_docs, texts, backend)
        except ConfigurationError as exc:
            raise usage_error(str(exc)) from exc
    else:
        assert pred is not None
        pred_docs, pred_issues = load_predictions(pred)
    report = evaluate(gold_docs, pred_docs, texts)
    report.load_issues = sorted([*gold_issues, *pred_issues], key=issue_sort_key)

    regressions: list[Regression] | None = None
    if base is not None:
        regressions = compare_to_baseline(report, base, tolerance, metric or None)
    if save_baseline_to is not None:
        save_baseline(report, save_baseline_to)

    _show(
        json_output,
        markdown,
        lambda: report_json(report, regressions),
        lambda: report_markdown(report, regressions),
        lambda console: render_report(report, console, regressions),
    )
    if regressions:
        for r in regressions:
            err.print(f"regression: {r.metric}: {r.reason}", markup=False, highlight=False)
        raise typer.Exit(code=EXIT_REGRESSION)


def _show(
    json_output: bool,
    markdown: bool,
    as_json: Callable[[], str],
    as_markdown: Callable[[], str],
    render: Callable[[Console], None],
) -> None:
    """Print a report or a comparison in the form asked for: JSON, Markdown or a table."""
    if json_output:
        typer.echo(as_json())
    elif markdown:
        typer.echo(as_markdown())
    else:
        render(Console())


def extract_gold_articles(
    gold_docs: dict[str, Document], texts: dict[str, str], backend: str | None
) -> dict[str, Document]:
    """Run the configured extractor over the gold articles (the `--run` path)."""
    from llm_extract.article import Article
    from llm_extract.extract import Extractor, run_sync
    from llm_extract.settings import load_settings

    settings = load_settings(backend=backend)
    extractor = Extractor(settings)
    articles = [
        Article(doc_id=d, text=texts[d], published=g.published, source=g.source)
        for d, g in sorted(gold_docs.items())
        if d in texts
    ]

    async def go() -> dict[str, Document]:
        out: dict[str, Document] = {}
        try:
            async for result in extractor.aextract_many(articles):
                if result.document is not None:
                    out[result.doc_id] = result.document
        finally:
            await extractor.aclose()
        return out

    return run_sync(go())


def register(app: typer.Typer) -> None:
    """Add the `eval` command to an app (the main `llm-extract` CLI)."""
    app.command("eval")(eval_command)
