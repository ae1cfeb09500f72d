"""`llm-extract consolidate` and `llm-extract export`: thin wrappers over the library.

Exit codes: 0 ok, 2 usage error (missing run file, unknown format, nothing loadable).
Export formats come from the exporters registry (`llm_extract.exporters` entry points).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.console import Console

from llm_extract.cli_errors import safe_text, usage_error
from llm_extract.cli_options import GazetteerOpt, settings_from_options
from llm_extract.consolidate import consolidate, links
from llm_extract.errors import ConfigurationError
from llm_extract.evaluate.loading import load_predictions
from llm_extract.export.exporters import Exporter, ExportInput
from llm_extract.models import Document
from llm_extract.normalize import Gazetteer, configured_gazetteer
from llm_extract.registry import EXPORTERS


def _load(run: Path) -> list[Document]:
    err = Console(stderr=True)
    if not run.exists():
        raise usage_error(f"{run} does not exist", err)
    docs, issues = load_predictions(run)
    for issue in issues:
        err.print(safe_text(f"{issue.where()}: {issue.message}"), markup=False, highlight=False)
    if not docs:
        raise usage_error(f"no document could be loaded from {run}", err)
    return [docs[k] for k in sorted(docs)]


def _gazetteer(path: Path | None) -> Gazetteer | None:
    """The places `--gazetteer` (else the `gazetteer` setting) names; None: the shipped."""
    settings = settings_from_options(gazetteer=path)
    try:
        return configured_gazetteer(settings.gazetteer)
    except ConfigurationError as exc:
        raise usage_error(str(exc)) from exc


def text_path(directory: Path, doc_id: str) -> Path | None:
    """`<dir>/<doc_id>.txt`, or None where the id would lead out of `dir`.

    Doc ids come from the run file, which anyone may have written: an id such as
    `../../etc/passwd` or `/etc/passwd` must not make the page embed that file.
    """
    root = directory.resolve()
    path = (directory / f"{doc_id}.txt").resolve()
    if "\x00" in doc_id or not path.is_relative_to(root):
        return None
    return path


def read_texts(directory: Path | None, doc_ids: list[str]) -> dict[str, str]:
    """`<dir>/<doc_id>.txt` for each document that has one inside `dir`."""
    if directory is None:
        return {}
    out: dict[str, str] = {}
    for doc_id in doc_ids:
        path = text_path(directory, doc_id)
        if path is None:
            Console(stderr=True).print(
                f"warning: doc id {doc_id!r} points outside {directory}; its text is not read",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        elif path.is_file():
            out[doc_id] = path.read_text(encoding="utf-8", errors="replace")
    return out


def _write(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise usage_error(f"cannot write {out}: {exc.strerror or exc}") from exc
        Console(stderr=True).print(f"wrote {out}", markup=False, highlight=False)


def consolidate_command(
    run: Annotated[Path, typer.Argument(help="Run JSONL (or gold-format JSON files' dir).")],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Write JSON here.")] = None,
    gazetteer: GazetteerOpt = None,
) -> None:
    """Merge events that several articles report into one event each, with provenance."""
    places = _gazetteer(gazetteer)
    events = consolidate(_load(run), places)
    payload = {
        "events": [e.model_dump(mode="json") for e in events],
        "links": links(events),
    }
    _write(json.dumps(payload, indent=1, ensure_ascii=False), out)


def export_command(
    run: Annotated[Path, typer.Argument(help="Run JSONL (or gold-format JSON files' dir).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output file.")],
    fmt: Annotated[
        str, typer.Option("--format", help=f"Exporter; {EXPORTERS.help()} (default geojson).")
    ] = "geojson",
    texts: Annotated[
        Path | None,
        typer.Option("--texts", help="Directory of <doc_id>.txt article texts (for html)."),
    ] = None,
    title: Annotated[str, typer.Option("--title", help="HTML page title.")] = (
        "llm-extract review"
    ),
    gazetteer: GazetteerOpt = None,
) -> None:
    """Write a run's events as GeoJSON, an HTML review page, or a plugin's export format."""
    try:
        exporter = cast(Exporter, EXPORTERS.load(fmt))
    except ConfigurationError as exc:
        raise usage_error(str(exc)) from exc
    if not callable(exporter):
        raise usage_error(f"export format {fmt!r} ({EXPORTERS.source(fmt)}) is not a function")
    places = _gazetteer(gazetteer)
    docs = _load(run)
    err = Console(stderr=True)
    found = read_texts(texts, [d.doc_id for d in docs])
    run_input = ExportInput(docs, found, title, warn=lambda line: _say(err, line), gazetteer=places)
    _write(exporter(run_input), out)


def _say(err: Console, line: str) -> None:
    err.print(line, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the `consolidate` and `export` commands to an app (the main CLI)."""
    app.command("consolidate")(consolidate_command)
    app.command("export")(export_command)
