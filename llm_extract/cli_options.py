"""Options several commands share (`run`, `bench muc4`, `batch ...`, `cache`, `eval`),
declared once so their names, types and help agree, and the one way a command turns its
options into `Settings`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from llm_extract.cli_errors import usage_error
from llm_extract.errors import ConfigurationError
from llm_extract.readers import DEFAULT_GLOBS
from llm_extract.registry import BACKENDS
from llm_extract.settings import Settings, load_settings


class Format(str, Enum):
    """The output formats the writers know."""

    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    parquet = "parquet"


class Strategy(str, Enum):
    single = "single"
    sentences = "sentences"


class Arbiter(str, Enum):
    code = "code"
    model = "model"


# --- where the articles come from ------------------------------------------------------
Published = Annotated[str | None, typer.Option("--published", help="Publication date YYYY-MM-DD.")]
Glob = Annotated[
    list[str] | None,
    typer.Option("--glob", help=f"File pattern inside folders (default: {DEFAULT_GLOBS})."),
]

# --- which model, and how it is asked ---------------------------------------------------
Backend = Annotated[str | None, typer.Option("--backend", help=f"Backend; {BACKENDS.help()}.")]
Model = Annotated[str | None, typer.Option("--model", help="Model name.")]
BaseUrl = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible base URL.")]
Mode = Annotated[str | None, typer.Option("--mode", help="tools, json_schema or json_object.")]
ApiKeyEnv = Annotated[str | None, typer.Option("--api-key-env", help="Env var holding the key.")]
Temperature = Annotated[float | None, typer.Option("--temperature")]
Prompt = Annotated[str | None, typer.Option("--prompt", help="Prompt template id.")]
StrategyOpt = Annotated[
    Strategy | None,
    typer.Option("--strategy", help="single or sentences (default: the backend's)."),
]
ArbiterOpt = Annotated[
    Arbiter | None,
    typer.Option("--arbiter", help="sentences: who wins when model and rules disagree."),
]
Concurrency = Annotated[int | None, typer.Option("--concurrency", help="Requests in flight.")]
Rpm = Annotated[
    float | None, typer.Option("--rpm", help="At most this many model requests a minute.")
]
GazetteerOpt = Annotated[
    Path | None,
    typer.Option(
        "--gazetteer",
        help="Your own places (JSON laid out like data/places.json), looked up before the "
        "shipped gazetteer (default: the gazetteer setting).",
    ),
]

# --- cache and output -------------------------------------------------------------------
CacheDir = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Cache folder (default: settings, then the user cache)."),
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not use the cache.")]
JsonOutput = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")]


def check_rpm(rpm: float | None) -> None:
    """`--rpm` must be positive when given (a usage error, exit 2, otherwise)."""
    if rpm is not None and rpm <= 0:
        raise usage_error(f"--rpm must be positive, got {rpm}")


def settings_from_options(*, no_cache: bool = False, **given: Any) -> Settings:
    """`Settings` from a command's options over env and llm-extract.toml.

    None means the option was not given; a flag left False is not given either (flags
    only turn a setting on), except `--no-cache`, which turns the cache off; enum
    choices pass their value. An invalid value is one `error:` line and exit 2.
    """
    values = {
        key: value.value if isinstance(value, Enum) else value
        for key, value in given.items()
        if value is not None and value is not False
    }
    if no_cache:
        values["cache"] = False
    try:
        return load_settings(**values)
    except ConfigurationError as exc:
        raise usage_error(str(exc)) from exc
