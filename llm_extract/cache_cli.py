"""`llm-extract cache stats|clear` and `llm-extract logs`: thin wrappers over
`llm_extract.cache` and `llm_extract.runlog`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from llm_extract.cache import ResultCache
from llm_extract.cli_options import CacheDir, JsonOutput, settings_from_options
from llm_extract.runlog import query

cache_app = typer.Typer(help="Inspect or empty the result cache.", no_args_is_help=True)


def _settings_dir() -> Path | None:
    return settings_from_options().cache_dir


def _settings_runlog() -> Path | None:
    return settings_from_options().runlog_path


@cache_app.command("stats")
def stats_command(
    cache_dir: CacheDir = None,
    json_output: JsonOutput = False,
) -> None:
    """Entries, size on disk, and hits/misses since the last clear."""
    with ResultCache(cache_dir or _settings_dir()) as cache:
        stats = cache.stats()
    if json_output:
        typer.echo(json.dumps(stats.__dict__))
        return
    console = Console()
    console.print(f"cache: {stats.directory}", markup=False, highlight=False)
    console.print(
        f"entries: {stats.entries}  size: {stats.size_bytes / 1024:.1f} KiB  "
        f"hits: {stats.hits}  misses: {stats.misses}",
        markup=False,
        highlight=False,
    )


@cache_app.command("clear")
def clear_command(cache_dir: CacheDir = None) -> None:
    """Delete every cached result."""
    with ResultCache(cache_dir or _settings_dir()) as cache:
        removed = cache.clear()
        where = cache.directory
    typer.echo(f"removed {removed} entries from {where}")


def logs_command(
    run: Annotated[str | None, typer.Option("--run", help="Only this run id.")] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document id.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most recent N calls.")] = 50,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
    payloads: Annotated[
        bool, typer.Option("--payloads", help="Include stored prompts and responses.")
    ] = False,
    db: Annotated[
        Path | None, typer.Option("--db", help="Run log database (default: settings).")
    ] = None,
) -> None:
    """Model calls from the run log, newest first."""
    rows = query(db or _settings_runlog(), run_id=run, doc_id=doc, limit=limit, payloads=payloads)
    if json_output:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(show_lines=False)
    for column in ("run", "doc", "try", "outcome", "error", "latency s", "in", "out"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["run_id"],
            row["doc_id"] or "",
            str(row["attempt"]),
            row["outcome"],
            row["error_type"] or "",
            f"{row['latency_s']:.3f}",
            str(row["prompt_tokens"]),
            str(row["completion_tokens"]),
        )
    Console().print(table)
    if not rows:
        typer.echo("no calls logged (check --db / runlog_path, --run and --doc)", err=True)


def register(app: typer.Typer) -> None:
    """Add the `cache` group and the `logs` command to the main CLI."""
    app.add_typer(cache_app, name="cache")
    app.command("logs")(logs_command)
