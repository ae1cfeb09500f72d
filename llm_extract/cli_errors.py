"""Exit codes and the usage-error message shared by every `llm-extract` command.

One place so that `run`, `eval`, `export` and `consolidate` agree: 2 for a usage or
configuration error, the message on stderr as plain text (a path with brackets in it
must not be read as rich markup).
"""

from __future__ import annotations

import typer
from rich.console import Console

from llm_extract.redact import redact

EXIT_USAGE = 2


def usage_error(message: str, err: Console | None = None) -> typer.Exit:
    """Print `error: <message>` (redacted) on stderr; return the Exit to raise (code 2)."""
    (err or Console(stderr=True)).print(f"error: {redact(message)}", markup=False, highlight=False)
    return typer.Exit(code=EXIT_USAGE)
