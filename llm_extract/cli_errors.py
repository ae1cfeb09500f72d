"""Exit codes, the usage-error message and terminal-safe text for every command.

One place so that `run`, `eval`, `export` and `consolidate` agree: 2 for a usage or
configuration error, the message on stderr as plain text (a path with brackets in it
must not be read as rich markup), and no control character from a file name, doc id or
server message reaching the terminal raw (an escape sequence could rewrite the screen).
"""

from __future__ import annotations

import datetime as dt

import typer
from rich.console import Console

from llm_extract.redact import redact

EXIT_OK = 0
EXIT_FAILED_DOCS = 1  # some documents failed (or, for `batch`, still wait for a batch)
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # Ctrl-C: finished documents are saved; rerun with --resume


def finished(all_ok: bool) -> typer.Exit:
    """The Exit a command that processed documents ends with: 0 all ok, 1 some failed."""
    return typer.Exit(code=EXIT_OK if all_ok else EXIT_FAILED_DOCS)


def safe_text(text: str) -> str:
    """`text` with control and format characters (ESC, CR, BEL, bidi overrides...) shown
    as escapes (`\\x1b`, `\\u202e`); printable text, newlines aside, is unchanged."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def usage_error(message: str, err: Console | None = None) -> typer.Exit:
    """Print `error: <message>` (redacted, control characters escaped) on stderr; return
    the Exit to raise (code 2)."""
    lines = [safe_text(line) for line in redact(message).splitlines()] or [""]
    (err or Console(stderr=True)).print(
        "error: " + "\n".join(lines), markup=False, highlight=False, soft_wrap=True
    )
    return typer.Exit(code=EXIT_USAGE)


def parse_date(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option value, or a usage error naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise usage_error(f"{option} {value!r} is not a YYYY-MM-DD date") from exc
