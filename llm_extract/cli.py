"""`llm-extract`: the command line. Commands parse options and print; the work is done
in library modules (runner, readers, writers, schemas, prompts).

Exit codes: 0 every document succeeded, 1 some documents failed (listed in the summary),
2 usage or configuration error, 130 interrupted (rerun with --resume to finish).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
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

from llm_extract import __version__
from llm_extract.backends import get_backend
from llm_extract.cli_errors import usage_error as _usage_error
from llm_extract.errors import ConfigurationError, InputError
from llm_extract.models import ExtractionResult
from llm_extract.prompts import load_template
from llm_extract.readers import DEFAULT_GLOBS, DEFAULT_MAX_BYTES, BadInput, Reader, discover
from llm_extract.runner import BatchRun, RunSummary
from llm_extract.schemas import dump_schema, generate_schemas, write_schemas
from llm_extract.settings import Settings
from llm_extract.strategies import prompt_id
from llm_extract.strategies.sentences import questions

EXIT_OK = 0
EXIT_FAILED_DOCS = 1
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="llm-extract",
    help="Turn conflict news articles into evidence-grounded ACLED-style records.",
    no_args_is_help=True,
    add_completion=False,
)
prompts_app = typer.Typer(help="Inspect prompt templates.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")


class Format(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    parquet = "parquet"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


def _err() -> Console:
    return Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"llm-extract {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Turn conflict news articles into evidence-grounded ACLED-style records."""
    # instructor logs "Max retries exceeded" itself; our error records already say it.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)


def build_settings(**given: Any) -> Settings:
    """One `Settings` from the options the user gave; the rest come from env and TOML."""
    overrides = {k: v for k, v in given.items() if v is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigurationError(f"invalid settings: {problems}") from exc


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _usage_error(f"{option} {value!r} is not a YYYY-MM-DD date") from exc


# --- progress -------------------------------------------------------------------------


def _describe(result: ExtractionResult) -> str:
    if not result.ok:
        err = result.error
        return f"FAILED ({err.stage}: {err.message})" if err else "FAILED"
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
        skipped = f" ({summary.resumed} already done)" if summary.resumed else ""
        self.console.print(
            f"extracting {summary.total} documents{skipped}", markup=False, highlight=False
        )

    def finished_one(self, result: ExtractionResult, summary: RunSummary) -> None:
        self.console.print(
            f"[{summary.docs}/{summary.total}] {result.doc_id} {_describe(result)}",
            markup=False,
            highlight=False,
        )
        if self.verbose:
            for warning in result.warnings:
                self.console.print(f"    warning: {warning}", markup=False, highlight=False)


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
            "extract", total=summary.total, records=0, cached=0, failed=0, tokens=0
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
            tokens=summary.tokens,
        )
        if self.verbose or not result.ok:
            self.progress.console.print(
                f"{result.doc_id} {_describe(result)}", markup=False, highlight=False
            )

    def stop(self) -> None:
        self.progress.stop()


