"""`llm-extract run`: parse the options, build a `BatchRun`, show progress, set the exit
code (0 all ok, 1 some documents failed, 2 usage or configuration, 130 interrupted)."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from llm_extract.cli_errors import EXIT_INTERRUPTED, finished, usage_error
from llm_extract.cli_options import (
    AskingOptions,
    GazetteerOpt,
    InputOptions,
    ModelOptions,
    OptionGroup,
    Quiet,
    settings_from_options,
    with_groups,
)
from llm_extract.cli_progress import PlainProgress, RichProgress, print_summary
from llm_extract.errors import ConfigurationError, InputError
from llm_extract.output_guard import OutputError
from llm_extract.readers import DEFAULT_MAX_BYTES
from llm_extract.registry import FORMATS
from llm_extract.runner import BatchRun

PromptsOpt = Annotated[
    Path | None,
    typer.Option("--prompts", help="Your prompt folder (system.j2, user.j2) or a folder of them."),
]
RecordsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--records",
        help="Your record class, module:Class or file.py:Class (a subclass of Event, Actor "
        "or Casualty adding fields); repeat for several.",
    ),
]


@dataclass(frozen=True)
class RunOutput(OptionGroup):
    """Where results go, and what becomes of an output already there (checked together)."""

    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (default: stdout).")
    ] = None
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Output format (default: from the -o extension, .csv/.json/.jsonl, else "
            f"jsonl); {FORMATS.help()}.",
        ),
    ] = None
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue the output: skip documents already ok in it."),
    ] = False
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an existing output file.")
    ] = False

    def __post_init__(self) -> None:
        if self.resume and self.output is None:
            raise usage_error("--resume needs an output file (-o)")
        if self.resume and self.overwrite:
            raise usage_error("--resume and --overwrite are exclusive")


class Engine(str, Enum):
    local = "local"
    ray = "ray"


@with_groups
def run_command(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Files, folders (recursive), JSONL (id, text, ...) or - for stdin."),
    ],
    *,
    to: RunOutput,
    source: InputOptions,
    gazetteer: GazetteerOpt = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Largest article accepted, in bytes.")
    ] = DEFAULT_MAX_BYTES,
    using: ModelOptions,
    asking: AskingOptions,
    prompts: PromptsOpt = None,
    records: RecordsOpt = None,
    keep_ungrounded: Annotated[
        bool,
        typer.Option("--keep-ungrounded", help="Keep (and flag) records not found in the text."),
    ] = False,
    include_text: Annotated[
        bool, typer.Option("--include-text", help="Put each article's text in its result.")
    ] = False,
    quiet: Quiet = False,
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
    err = Console(stderr=True)
    if quiet and verbose:
        raise usage_error("--quiet and --verbose are exclusive")
    if max_bytes <= 0:
        raise usage_error(f"--max-bytes must be positive, got {max_bytes}")
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    day = source.day
    if prompts is not None and (prompts / "system.j2").is_file():  # the template folder itself
        prompt = asking.prompt or prompts.resolve().name
        prompts, asking = prompts.resolve().parent, replace(asking, prompt=prompt)
    settings = settings_from_options(
        using,
        asking,
        prompts_dir=prompts,
        records=records or None,
        keep_ungrounded=keep_ungrounded,
        include_text=include_text,
        gazetteer=gazetteer,
    )

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
        **asdict(to),  # output, fmt, resume, overwrite: named as BatchRun names them
        inputs=inputs,
        settings=settings,
        rpm=asking.rpm,
        globs=source.globs,
        published=day,
        max_bytes=max_bytes,
        listener=listener,
    )
    try:
        summary = batch.run()
    except (ConfigurationError, InputError, OutputError) as exc:
        raise usage_error(str(exc), err) from exc
    except KeyboardInterrupt:
        err.print(
            "interrupted; finished documents are saved. Rerun with --resume to finish.",
            markup=False,
        )
        raise typer.Exit(code=EXIT_INTERRUPTED) from None
    finally:
        if isinstance(listener, RichProgress):
            listener.stop()
    print_summary(err, summary, to.output, quiet)
    raise finished(summary.all_ok)
