"""Options several commands share (`run`, `bench muc4`, `batch ...`, `cache`, `eval`),
declared once so their names, types and help agree; the groups of them that travel
together (`InputOptions`, `ModelOptions`, `AskingOptions`), which a command takes as one parameter
(`with_groups`); and the one way a command turns its options into `Settings`."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar, get_type_hints

import typer

from llm_extract.cli_errors import parse_date, usage_error
from llm_extract.errors import ConfigurationError
from llm_extract.readers import DEFAULT_GLOBS
from llm_extract.registry import BACKENDS, STRATEGIES
from llm_extract.settings import Settings, load_settings


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
    str | None,
    typer.Option("--strategy", help=f"Strategy (default: the backend's); {STRATEGIES.help()}."),
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


# --- groups: options that travel together, declared and passed as one --------------------
R = TypeVar("R")


@dataclass(frozen=True)
class OptionGroup:
    """A dataclass whose fields are typer options (`Annotated[T, typer.Option(...)]` with
    a default): a command lists the group once and receives one instance of it."""

    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset()  # fields that are no `Settings`

    @classmethod
    def parameters(cls) -> list[inspect.Parameter]:
        hints = get_type_hints(cls, include_extras=True)
        kind = inspect.Parameter.KEYWORD_ONLY
        return [
            inspect.Parameter(f.name, kind, default=f.default, annotation=hints[f.name])
            for f in fields(cls)
        ]

    def settings_values(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in self.NOT_SETTINGS
        }


@dataclass(frozen=True)
class InputOptions(OptionGroup):
    """Which files of a folder are articles, and their publication date (no `Settings`)."""

    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"glob", "published"})

    glob: Glob = None
    published: Published = None

    @property
    def globs(self) -> tuple[str, ...]:
        return tuple(self.glob) if self.glob else DEFAULT_GLOBS

    @property
    def day(self) -> dt.date | None:
        """`--published` as a date (a usage error, exit 2, if it is not YYYY-MM-DD)."""
        return parse_date(self.published, "--published")


@dataclass(frozen=True)
class ModelOptions(OptionGroup):
    """Which model, where, and how its answers are constrained."""

    backend: Backend = None
    model: Model = None
    base_url: BaseUrl = None
    mode: Mode = None
    api_key_env: ApiKeyEnv = None


@dataclass(frozen=True)
class AskingOptions(OptionGroup):
    """How the model is asked, how fast, and whether answers are cached (`run`, `bench`)."""

    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"rpm"})  # a run option

    strategy: StrategyOpt = None
    arbiter: ArbiterOpt = None
    temperature: Temperature = None
    prompt: Prompt = None
    concurrency: Concurrency = None
    rpm: Rpm = None
    cache_dir: CacheDir = None
    no_cache: NoCache = False

    def __post_init__(self) -> None:
        check_rpm(self.rpm)


def with_groups(command: Callable[..., R]) -> Callable[..., R]:
    """Let a command take option groups: typer sees the fields of each parameter typed
    with an `OptionGroup` as options in its place; the command gets one instance. Group
    parameters stand after `*`, with no default (the decorated command always gets them)."""
    groups: dict[str, type[OptionGroup]] = {}
    params: list[inspect.Parameter] = []
    for param in inspect.signature(command, eval_str=True).parameters.values():
        kind = param.annotation
        if isinstance(kind, type) and issubclass(kind, OptionGroup):
            groups[param.name] = kind
            params += kind.parameters()
        else:  # keyword-only: a parameter without a default may follow the group's
            params.append(param.replace(kind=inspect.Parameter.KEYWORD_ONLY))

    names = [p.name for p in params]
    if len(names) != len(set(names)):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise TypeError(f"{command.__name__}: option groups repeat parameters {twice}")

    @functools.wraps(command)
    def with_options(**given: Any) -> R:
        for name, group in groups.items():
            given[name] = group(**{f.name: given.pop(f.name) for f in fields(group)})
        return command(**given)

    with_options.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    with_options.__annotations__ = {p.name: p.annotation for p in params}
    return with_options


def settings_from_options(*groups: OptionGroup, **given: Any) -> Settings:
    """`Settings` from a command's options (its groups' and `given`) over env and
    llm-extract.toml.

    None means the option was not given; a flag left False is not given either (flags
    only turn a setting on), except `--no-cache`, which turns the cache off; enum
    choices pass their value. An invalid value is one `error:` line and exit 2.
    """
    for group in groups:
        given.update(group.settings_values())
    no_cache = given.pop("no_cache", False)
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