def summary_table(summary: RunSummary, output: Path | None) -> Table:
    table = Table(title="llm-extract run", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    rows: list[tuple[str, str]] = [
        ("documents", str(summary.docs)),
        ("ok", str(summary.ok)),
        ("failed", str(len(summary.failed))),
    ]
    if summary.resumed:
        rows.append(("already done (resumed)", str(summary.resumed)))
    if summary.duplicates:
        rows.append(("duplicate ids skipped", str(len(summary.duplicates))))
    rows += [
        ("events", str(summary.events)),
        ("actors", str(summary.actors)),
        ("casualties", str(summary.casualties)),
        ("dropped (ungrounded)", str(summary.dropped)),
        ("cache hits", str(summary.cache_hits)),
        ("tokens (prompt + completion)", f"{summary.prompt_tokens} + {summary.completion_tokens}"),
        ("time", f"{summary.elapsed_s:.1f} s"),
        ("output", str(output) if output else "stdout"),
    ]
    for what, value in rows:
        table.add_row(what, value)
    return table


def failures_table(summary: RunSummary) -> Table:
    table = Table(title="failed documents", title_justify="left")
    table.add_column("doc id")
    table.add_column("stage")
    table.add_column("reason", overflow="fold")
    for failed in summary.failed:
        table.add_row(failed.doc_id, failed.stage, failed.reason)
    return table


def _print_summary(err: Console, summary: RunSummary, output: Path | None, quiet: bool) -> None:
    if not quiet:
        err.print(summary_table(summary, output))
        if summary.duplicates:
            shown = ", ".join(summary.duplicates[:10])
            err.print(f"duplicate doc ids skipped: {shown}", markup=False, highlight=False)
    if summary.failed:
        if quiet:
            for f in summary.failed:
                err.print(
                    f"failed: {f.doc_id} ({f.stage}) {f.reason}", markup=False, highlight=False
                )
        else:
            err.print(failures_table(summary))


# --- commands -------------------------------------------------------------------------


@app.command("run")
def run_command(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Files, folders (recursive), JSONL (id, text, ...) or - for stdin."),
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (default: stdout).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.jsonl,
    glob: Annotated[
        list[str] | None,
        typer.Option("--glob", help=f"File pattern inside folders (default: {DEFAULT_GLOBS})."),
    ] = None,
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date YYYY-MM-DD.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Skip documents already ok in the output.")
    ] = False,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", help="Requests in flight.")
    ] = None,
    rpm: Annotated[
        float | None, typer.Option("--rpm", help="At most this many model requests a minute.")
    ] = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Largest article accepted, in bytes.")
    ] = DEFAULT_MAX_BYTES,
    backend: Annotated[str | None, typer.Option("--backend", help="Backend profile.")] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible base URL.")
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name.")] = None,
    mode: Annotated[
        str | None, typer.Option("--mode", help="tools, json_schema or json_object.")
    ] = None,
    api_key_env: Annotated[
        str | None, typer.Option("--api-key-env", help="Env var holding the API key.")
    ] = None,
    temperature: Annotated[float | None, typer.Option("--temperature")] = None,
    prompt: Annotated[str | None, typer.Option("--prompt", help="Prompt template id.")] = None,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="Cache folder.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use the cache.")] = False,
    keep_ungrounded: Annotated[
        bool,
        typer.Option("--keep-ungrounded", help="Keep (and flag) records not found in the text."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Every document and warning.")
    ] = False,
    engine: Annotated[
        Engine, typer.Option("--engine", help="local: one process; ray: a Ray cluster.")
    ] = Engine.local,
    ray_address: Annotated[
        str | None, typer.Option("--ray-address", help="Ray cluster to join (default: local).")
    ] = None,
) -> None:
    """Extract records from many articles; results are written as each document finishes."""
    err = _err()
    if quiet and verbose:
        raise _usage_error("--quiet and --verbose are exclusive")
    if rpm is not None and rpm <= 0:
        raise _usage_error(f"--rpm must be positive, got {rpm}")
    if max_bytes <= 0:
        raise _usage_error(f"--max-bytes must be positive, got {max_bytes}")
    if resume and output is None:
        raise _usage_error("--resume needs an output file (-o)")
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    day = _parse_date(published, "--published")
    try:
        settings = build_settings(
            backend=backend,
            base_url=base_url,
            model=model,
            mode=mode,
            api_key_env=api_key_env,
            temperature=temperature,
            prompt=prompt,
            cache_dir=cache_dir,
            cache=False if no_cache else None,
            keep_ungrounded=True if keep_ungrounded else None,
            concurrency=concurrency,
        )
    except ConfigurationError as exc:
        raise _usage_error(str(exc)) from exc

    listener: PlainProgress | RichProgress | None = None
    if not quiet:
        listener = RichProgress(err, verbose) if err.is_terminal else PlainProgress(err, verbose)
    run_class: type[BatchRun] = BatchRun
    engine_kwargs: dict[str, Any] = {}
    if engine is Engine.ray:
        from llm_extract.ray import RayRun

        run_class, engine_kwargs = RayRun, {"ray_address": ray_address}
    batch = run_class(
        **engine_kwargs,
        inputs=inputs,
        settings=settings,
        output=output,
        fmt=fmt.value,
        resume=resume,
        rpm=rpm,
        globs=tuple(glob) if glob else DEFAULT_GLOBS,
        published=day,
        max_bytes=max_bytes,
        listener=listener,
    )
    try:
        summary = batch.run()
    except (ConfigurationError, InputError) as exc:
        raise _usage_error(str(exc)) from exc
    except KeyboardInterrupt:
        err.print(
            "interrupted; finished documents are saved. Rerun with --resume to finish.",
            markup=False,
        )
        raise typer.Exit(code=EXIT_INTERRUPTED) from None
    finally:
        if isinstance(listener, RichProgress):
            listener.stop()
    _print_summary(err, summary, output, quiet)
    raise typer.Exit(code=EXIT_OK if summary.all_ok else EXIT_FAILED_DOCS)


