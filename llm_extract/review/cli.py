"""`llm-extract review`: write the review page, or import its export as a gold folder.

    llm-extract review RUN.jsonl [--texts DIR] -o review.html
    llm-extract review import review-export.json -o GOLD_DIR [--force]

Exit codes: 0 ok, 1 some documents could not be read or imported (the rest were),
2 usage error (missing or unreadable input, no output given).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from llm_extract.cli_errors import usage_error
from llm_extract.review.data import ReviewInputError, load_review_input
from llm_extract.review.gold import import_export
from llm_extract.review.render import render_review_page

EXIT_SOME_FAILED = 1


def _say(err: Console, line: str) -> None:
    err.print(line, markup=False, highlight=False)


def review_command(
    target: Annotated[
        str,
        typer.Argument(
            help="Run JSONL, a review export or a gold folder to review; or `import` "
            "followed by a review export to write it as gold."
        ),
    ],
    export: Annotated[
        Path | None, typer.Argument(help="With `import`: the review export (JSON).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="The HTML page; with `import`, the gold folder."),
    ] = None,
    texts: Annotated[
        Path | None,
        typer.Option("--texts", help="Directory of <doc_id>.txt for runs without their text."),
    ] = None,
    title: Annotated[str, typer.Option("--title", help="Page title.")] = "llm-extract review",
    force: Annotated[
        bool, typer.Option("--force", help="With `import`: replace differing gold files.")
    ] = False,
) -> None:
    """Review a run in the browser (accept, reject, edit, add events) and keep it as gold."""
    err = Console(stderr=True)
    if out is None:
        raise usage_error("give the output with -o", err)
    if target == "import":
        if export is None:
            raise usage_error("usage: llm-extract review import EXPORT.json -o GOLD_DIR", err)
        _import(export, out, force, err)
        return
    if export is not None:
        raise usage_error(f"unexpected argument {export}; to import: review import EXPORT", err)
    source = Path(target)
    try:
        docs, problems = load_review_input(source, texts)
    except ReviewInputError as exc:
        raise usage_error(str(exc), err) from exc
    for line in problems:
        _say(err, line)
    if not docs:
        raise usage_error(f"no document could be read from {source}", err)
    missing = sum(d.text is None for d in docs)
    if missing:
        _say(
            err,
            f"warning: no article text for {missing} document(s); run with "
            "--include-text or pass --texts DIR",
        )
    out.write_text(render_review_page(docs, title=title, source=source.name), encoding="utf-8")
    events = sum(len(d.document.events) for d in docs)
    _say(err, f"wrote {out}: {len(docs)} documents, {events} events")
    if problems:
        raise typer.Exit(code=EXIT_SOME_FAILED)


def _import(export: Path, out: Path, force: bool, err: Console) -> None:
    if not export.is_file():
        raise usage_error(f"{export} is not a file", err)
    if out.exists() and not out.is_dir():
        raise usage_error(f"{out} exists and is not a folder", err)
    try:
        report = import_export(export, out, force=force)
    except ReviewInputError as exc:
        raise usage_error(str(exc), err) from exc
    for line in [*report.warnings, *report.problems]:
        _say(err, line)
    _say(
        err,
        f"wrote {len(report.written)} file(s) to {out} ({len(report.unchanged)} unchanged); "
        f"score with: llm-extract eval --gold {out} --pred RUN.jsonl",
    )
    if not report.ok:
        raise typer.Exit(code=EXIT_SOME_FAILED)


def register(app: typer.Typer) -> None:
    """Add the `review` command to an app (the main CLI)."""
    app.command("review")(review_command)
