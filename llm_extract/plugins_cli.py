"""`llm-extract plugins`: what each registry holds and which package declares it.

Nothing is imported to list it, so a broken plugin still shows (and `--check` says why).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from llm_extract.errors import ConfigurationError
from llm_extract.registry import BUILTIN, REGISTRIES


def plugins_command(
    check: Annotated[
        bool, typer.Option("--check", help="Import every entry and report those that fail.")
    ] = False,
    all_entries: Annotated[
        bool, typer.Option("--all", help="List the built-ins too, not only plugins.")
    ] = False,
) -> None:
    """List installed plugins: entry points of llm_extract.backends, .drafters, .formats
    and .exporters."""
    rows: list[dict[str, str]] = []
    failed = False
    for registry in REGISTRIES:
        for entry in registry.entries():
            if entry.source == BUILTIN and not all_entries:
                continue
            row = {
                "group": registry.group,
                "name": entry.name,
                "target": entry.target,
                "package": entry.source,
            }
            if check:
                try:
                    registry.load(entry.name)
                    row["status"] = "ok"
                except ConfigurationError as exc:
                    row["status"] = str(exc)
                    failed = True
            rows.append(row)
    typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    if failed:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add the `plugins` command to an app (the main CLI)."""
    app.command("plugins")(plugins_command)
