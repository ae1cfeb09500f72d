"""Output stage: results written so that an interrupted run leaves a valid file.

Every format is appended to and made durable in groups (group commit): records are
buffered and written with one write loop and one fsync every `GROUP_RECORDS` documents,
every `GROUP_SECONDS` seconds (the runner ticks even while no result arrives), and on
close, so a run of any size costs the same per document and an fsync is no longer paid
per document:

- JSONL (the default) appends one whole line per document.
- CSV appends the document's rows (the header is written when the file is created): one
  per event, or one trace row for a document that failed or had no events, so every
  document leaves a trace. Cells that a spreadsheet would run as a formula are quoted.
- JSON keeps the array closed: each commit overwrites the closing bracket with
  `,<records>` and a new closing bracket, so the file parses after every commit.

Crash guarantee. A killed process loses at most the last, uncommitted group (at most
`GROUP_RECORDS` documents and `GROUP_SECONDS` seconds of results; with the cache on they
come back from it on resume, without a model call). A kill during a commit can leave a
torn last record only. Resuming reads back what is there: documents with an ok record are
kept and skipped; error records and a torn last write are dropped (those documents run
again), the kept part is rewritten atomically, and no document appears twice.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from llm_extract import registry
from llm_extract.acled import ACLED_COLUMNS, doc_id_of, document_rows
from llm_extract.durable import GROUP_RECORDS, GROUP_SECONDS, DurableFile, atomic_write_text
from llm_extract.models import ExtractionResult
from llm_extract.output_guard import FORMATS, OutputFormat, infer_format
from llm_extract.result_writer import ResultWriter as ResultWriter  # re-exported

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "GROUP_RECORDS",
    "GROUP_SECONDS",
    "DurableFile",
    "OutputFormat",
    "atomic_write_text",
    "open_writer",
]

# ACLED's columns, then the trace: which document, and whether it gave events or failed.
CSV_COLUMNS: tuple[str, ...] = (*ACLED_COLUMNS, "doc_id", "status", "error")


def _parse_result(line: str) -> ExtractionResult | None:
    try:
        return ExtractionResult.model_validate_json(line)
    except ValidationError:
        return None


def _validate_result(item: object) -> ExtractionResult | None:
    try:
        return ExtractionResult.model_validate(item)
    except ValidationError:
        return None


def _last_ok(records: Iterable[tuple[ExtractionResult | None, str]]) -> dict[str, str]:
    """What resume keeps: per doc id the text of its last ok record, in the order the
    kept records were last seen; error records and unreadable ones are dropped."""
    by_id: dict[str, str] = {}
    for result, text in records:
        if result is not None and result.ok:
            by_id.pop(result.doc_id, None)
            by_id[result.doc_id] = text
    return by_id


class _StreamOrFileWriter(ResultWriter):
    """The built-in formats: a `DurableFile` when given a path, else `stream` (stdout)."""

    _file: DurableFile | None = None
    _stream: IO[str] | None = None

    def _emit(self, text: str) -> None:
        out = self._stream or sys.stdout
        out.write(text)
        out.flush()

    def _flush(self) -> None:
        if self._file is not None:
            self._file.commit()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        else:
            self._close_stream()

    def _close_stream(self) -> None:
        """Finish stdout output (JSON closes its array, CSV prints a lone header)."""


class JsonlWriter(_StreamOrFileWriter):
    """One `ExtractionResult` per line, appended and fsynced per document."""

    def __init__(self, path: Path | None, *, resume: bool = False, stream: IO[str] | None = None):
        super().__init__(path)
        self._stream = stream
        self._file: DurableFile | None = None
        if path is None:
            return
        kept: list[str] = []
        if resume and path.exists():
            kept = self._load(path)
        self._file = DurableFile(path, "".join(line + "\n" for line in kept))

    def _load(self, path: Path) -> list[str]:
        """Good ok lines, one per doc id (the last wins); everything else is dropped."""
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = [line for line in text.splitlines() if line.strip()]
        by_id = _last_ok((_parse_result(line), line) for line in lines)
        self.done = set(by_id)
        self.dropped_on_resume = len(lines) - len(by_id)
        return list(by_id.values())

    def write(self, result: ExtractionResult) -> None:
        line = result.model_dump_json() + "\n"
        if self._file is None:
            self._emit(line)
            return
        self._file.append(line)
        self._written()


def _ok_json_items(text: str) -> tuple[dict[str, str], int]:
    """Ok records of a JSON array, one per doc id (the last wins), and how many items it had.

    A run killed mid-write leaves the array unclosed or torn; the whole records before the
    tear are still read.
    """
    decoder = json.JSONDecoder()
    try:
        data = json.loads(text)
        items = data if isinstance(data, list) else []
    except json.JSONDecodeError:
        items = []
        pos = text.find("[") + 1
        while 0 < pos < len(text):
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            try:
                item, pos = decoder.raw_decode(text, pos)
            except json.JSONDecodeError:
                break
            items.append(item)
    results = (_validate_result(item) for item in items)
    return _last_ok((r, r.model_dump_json() if r else "") for r in results), len(items)


class JsonWriter(_StreamOrFileWriter):
    """A JSON array of `ExtractionResult` objects that parses after every document."""

    _CLOSE = "\n]\n"

    def __init__(self, path: Path | None, *, resume: bool = False, stream: IO[str] | None = None):
        super().__init__(path)
        self._stream = stream
        self._file: DurableFile | None = None
        self._count = 0
        if path is None:
            return
        kept: list[str] = []
        if resume and path.exists():
            by_id, total = _ok_json_items(path.read_text(encoding="utf-8", errors="replace"))
            kept = list(by_id.values())
            self.done = set(by_id)
            self.dropped_on_resume = total - len(kept)
        self._count = len(kept)
        body = ",\n".join(kept)
        self._file = DurableFile(path, "[\n" + body + (self._CLOSE if kept else "]\n"))

    def write(self, result: ExtractionResult) -> None:
        item = result.model_dump_json()
        if self._file is None:
            self._emit(("[\n" if self._count == 0 else ",\n") + item)
        elif self._count == 0:
            self._file.replace_tail(len("]\n"), item + self._CLOSE)
        else:
            self._file.replace_tail(len(self._CLOSE), ",\n" + item + self._CLOSE)
        self._count += 1
        if self._file is not None:
            self._written()

    def _close_stream(self) -> None:
        self._emit(self._CLOSE if self._count else "[]\n")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text: one starting `=`, `+`, `-`, `@`, tab or CR
    (a formula to Excel and LibreOffice) gets a leading `'`; numbers stay numbers.
    A cell already starting with `'` gets one more, so `restore` can undo it exactly."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """Undo `neutralise` (for rows read back on resume)."""
    return cell[1:] if cell.startswith("'") else cell


def result_rows(
    result: ExtractionResult, extra_columns: tuple[str, ...] = ()
) -> list[dict[str, str]]:
    """A document's CSV rows: one per event, or one trace row if it failed or had none."""
    doc_id = result.doc_id
    if result.ok and result.document is not None and result.document.events:
        return [
            {**row, "doc_id": doc_id, "status": "ok", "error": ""}
            for row in document_rows(result.document, extra_columns)
        ]
    row = dict.fromkeys((*CSV_COLUMNS, *extra_columns), "")
    row["doc_id"] = doc_id
    if result.ok:
        row["status"] = "no_events"
    else:
        err = result.error
        row["status"] = "error"
        row["error"] = f"{err.stage}: {err.type}: {err.message}" if err else "no error recorded"
    return [row]


