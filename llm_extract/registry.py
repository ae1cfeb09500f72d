"""Registries: backends, output formats and exporters found by name, built-ins and plugins alike.

A name maps to an import target (`module:attribute`) declared in an entry-point group:

- `llm_extract.backends`: a `Backend` subclass (drafts with no HTTP model, like `rules`) or
  a `Profile` (an OpenAI-compatible server kind);
- `llm_extract.drafters`: a strategy, a factory `(backend, settings) -> Drafter`;
- `llm_extract.formats`: a streaming `ResultWriter` subclass (`run --format NAME`);
- `llm_extract.exporters`: a function over a whole run (`export --format NAME`).

The built-ins are declared in pyproject.toml exactly as a third-party package declares its
own, and mirrored in the tables below (a test keeps the two equal) so that a source checkout
whose installed metadata predates a built-in still finds it. Nothing is imported until its
name is asked for, so a broken plugin fails only the run that names it, with a message
naming its package instead of a traceback. Two packages claiming one name is an error for
that name, never a silent choice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from llm_extract.errors import ConfigurationError

BUILTIN = "llm-extract (built in)"
_installed: Any = None  # one metadata scan shared by every registry


LOAD_PLUGINS_ENV = "LLM_EXTRACT_LOAD_PLUGINS"
"""Unset: every installed plugin; empty: none (built-ins only); `pkg-a,pkg-b`: only these
distributions' entry points. For reproducing a run, or ruling a plugin out."""


def _wanted(dist_name: str | None) -> bool:
    chosen = os.environ.get(LOAD_PLUGINS_ENV)
    if chosen is None:
        return True
    names = {_normal(n) for n in chosen.split(",") if n.strip()}
    return dist_name is not None and _normal(dist_name) in names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def _declared(group: str) -> list[EntryPoint]:
    """Entry points of `group`, from one scan of the installed metadata (Python's
    `entry_points()`: the first distribution of each name wins)."""
    global _installed
    if _installed is None:
        _installed = entry_points()  # SelectableGroups before 3.12, EntryPoints after
    points = _installed.select(group=group)
    return [p for p in points if _wanted(p.dist.name if p.dist is not None else None)]


class PluginError(ConfigurationError):
    """A registered name cannot be used: its plugin fails to import, or is ambiguous."""


@dataclass(frozen=True)
class Entry:
    """Where a name comes from: its import target and the package that declares it."""

    name: str
    target: str
    source: str


class Registry:
    """One entry-point group: names listed from metadata, objects imported on first use."""

    def __init__(self, kind: str, group: str, builtins: Mapping[str, str]) -> None:
        self.kind = kind
        self.group = group
        self.builtins = dict(builtins)
        self._added: dict[str, object] = {}
        self._loaded: dict[str, object] = {}
        self._found: dict[str, list[Entry]] | None = None

    def _scan(self) -> dict[str, list[Entry]]:
        if self._found is None:
            found = {n: [Entry(n, t, BUILTIN)] for n, t in self.builtins.items()}
            for point in _declared(self.group):
                claims = found.setdefault(point.name, [])
                if any(e.target == point.value for e in claims):
                    continue  # our own metadata declaring a built-in, or a duplicate path entry
                dist = point.dist
                source = f"{dist.name} {dist.version}" if dist is not None else "unknown package"
                claims.append(Entry(point.name, point.value, source))
            self._found = found
        return self._found

    def refresh(self) -> None:
        """Read the installed metadata again (after installing a plugin in this process)."""
        global _installed
        _installed = None
        self._found = None
        self._loaded.clear()

    def names(self) -> list[str]:
        """Every name that can be asked for, sorted; nothing is imported."""
        return sorted({*self._scan(), *self._added})

    def entries(self) -> list[Entry]:
        """Every declaration, for listing (`llm-extract plugins`)."""
        listed = [e for claims in self._scan().values() for e in claims]
        listed += [Entry(n, repr(o), "registered in this process") for n, o in self._added.items()]
        return sorted(listed, key=lambda e: (e.name, e.source))

    def add(self, name: str, obj: object) -> None:
        """Register an object in this process only (library users, tests); it wins over
        entry points of the same name because the caller asked for it explicitly."""
        self._added[name] = obj

    def remove(self, name: str) -> None:
        self._added.pop(name, None)

    def source(self, name: str) -> str:
        if name in self._added:
            return "registered in this process"
        claims = self._scan().get(name, [])
        return " and ".join(e.source for e in claims) or "nowhere"

    def load(self, name: str) -> object:
        """The object registered as `name`, imported on first use."""
        if name in self._added:
            return self._added[name]
        if name in self._loaded:
            return self._loaded[name]
        claims = self._scan().get(name)
        if not claims:
            raise ConfigurationError(
                f"unknown {self.kind} {name!r}; installed: {', '.join(self.names())} "
                f"(plugins add names through the {self.group!r} entry-point group)"
            )
        if len(claims) > 1:
            who = "; ".join(f"{e.source} ({e.target})" for e in claims)
            raise PluginError(
                f"{self.kind} {name!r} is declared by more than one package: {who}; "
                "uninstall all but one"
            )
        entry = claims[0]
        try:
            obj = EntryPoint(entry.name, entry.target, self.group).load()
        except Exception as exc:
            raise PluginError(
                f"{self.kind} {name!r} from {entry.source} could not be loaded "
                f"({entry.target}): {type(exc).__name__}: {exc}"
            ) from exc
        self._loaded[name] = obj
        return obj

    def help(self) -> str:
        """The installed names, for a CLI option's help."""
        return "installed: " + ", ".join(self.names())


BACKENDS = Registry(
    "backend",
    "llm_extract.backends",
    {
        "azure": "llm_extract.backends.azure:PROFILE",
        "embedded": "llm_extract.backends.embedded:PROFILE",
        "llamacpp": "llm_extract.backends.llamacpp:PROFILE",
        "ollama": "llm_extract.backends.ollama:PROFILE",
        "openai": "llm_extract.backends.openai:PROFILE",
        "rules": "llm_extract.backends.rules:RulesBackend",
        "vllm": "llm_extract.backends.vllm:PROFILE",
    },
)

FORMATS = Registry(
    "output format",
    "llm_extract.formats",
    {
        "csv": "llm_extract.writers:CsvWriter",
        "json": "llm_extract.writers:JsonWriter",
        "jsonl": "llm_extract.writers:JsonlWriter",
        "parquet": "llm_extract.parquet:ParquetWriter",
    },
)

EXPORTERS = Registry(
    "export format",
    "llm_extract.exporters",
    {
        "geojson": "llm_extract.export.exporters:geojson",
        "html": "llm_extract.export.exporters:html",
    },
)

STRATEGIES = Registry(
    "strategy",
    "llm_extract.drafters",
    {
        "rules": "llm_extract.drafters:_rules",
        "sentences": "llm_extract.drafters:_sentences",
        "single": "llm_extract.drafters:_single",
    },
)

REGISTRIES = (BACKENDS, STRATEGIES, FORMATS, EXPORTERS)
