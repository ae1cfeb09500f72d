"""`llm-extract bench muc4`: extract a MUC-4 split with the normal pipeline, map the
records to templates, score them with CEAF-REE and write GTT-format predictions.

Exit codes: 0 every document extracted, 1 some documents failed (they are listed, and
scored as predicting nothing), 2 usage or configuration error (one line on stderr).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from llm_extract.cli_errors import finished, usage_error
from llm_extract.cli_options import (
    AskingOptions,
    JsonOutput,
    ModelOptions,
    Quiet,
    settings_from_options,
    with_groups,
)
from llm_extract.errors import ConfigurationError, InputError
from llm_extract.models import ExtractionResult
from llm_extract.muc4.agreement import Agreement, document_agreement
from llm_extract.muc4.corpus import CorpusError, SplitData, doc_key, read_split
from llm_extract.muc4.keys import read_keys
from llm_extract.muc4.mapping import MucTemplate, to_templates
from llm_extract.muc4.scoring import SLOTS, Score, score_corpus
from llm_extract.output_guard import OutputError
from llm_extract.runner import BatchRun, RunListener, RunSummary
from llm_extract.settings import Settings

bench_app = typer.Typer(help="Benchmarks on public corpora.", no_args_is_help=True)


class SplitName(str, Enum):
    train = "train"
    dev = "dev"
    test = "test"


class TextForm(str, Enum):
    raw = "raw"
    processed = "processed"


@dataclass
class Collector:
    """Keeps every result by doc id and passes progress on to the CLI's listener."""

    inner: RunListener | None = None
    results: dict[str, ExtractionResult] = field(default_factory=dict)

    def started(self, summary: RunSummary) -> None:
        if self.inner:
            self.inner.started(summary)

    def finished_one(self, result: ExtractionResult, summary: RunSummary) -> None:
        self.results[result.doc_id] = result
        if self.inner:
            self.inner.finished_one(result, summary)


@dataclass
class BenchResult:
    """Scores, predictions and failures of one benchmark run."""

    split: str
    docs: int
    score: Score
    predictions: dict[str, dict[str, Any]]
    agreement: Agreement
    failed: list[tuple[str, str]]
    summary: RunSummary

    def as_json(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "docs": self.docs,
            **self.score.as_json(),
            "agreement": self.agreement.as_json(),
            "failed": [{"doc_id": d, "reason": r} for d, r in self.failed],
        }


def articles_jsonl(data: SplitData, text: TextForm, path: Path) -> list[str]:
    """Write the split's documents as run input (JSONL); return the ids without raw text."""
    missing: list[str] = []
    with path.open("w", encoding="utf-8") as out:
        for gold in data.gold:
            raw = data.raw.get(gold.doc_id)
            if text is TextForm.raw and raw is None:
                missing.append(gold.doc_id)
                continue
            body = raw.body if text is TextForm.raw and raw else gold.text
            row: dict[str, Any] = {"id": gold.doc_id, "text": body}
            if raw and raw.published:
                row["published"] = raw.published.isoformat()
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return missing


def run_bench(
    data_dir: Path,
    split: str,
    settings: Settings,
    *,
    text: TextForm = TextForm.processed,
    records: Path | None = None,
    rpm: float | None = None,
    listener: RunListener | None = None,
) -> BenchResult:
    """Extract, map, score. Raises CorpusError for a folder that is not a MUC-4 split,
    OutputError for a `records` file that already holds something (never replaced)."""
    if records is not None and records.exists() and (records.is_dir() or records.stat().st_size):
        what = "is a folder" if records.is_dir() else "already exists"
        raise OutputError(f"--records {records} {what}; give a new file name")
    data = read_split(data_dir, split)
    collector = Collector(listener)
    with tempfile.TemporaryDirectory(prefix="muc4-") as tmp:
        inputs = Path(tmp) / f"{split}.jsonl"
        missing = articles_jsonl(data, text, inputs)
        batch = BatchRun(
            inputs=[inputs],
            settings=settings,
            output=records or Path(tmp) / "records.jsonl",
            rpm=rpm,
            listener=collector,
        )
        summary = batch.run()
    keys = read_keys(data.key_files)
    predictions: dict[str, dict[str, Any]] = {}
    golds: dict[str, list[dict[str, Any]]] = {}
    agreement = Agreement()
    failed = [(d, "no raw text for this document in CORPORA") for d in missing]
    for gold in data.gold:
        result = collector.results.get(gold.doc_id)
        templates: list[MucTemplate] = []
        if result is not None and result.ok and result.document is not None:
            templates = to_templates(result.document)
        elif result is not None:
            err = result.error
            failed.append((gold.doc_id, f"{err.stage}: {err.message}" if err else "failed"))
        elif gold.doc_id not in missing:
            failed.append((gold.doc_id, "no result returned"))
        predictions[gold.key] = {"pred_templates": [t.template for t in templates]}
        golds[gold.key] = gold.templates
        agreement.add(document_agreement(templates, keys.get(gold.doc_id, [])))
    score = score_corpus({k: v["pred_templates"] for k, v in predictions.items()}, golds)
    return BenchResult(split, len(data.gold), score, predictions, agreement, failed, summary)