def _csv_text(
    rows: list[dict[str, str]], *, header: bool, columns: tuple[str, ...] = CSV_COLUMNS
) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def _row_doc_id(row: dict[str, str]) -> str:
    return row["doc_id"] or doc_id_of(row["event_id_cnty"])


class CsvWriter(_StreamOrFileWriter):
    """ACLED-style CSV plus trace columns (`doc_id`, `status`, `error`): one row per
    event, one `no_events` or `error` row for a document without events.

    Resuming keeps the rows of finished documents (`ok` and `no_events`) and drops
    `error` rows, whose documents run again. Files written before the trace columns
    existed are read too (their rows are all events). `extra_columns` (fields a user's
    record classes add, `llm_extract.acled.extra_columns_for`) follow the trace columns.
    """

    def __init__(
        self,
        path: Path | None,
        *,
        resume: bool = False,
        stream: IO[str] | None = None,
        extra_columns: tuple[str, ...] = (),
    ):
        super().__init__(path)
        self._stream = stream
        self._file: DurableFile | None = None
        self._header_done = False
        self.extra_columns = extra_columns
        self.columns = (*CSV_COLUMNS, *extra_columns)
        if path is None:
            return
        rows: list[dict[str, str]] = []
        if resume and path.exists():
            rows = self._load(path)
        self._file = DurableFile(path, _csv_text(rows, header=True, columns=self.columns))

    def _load(self, path: Path) -> list[dict[str, str]]:
        """Whole rows of finished documents; a torn last write drops its document's rows."""
        text = path.read_text(encoding="utf-8", errors="replace")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = [
            {c: restore(row.get(c) or "") for c in self.columns}
            for row in reader
            if None not in row.values() and None not in row
        ]
        rows = [r for r in rows if r["doc_id"] or r["event_id_cnty"]]
        total = len({_row_doc_id(r) for r in rows})
        if rows and not text.endswith("\n"):
            torn = _row_doc_id(rows[-1])
            rows = [r for r in rows if _row_doc_id(r) != torn]
        for row in rows:
            row["doc_id"] = _row_doc_id(row)
            row["status"] = row["status"] or "ok"
        rows = [r for r in rows if r["status"] in ("ok", "no_events")]
        self.done = {r["doc_id"] for r in rows}
        self.dropped_on_resume = total - len(self.done)
        return rows

    def write(self, result: ExtractionResult) -> None:
        rows = result_rows(result, self.extra_columns)
        if self._file is not None:
            self._file.append(_csv_text(rows, header=False, columns=self.columns))
            self._written()
            return
        self._emit(_csv_text(rows, header=not self._header_done, columns=self.columns))
        self._header_done = True

    def _close_stream(self) -> None:
        if not self._header_done:
            self._emit(_csv_text([], header=True, columns=self.columns))
            self._header_done = True


def open_writer(
    path: Path | None,
    fmt: OutputFormat | None = "jsonl",
    *,
    resume: bool = False,
    stream: IO[str] | None = None,
    extra_columns: tuple[str, ...] = (),
) -> ResultWriter:
    """A writer for `fmt` (None: from the path's extension); with no path it writes to
    `stream` (default stdout). `extra_columns`: fields a user's record classes add,
    as CSV and Parquet columns (JSON carries every field anyway)."""
    fmt = infer_format(path, fmt)
    kind = registry.FORMATS.load(fmt)  # built-ins and `llm_extract.formats` plugins alike
    if not (isinstance(kind, type) and issubclass(kind, ResultWriter)):
        raise registry.PluginError(
            f"output format {fmt!r} from {registry.FORMATS.source(fmt)} "
            "is not a ResultWriter subclass"
        )
    options: dict[str, Any] = {"resume": resume, "stream": stream}
    if "extra_columns" in inspect.signature(kind).parameters:  # csv, parquet: columns
        options["extra_columns"] = extra_columns
    writer: ResultWriter = kind(path, **options)
    return writer
