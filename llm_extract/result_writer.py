"""What every output format implements: a durable `write` per document, and `close`.

Its own module so that formats living apart (Parquet, behind the optional pyarrow extra)
implement it without importing the built-in writers that choose between them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from llm_extract.models import ExtractionResult


class ResultWriter(ABC):
    """Where results go; `done` holds the doc ids already in the output (ok records)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.done: set[str] = set()
        self.dropped_on_resume = 0

    @abstractmethod
    def write(self, result: ExtractionResult) -> None:
        """Add one document's result to the output, durably."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Finish the output (stdout writers print here)."""

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