def write_predictions(path: Path, predictions: dict[str, dict[str, Any]]) -> None:
    """GTT's prediction file, written whole or not at all (temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(predictions, out, ensure_ascii=False, indent=1)
            out.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def score_table(result: BenchResult) -> Table:
    table = Table(
        title=f"MUC-4 {result.split}: CEAF-REE over {result.docs} documents", title_justify="left"
    )
    for column in ("slot", "P", "R", "F1"):
        table.add_column(column, justify="left" if column == "slot" else "right")
    rows = [(s, result.score.slots[s]) for s in SLOTS] + [("micro", result.score.micro)]
    for name, counts in rows:
        table.add_row(name, *(f"{100 * v:.1f}" for v in (counts.p, counts.r, counts.f1)))
    return table


def agreement_lines(agreement: Agreement) -> list[str]:
    data = agreement.as_json()
    lines = [f"records paired with an answer-key template: {data['pairs']}"]
    for what in ("date", "country", "place", "deaths"):
        item = data[what]
        assert isinstance(item, dict)
        if item["checked"]:
            lines.append(
                f"  {what} agrees: {item['agree']}/{item['checked']} ({100 * item['share']:.0f}%)"
            )
    return lines


@bench_app.command("muc4")
@with_groups
def muc4_command(
    data: Annotated[Path, typer.Option("--data", help="A folder laid out like MUC-4's.")],
    split: Annotated[SplitName, typer.Option("--split", help="train, dev or test.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write predictions in GTT's format here.")
    ] = None,
    json_output: JsonOutput = False,
    text: Annotated[
        TextForm,
        typer.Option(
            "--text",
            help="processed: the lower-cased text of processed/<split>.json (default; the "
            "rules read it better); raw: CORPORA's upper-case text as transmitted.",
        ),
    ] = TextForm.processed,
    records: Annotated[
        Path | None, typer.Option("--records", help="Also keep the run's records (JSONL).")
    ] = None,
    *,
    using: ModelOptions,
    asking: AskingOptions,
    quiet: Quiet = False,
) -> None:
    """Score llm-extract on MUC-4 (CEAF-REE, as GTT's reference scorer computes it)."""
    from llm_extract.cli_progress import PlainProgress, RichProgress  # as `run` shows it

    err = Console(stderr=True)
    settings = settings_from_options(using, asking)
    listener: RichProgress | _Sparse | None = None
    if not quiet:
        listener = RichProgress(err) if err.is_terminal else _Sparse(PlainProgress(err))
    try:
        result = run_bench(
            data,
            split.value,
            settings,
            text=text,
            records=records,
            rpm=asking.rpm,
            listener=listener,
        )
    except (CorpusError, ConfigurationError, InputError, OutputError) as exc:
        raise usage_error(str(exc)) from exc
    finally:
        if isinstance(listener, RichProgress):
            listener.stop()
    if out is not None:
        write_predictions(out, result.predictions)
    if json_output:
        typer.echo(json.dumps(result.as_json(), indent=2))
    else:
        Console().print(score_table(result))
        for line in agreement_lines(result.agreement):
            typer.echo(line)
    if not quiet and json_output:
        err.print(score_table(result))
    for doc_id, reason in result.failed:
        err.print(f"failed: {doc_id} {reason}", markup=False, highlight=False)
    raise finished(not result.failed)


class _Sparse:
    """Plain progress every 50 documents (and on failures), not one line per document."""

    def __init__(self, inner: Any, every: int = 50) -> None:
        self.inner = inner
        self.every = every

    def started(self, summary: RunSummary) -> None:
        self.inner.started(summary)

    def finished_one(self, result: ExtractionResult, summary: RunSummary) -> None:
        if not result.ok or summary.docs % self.every == 0 or summary.docs == summary.total:
            self.inner.finished_one(result, summary)


def register(app: typer.Typer) -> None:
    """Add the `bench` group (with `muc4`) to the main CLI."""
    app.add_typer(bench_app, name="bench")


__all__ = ["BenchResult", "doc_key", "register", "run_bench"]
