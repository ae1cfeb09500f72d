"""Output stage: results written so that an interrupted run leaves a valid file.

JSONL (the default) appends one whole line per document and fsyncs it, so a killed run
loses at most the document in flight. JSON and CSV cannot be appended to and stay valid,
so they are rewritten to a temporary file and moved into place (`os.replace`, atomic on
POSIX and Windows) after every document. Resuming reads back what is there: documents with
an ok record are kept and skipped; error records and broken lines are dropped (those
documents run again), so no document appears twice.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import IO, Literal

from pydantic import ValidationError

from llm_extract.acled import ACLED_COLUMNS, doc_id_of, document_rows
from llm_extract.models import ExtractionResult

OutputFormat = Literal["jsonl", "json", "csv"]
FORMATS: tuple[OutputFormat, ...] = ("jsonl", "json", "csv")


def atomic_write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` so readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def _parse_result(line: str) -> ExtractionResult | None:
    try:
        return ExtractionResult.model_validate_json(line)
    except ValidationError:
        return None


class JsonlWriter(ResultWriter):
    """One `ExtractionResult` per line, appended and fsynced per document."""

    def __init__(self, path: Path | None, *, resume: bool = False, stream: IO[str] | None = None):
        super().__init__(path)
        self._stream = stream
        self._fd: int | None = None
        if path is None:
            return
        kept: list[str] = []
        if resume and path.exists():
            kept = self._load(path)
        atomic_write_text(path, "".join(line + "\n" for line in kept))
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def _load(self, path: Path) -> list[str]:
        """Good ok lines, one per doc id (the last wins); everything else is dropped."""
        by_id: dict[str, str] = {}
        total = 0
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            total += 1
            result = _parse_result(line)
            if result is None or not result.ok:
                continue
            by_id.pop(result.doc_id, None)
            by_id[result.doc_id] = line
        self.done = set(by_id)
        self.dropped_on_resume = total - len(by_id)
        return list(by_id.values())

    def write(self, result: ExtractionResult) -> None:
        line = result.model_dump_json() + "\n"
        if self._fd is None:
            out = self._stream or sys.stdout
            out.write(line)
            out.flush()
            return
        # One unbuffered write per line (a text wrapper would split long lines into
        # several), so a killed process leaves whole lines only.
        data = memoryview(line.encode("utf-8"))
        while data:
            data = data[os.write(self._fd, data) :]
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class _RewritingWriter(ResultWriter):
    """Keeps the whole output in memory and replaces the file after each document."""

    def __init__(self, path: Path | None, *, resume: bool = False, stream: IO[str] | None = None):
        super().__init__(path)
        self._stream = stream
        if path is not None and resume and path.exists():
            self._load(path)
        if path is not None:
            self._flush()

    @abstractmethod
    def _load(self, path: Path) -> None: ...

    @abstractmethod
    def _add(self, result: ExtractionResult) -> None: ...

    @abstractmethod
    def render(self) -> str:
        """The whole file as it stands."""

    def write(self, result: ExtractionResult) -> None:
        self._add(result)
        if self.path is not None:
            self._flush()

    def _flush(self) -> None:
        assert self.path is not None
        atomic_write_text(self.path, self.render())

    def close(self) -> None:
        if self.path is None:
            out = self._stream or sys.stdout
            out.write(self.render())
            out.flush()


class JsonWriter(_RewritingWriter):
    """A JSON array of `ExtractionResult` objects."""

    def __init__(self, path: Path | None, *, resume: bool = False, stream: IO[str] | None = None):
        self._items: list[str] = []
        super().__init__(path, resume=resume, stream=stream)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = []
        by_id: dict[str, str] = {}
        items = data if isinstance(data, list) else []
        for item in items:
            try:
                result = ExtractionResult.model_validate(item)
            except ValidationError:
                continue
            if result.ok:
                by_id.pop(result.doc_id, None)
                by_id[result.doc_id] = result.model_dump_json()
        self._items = list(by_id.values())
        self.done = set(by_id)
        self.dropped_on_resume = len(items) - len(by_id)

    def _add(self, result: ExtractionResult) -> None:
        self._items.append(result.model_dump_json())

    def render(self) -> str:
        if not self._items:
            return "[]\n"
        return "[\n" + ",\n".join(self._items) + "\n]\n"


class CsvWriter(_RewritingWriter):
    """ACLED-style CSV, one row per event (documents without events add no row).

    Resuming recognises a document by its rows, so a finished document that had no
    events runs again; with the cache on that costs nothing and adds no row.
    """

    def __init__(self, path: Path | None, *, resume: bool = False, stream: IO[str] | None = None):
        self._rows: list[dict[str, str]] = []
        super().__init__(path, resume=resume, stream=stream)

    def _load(self, path: Path) -> None:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        self._rows = [{c: row.get(c) or "" for c in ACLED_COLUMNS} for row in rows]
        self.done = {doc_id_of(row["event_id_cnty"]) for row in self._rows}

    def _add(self, result: ExtractionResult) -> None:
        if result.ok and result.document is not None:
            self._rows.extend(document_rows(result.document))

    def render(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(ACLED_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self._rows)
        return buffer.getvalue()


def open_writer(
    path: Path | None,
    fmt: OutputFormat = "jsonl",
    *,
    resume: bool = False,
    stream: IO[str] | None = None,
) -> ResultWriter:
    """A writer for `fmt`; with no path it writes to `stream` (default stdout)."""
    kinds: dict[str, type[JsonlWriter] | type[JsonWriter] | type[CsvWriter]] = {
        "jsonl": JsonlWriter,
        "json": JsonWriter,
        "csv": CsvWriter,
    }
    if fmt not in kinds:
        raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return kinds[fmt](path, resume=resume, stream=stream)