@app.command("config")
def config_command() -> None:
    """Print the effective settings (defaults < llm-extract.toml < env), secrets masked."""
    try:
        settings = build_settings()
    except ConfigurationError as exc:
        raise _usage_error(str(exc)) from exc
    typer.echo(json.dumps(settings.masked(), indent=2, default=str))


@app.command("schema")
def schema_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write one <type>.schema.json per type here.")
    ] = None,
) -> None:
    """Print (or write) the JSON Schemas of Event, Actor, Casualty, Document,
    ExtractionResult and the model-facing Draft."""
    if out is None:
        typer.echo(dump_schema(generate_schemas()), nl=False)
        return
    for path in write_schemas(out):
        typer.echo(str(path))


@prompts_app.command("show")
def prompts_show(
    file: Annotated[str, typer.Argument(help="An article file (txt, html, jsonl) or -.")],
    prompt: Annotated[str | None, typer.Option("--prompt", help="Template id.")] = None,
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date YYYY-MM-DD.")
    ] = None,
) -> None:
    """Print the chat messages sent for an article, exactly, as JSON.

    With the `sentences` strategy (the embedded default) one request goes out per
    candidate sentence: the output is then a list of {"sentence", "messages"}.
    """
    day = _parse_date(published, "--published")
    try:
        settings = build_settings(prompt=prompt)
        backend = get_backend(settings)
        if not backend.uses_prompt:
            raise ConfigurationError(f"the {backend.name!r} backend sends no prompt")
        template = load_template(prompt_id(settings, backend.strategy), settings.prompts_dir)
    except ConfigurationError as exc:
        raise _usage_error(str(exc)) from exc
    sources = discover([file])
    items = list(Reader(published=day).read(sources)) if sources else []
    if not items:
        raise _usage_error(f"{file} holds no article")
    first = items[0]
    if isinstance(first, BadInput):
        raise _usage_error(f"{first.path}: {first.reason}")
    if len(items) > 1:
        _err().print(f"{file} holds {len(items)} articles; showing {first.doc_id}", markup=False)
    shown: Any = template.render(first.text, first.published, few_shot=settings.few_shot)
    if backend.strategy == "sentences":
        _, asked = questions(first.text, first.published)
        shown = [
            {"sentence": s, "messages": template.render(s, few_shot=settings.few_shot)}
            for s in asked
        ]
    typer.echo(json.dumps(shown, indent=2, ensure_ascii=False))


def _register_optional_groups() -> None:
    """Command groups other modules provide; the CLI works before they exist."""
    from llm_extract.evaluate.cli import register as register_eval

    register_eval(app)
    from llm_extract.muc4.command import register as register_bench

    register_bench(app)
    try:
        from llm_extract.cache_cli import register as register_cache
    except ImportError:
        pass
    else:
        register_cache(app)
    try:
        from llm_extract.export.cli import register as register_export
    except ImportError:
        pass
    else:
        register_export(app)
    from llm_extract.batch.cli import register as register_batch

    register_batch(app)


_register_optional_groups()


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
