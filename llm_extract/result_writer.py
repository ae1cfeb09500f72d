"""What every output format implements: `write` per document, group `commit`, `close`.

Its own module so that formats living apart (Parquet, behind the optional pyarrow extra)
implement it without importing the built-in writers that choose between them.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from pathlib import Path

from llm_extract.durable import GROUP_RECORDS, GROUP_SECONDS
from llm_extract.models import ExtractionResult


class ResultWriter(ABC):
    """Where results go; `done` holds the doc ids already in the output (ok records).

    Writers that buffer call `_written` after each record and implement `_flush`; the
    group is committed when it is `group_records` long or `group_seconds` old, by
    `commit_due` (the runner's tick), and by `close`. A writer with its own grouping
    (Parquet) overrides `commit`.
    """

    group_records = GROUP_RECORDS
    group_seconds = GROUP_SECONDS

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.done: set[str] = set()
        self.dropped_on_resume = 0
        self._buffered = 0
        self._since = time.monotonic()

    @abstractmethod
    def write(self, result: ExtractionResult) -> None:
        """Add one document's result to the output (durable at the next commit)."""

    def _flush(self) -> None:  # noqa: B027 - optional hook
        """Make every buffered record durable."""

    def _written(self) -> None:
        if self._buffered == 0:
            self._since = time.monotonic()
        self._buffered += 1
        if self._buffered >= self.group_records:
            self.commit()
        else:
            self.commit_due()

    def commit(self) -> None:
        """Make every record written so far durable (one fsync for the group)."""
        self._flush()
        self._buffered = 0

    def commit_due(self) -> None:
        """Commit if the oldest buffered record has waited `group_seconds`."""
        if self._buffered and time.monotonic() - self._since >= self.group_seconds:
            self.commit()

    def close(self) -> None:  # noqa: B027 - optional hook
        """Finish the output (stdout writers print here)."""

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
