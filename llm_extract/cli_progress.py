"""What `llm-extract run` shows while it works: a live bar on a terminal, one plain line
per document in logs and pipes, and the closing summary and failure tables."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from llm_extract.cli_errors import safe_text
from llm_extract.models import ExtractionResult
from llm_extract.runner import RunSummary


def _describe(result: ExtractionResult) -> str:
    if not result.ok:
        err = result.error
        return safe_text(f"FAILED ({err.stage}: {err.message})") if err else "FAILED"
    cached = " (cached)" if result.cached else ""
    return (
        f"ok: {len(result.events)} events, {len(result.actors)} actors, "
        f"{len(result.casualties)} casualties{cached}"
    )


class PlainProgress:
    """One line per document on stderr, for logs and pipes."""

    def __init__(self, console: Console, verbose: bool = False) -> None:
        self.console = console
        self.verbose = verbose

    def started(self, summary: RunSummary) -> None:
        if summary.streaming:
            line = "extracting documents from stdin as they arrive"
        else:
            skipped = f" ({summary.resumed} already done)" if summary.resumed else ""
            line = f"extracting {summary.total} documents{skipped}"
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def finished_one(self, result: ExtractionResult, summary: RunSummary) -> None:
        count = f"{summary.docs}" if summary.streaming else f"{summary.docs}/{summary.total}"
        self.console.print(
            f"[{count}] {safe_text(result.doc_id)} {_describe(result)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        if self.verbose:
            for warning in result.warnings:
                self.console.print(
                    f"    warning: {safe_text(warning)}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )


class RichProgress:
    """A live bar: documents, records, cache hits, failures, tokens, elapsed and ETA."""

    def __init__(self, console: Console, verbose: bool = False) -> None:
        self.console = console
        self.verbose = verbose
        self.progress = Progress(
            SpinnerColumn(),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TextColumn(
                "{task.fields[records]} records · {task.fields[cached]} cached · "
                "[red]{task.fields[failed]} failed[/] · {task.fields[tokens]} tokens"
            ),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(compact=True),
            console=console,
        )
        self.task: TaskID | None = None

    def started(self, summary: RunSummary) -> None:
        self.progress.start()
        self.task = self.progress.add_task(
            "extract",
            total=None if summary.streaming else summary.total,
            records=0,
            cached=0,
            failed=0,
            tokens=0,
        )

    def finished_one(self, result: ExtractionResult, summary: RunSummary) -> None:
        if self.task is None:
            return
        self.progress.update(
            self.task,
            completed=summary.docs,
            records=summary.events + summary.actors + summary.casualties,
            cached=summary.cache_hits,
            failed=len(summary.failed),
            tokens=summary.usage.total_tokens,
        )
        if self.verbose or not result.ok:
            self.progress.console.print(
                f"{safe_text(result.doc_id)} {_describe(result)}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )

    def stop(self) -> None:
        self.progress.stop()


def summary_table(summary: RunSummary, output: Path | None) -> Table:
    table = Table(title="llm-extract run", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    usage = summary.usage
    rows: list[tuple[str, str]] = [
        ("documents", str(summary.docs)),
        ("ok", str(summary.ok)),
        ("failed", str(len(summary.failed))),
    ]
    if summary.resumed:
        rows.append(("already done (resumed)", str(summary.resumed)))
    if summary.duplicates:
        rows.append(("duplicate ids (not run, failed)", str(len(summary.duplicates))))
    rows += [
        ("events", str(summary.events)),
        ("actors", str(summary.actors)),
        ("casualties", str(summary.casualties)),
        ("dropped (ungrounded)", str(summary.dropped)),
        ("cache hits", str(summary.cache_hits)),
        ("tokens (prompt + completion)", f"{usage.prompt_tokens} + {usage.completion_tokens}"),
        ("time", f"{summary.elapsed_s:.1f} s"),
        ("output", str(output) if output else "stdout"),
    ]
    for what, value in rows:
        table.add_row(what, Text(safe_text(value)))
    return table


def failures_table(summary: RunSummary) -> Table:
    table = Table(title="failed documents", title_justify="left")
    table.add_column("doc id")
    table.add_column("stage")
    table.add_column("reason", overflow="fold")
    for failed in summary.failed:  # Text: ids and reasons are not markup
        table.add_row(
            Text(safe_text(failed.doc_id)), Text(failed.stage), Text(safe_text(failed.reason))
        )
    return table


def print_summary(err: Console, summary: RunSummary, output: Path | None, quiet: bool) -> None:
    if not quiet:
        err.print(summary_table(summary, output))
    if summary.failed:
        if quiet:
            for f in summary.failed:
                err.print(
                    safe_text(f"failed: {f.doc_id} ({f.stage}) {f.reason}"),
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
        else:
            err.print(failures_table(summary))
