"""`llm-extract`: the command line. Commands parse options and print; the work is done
in library modules (runner, readers, writers, schemas, prompts).

Exit codes: 0 every document succeeded, 1 some documents failed (listed in the summary),
2 usage, configuration or output error (nothing lost), 130 interrupted (rerun with --resume).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from llm_extract.backends import get_backend
from llm_extract.cli_errors import EXIT_FAILED_DOCS, EXIT_INTERRUPTED, EXIT_OK, safe_text
from llm_extract.cli_errors import parse_date as _parse_date
from llm_extract.cli_errors import usage_error as _usage_error
from llm_extract.cli_options import Prompt, Published
from llm_extract.cli_progress import PlainProgress, RichProgress
from llm_extract.cli_run import RecordsOpt, run_command
from llm_extract.drafters import build_drafter, prompt_id, strategy_for
from llm_extract.drafters.sentences import SentencesDrafter, questions
from llm_extract.errors import ConfigurationError
from llm_extract.readers import BadInput, Reader, discover
from llm_extract.records import Records
from llm_extract.schemas import dump_schema, generate_schemas, write_schemas
from llm_extract.settings import Settings, load_settings
from llm_extract.version import __version__

__all__ = [
    "EXIT_FAILED_DOCS",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "PlainProgress",
    "RichProgress",
    "app",
    "build_settings",
    "main",
]

build_settings = load_settings  # the name tests and scripts import

app = typer.Typer(
    name="llm-extract",
    help="Turn conflict news articles into evidence-grounded ACLED-style records.",
    no_args_is_help=True,
    add_completion=False,
)
prompts_app = typer.Typer(help="Inspect prompt templates.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")


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


# --- commands -------------------------------------------------------------------------

app.command("run")(run_command)


def resolved(settings: Settings) -> dict[str, Any]:
    """The values a run with these settings would use: the backend's defaults filled in
    (model, mode, strategy, prompt, base URL, timeout), secrets masked."""
    backend = get_backend(settings)  # builds no client: nothing is started or contacted
    shown = settings.masked()
    shown["model"] = backend.model
    shown["strategy"] = strategy_for(backend, settings)
    shown["prompt"] = prompt_id(settings, shown["strategy"])
    profile = getattr(backend, "profile", None)
    if profile is not None:
        shown["mode"] = getattr(backend, "mode", settings.mode)
        shown["timeout"] = getattr(backend, "timeout", settings.timeout)
        shown["api_key_env"] = settings.api_key_env or profile.default_api_key_env
        if shown["api_key_env"]:
            shown["api_key"] = "***set***" if os.environ.get(shown["api_key_env"]) else "(unset)"
        if not settings.base_url:
            shown["base_url"] = (
                "(a local server started on demand)"
                if profile.base_url_factory
                else profile.default_base_url
            )
    return shown


@app.command("config")
def config_command() -> None:
    """Print the settings a run would use (defaults < llm-extract.toml < env, then the
    backend's defaults), secrets masked."""
    try:
        settings = build_settings()
        shown = resolved(settings)
    except ConfigurationError as exc:
        raise _usage_error(str(exc)) from exc
    typer.echo(json.dumps(shown, indent=2, default=str))


@app.command("schema")
def schema_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write one <type>.schema.json per type here.")
    ] = None,
    records: RecordsOpt = None,
) -> None:
    """Print (or write) the JSON Schemas of Event, Actor, Casualty, Document,
    ExtractionResult and the model-facing Draft (with --records: yours, and the draft
    extended by them)."""
    try:
        chosen = Records.model_validate(records) if records else None
    except ConfigurationError as exc:
        raise _usage_error(str(exc)) from exc
    if out is None:
        typer.echo(dump_schema(generate_schemas(chosen)), nl=False)
        return
    for path in write_schemas(out, chosen):
        typer.echo(str(path))


@prompts_app.command("show")
def prompts_show(
    file: Annotated[str, typer.Argument(help="An article file (txt, html, jsonl) or -.")],
    prompt: Prompt = None,
    published: Published = None,
) -> None:
    """Print the chat messages sent for an article, exactly, as JSON.

    With the `sentences` strategy (the embedded default) one request goes out per
    candidate sentence: the output is then a list of {"sentence", "messages"}.
    """
    day = _parse_date(published, "--published")
    try:
        settings = build_settings(prompt=prompt)
        backend = get_backend(settings)
        drafter = build_drafter(backend, settings)
        drafter = getattr(drafter, "inner", drafter)  # the requests are the inner drafter's
        template = drafter.template
        if template is None:
            raise ConfigurationError(f"the {backend.name!r} backend sends no prompt")
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
        shown_id = safe_text(first.doc_id)
        _err().print(f"{file} holds {len(items)} articles; showing {shown_id}", markup=False)
    shown: Any = template.render(first.text, first.published, few_shot=settings.few_shot)
    if isinstance(drafter, SentencesDrafter):
        _, asked = questions(first.text, first.published)
        shown = [{"sentence": s, "messages": drafter.messages(s)} for s in asked]
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
    from llm_extract.review.cli import register as register_review

    register_review(app)
    from llm_extract.plugins_cli import register as register_plugins

    register_plugins(app)


_register_optional_groups()


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
