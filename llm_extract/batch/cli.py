"""`llm-extract batch run|submit|status|collect`: thin commands over `BatchJob`.

Exit codes: 0 every document written ok (or, for submit/status/collect, the step done),
1 some documents failed or still wait for a batch, 2 usage or configuration error.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from llm_extract.batch.job import BatchJob, BatchSummary
from llm_extract.batch.store import state_dir
from llm_extract.cli_errors import finished, usage_error
from llm_extract.cli_options import (
    ApiKeyEnv,
    BaseUrl,
    InputOptions,
    Model,
    ModelOptions,
    OptionGroup,
    Quiet,
    settings_from_options,
    with_groups,
)
from llm_extract.errors import ConfigurationError, InputError
from llm_extract.extract import run_sync
from llm_extract.registry import FORMATS

batch_app = typer.Typer(
    help="Extract through the OpenAI Batch API: half the price, answers within 24 hours.",
    no_args_is_help=True,
)


class RetryWay(str, Enum):
    batch = "batch"
    online = "online"


Inputs = Annotated[
    list[str] | None,
    typer.Argument(help="Files, folders or JSONL (default: the inputs of the batch state)."),
]
Output = Annotated[Path, typer.Option("-o", "--output", help="Output file (state: OUT.batch/).")]
Fmt = Annotated[str, typer.Option("--format", help=f"Output format; {FORMATS.help()}.")]
Backend = Annotated[str | None, typer.Option("--backend", help="Backend profile (openai).")]
Mode = Annotated[str | None, typer.Option("--mode", help="json_schema or tools.")]


@dataclass(frozen=True)
class BatchModelOptions(ModelOptions):
    """`ModelOptions` with the help of the Batch API (OpenAI's; two modes)."""

    backend: Backend = None
    mode: Mode = None


@dataclass(frozen=True)
class BatchOutput(OptionGroup):
    """Where the results go (`run`, `submit`, `collect`); the job's state is beside them."""

    output: Output = Path("out.jsonl")
    fmt: Fmt = "jsonl"


Poll = Annotated[float, typer.Option("--poll-interval", help="Seconds between status checks.")]
Retry = Annotated[
    RetryWay, typer.Option("--retry", help="Failed or expired lines: a new batch, or online.")
]


def _job(
    inputs: list[str] | None,
    to: BatchOutput,
    using: ModelOptions,
    *,
    poll_interval: float = 30.0,
    retry: RetryWay = RetryWay.batch,
    source: InputOptions | None = None,
    quiet: bool = False,
) -> BatchJob:
    err = Console(stderr=True)
    if poll_interval <= 0:
        raise usage_error(f"--poll-interval must be positive, got {poll_interval}", err)
    source = source or InputOptions()
    day = source.day
    settings = settings_from_options(using)
    return BatchJob(
        inputs=list(inputs or []),
        output=to.output,
        settings=settings,
        fmt=to.fmt,
        globs=source.globs,
        published=day,
        poll_interval=poll_interval,
        retry=retry.value,
        log=(lambda _m: None) if quiet else (lambda m: err.print(m, markup=False)),
    )


def _report(summary: BatchSummary, quiet: bool) -> None:
    if not quiet:
        Console(stderr=True).print(
            f"{summary.docs} documents written ({summary.ok} ok, {len(summary.failed)} failed), "
            f"{summary.waiting} waiting for a batch; {summary.rounds} round(s), "
            f"{summary.answered_from_batch} answers from batches, "
            f"{summary.sent_online} requests online",
            markup=False,
        )
    for failed in summary.failed:
        Console(stderr=True).print(f"failed: {failed.doc_id} {failed.reason}", markup=False)


def _execute(job: BatchJob, step: str, batch_id: str | None = None) -> BatchSummary:
    try:
        if step == "collect" and batch_id is not None:
            return run_sync(job.acollect(batch_id))
        return run_sync(job.asubmit() if step == "submit" else job.arun())
    except (ConfigurationError, InputError) as exc:
        raise usage_error(str(exc), Console(stderr=True)) from exc


@batch_app.command("run")
@with_groups
def run_command(
    inputs: Inputs = None,
    *,
    to: BatchOutput,
    using: BatchModelOptions,
    poll_interval: Poll = 30.0,
    retry: Retry = RetryWay.batch,
    source: InputOptions,
    quiet: Quiet = False,
) -> None:
    """Submit, poll, collect and assemble until every document is written (resumable)."""
    job = _job(inputs, to, using, poll_interval=poll_interval, retry=retry, source=source,
               quiet=quiet)  # fmt: skip
    summary = _execute(job, "run")
    _report(summary, quiet)
    raise finished(summary.all_ok and not summary.waiting)


@batch_app.command("submit")
@with_groups
def submit_command(
    inputs: Inputs = None,
    *,
    to: BatchOutput,
    using: BatchModelOptions,
    source: InputOptions,
    quiet: Quiet = False,
) -> None:
    """Write what is answered already and submit batches for the rest; prints batch ids."""
    job = _job(inputs, to, using, source=source, quiet=quiet)
    summary = _execute(job, "submit")
    for batch_id in summary.submitted:
        typer.echo(batch_id)
    _report(summary, quiet)


@batch_app.command("collect")
@with_groups
def collect_command(
    batch_id: Annotated[str, typer.Argument(help="The batch to collect.")],
    *,
    to: BatchOutput,
    using: BatchModelOptions,
    quiet: Quiet = False,
) -> None:
    """Download a finished batch and write the documents it completes."""
    job = _job(None, to, using, quiet=quiet)
    summary = _execute(job, "collect", batch_id)
    _report(summary, quiet)
    raise finished(summary.all_ok)


@batch_app.command("status")
def status_command(
    batch_id: Annotated[str | None, typer.Argument(help="A batch id (default: all in -o).")] = None,
    output: Output = Path("out.jsonl"),
    backend: Backend = None,
    model: Model = None,
    base_url: BaseUrl = None,
    api_key_env: ApiKeyEnv = None,
) -> None:
    """The job's batches, open ones asked of the server (run `collect` to download)."""
    if not (state_dir(output) / "state.json").exists():
        raise usage_error(f"no batch state for {output} ({state_dir(output)})", Console())
    using = ModelOptions(backend=backend, model=model, base_url=base_url, api_key_env=api_key_env)
    job = _job(None, BatchOutput(output), using)
    try:
        shown = run_sync(job.astatus(batch_id))
    except ConfigurationError as exc:
        raise usage_error(str(exc), Console()) from exc
    for b in shown:
        done = "collected" if b.collected else "open"
        typer.echo(f"{b.id}\tround {b.round}\t{len(b.custom_ids)} requests\t{b.status}\t{done}")


def register(app: typer.Typer) -> None:
    app.add_typer(batch_app, name="batch")
