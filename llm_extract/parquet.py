"""Parquet output: one row per document, in a folder of part files (the `parquet` extra).

Layout. `-o out.parquet` is a folder of Parquet part files, the layout Spark, Ray Data,
pandas, polars and DuckDB all read as one table (`pandas.read_parquet("out.parquet")`,
`polars.read_parquet("out.parquet/*.parquet")`). Each row is one document:

- `doc_id`, `status`, error and usage columns, for filtering without parsing anything;
- `acled`: the document's events as a list of structs with exactly the CSV writer's ACLED
  columns (strings, blank where we have nothing), so one row per event is one call away:
  `df.explode("acled")` in pandas, `.explode("acled").unnest("acled")` in polars, or
  `events_table(path)` here, which gives the CSV layout;
- `result`: the whole `ExtractionResult` as JSON text, exactly the JSONL writer's line, so
  nothing is lost and `ExtractionResult.model_validate_json(row["result"])` rebuilds it.

Documents rather than events are the rows because a document with no events must still be
counted as done (resume), and because the Ray engine writes the same rows from its workers.

Durability (group commit). A Parquet file is unreadable until its footer is written, so
rows are buffered and committed as a whole part file (written to a hidden temporary name,
fsynced, renamed) every `group_rows` documents or `group_seconds` seconds, and on close.
A killed run loses at most the documents of the uncommitted group (they run again on
resume, from the cache when it is on); a part file is there whole or not at all, and no
document is ever written twice.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from llm_extract.acled import ACLED_COLUMNS, document_rows
from llm_extract.errors import ConfigurationError, require_extra
from llm_extract.models import ExtractionResult
from llm_extract.result_writer import ResultWriter

GROUP_ROWS = 500
GROUP_SECONDS = 10.0


def _pa() -> Any:
    return require_extra("Parquet output", "parquet", "pyarrow")


def schema(extra_columns: tuple[str, ...] = ()) -> Any:
    """The Arrow schema of a document row (fixed for a run, so every part file agrees);
    `extra_columns` (fields a user's record classes add) extend the `acled` struct."""
    pa = _pa()
    acled = pa.struct([(name, pa.string()) for name in (*ACLED_COLUMNS, *extra_columns)])
    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("status", pa.string()),
            ("error_stage", pa.string()),
            ("error_type", pa.string()),
            ("error_message", pa.string()),
            ("n_events", pa.int32()),
            ("n_actors", pa.int32()),
            ("n_casualties", pa.int32()),
            ("cached", pa.bool_()),
            ("prompt_tokens", pa.int64()),
            ("completion_tokens", pa.int64()),
            ("cost_usd", pa.float64()),
            ("acled", pa.list_(acled)),
            ("result", pa.string()),
        ]
    )


def document_row(result: ExtractionResult, extra_columns: tuple[str, ...] = ()) -> dict[str, Any]:
    """The Parquet row for one document's result (also what Ray workers emit)."""
    err = result.error
    return {
        "doc_id": result.doc_id,
        "status": result.status,
        "error_stage": err.stage if err else None,
        "error_type": err.type if err else None,
        "error_message": err.message if err else None,
        "n_events": len(result.events),
        "n_actors": len(result.actors),
        "n_casualties": len(result.casualties),
        "cached": result.cached,
        "prompt_tokens": result.usage.prompt_tokens,
        "completion_tokens": result.usage.completion_tokens,
        "cost_usd": result.usage.cost_usd,
        "acled": document_rows(result.document, extra_columns)
        if result.ok and result.document
        else [],
        "result": result.model_dump_json(),
    }


def rows_table(rows: list[dict[str, Any]], extra_columns: tuple[str, ...] = ()) -> Any:
    """A `pyarrow.Table` of document rows with the fixed schema."""
    return _pa().Table.from_pylist(rows, schema=schema(extra_columns))


def part_files(folder: Path) -> list[Path]:
    """The committed part files of an output folder, in name order (temporaries skipped)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("."))


def _write_atomic(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        pq.write_table(table, tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def prepare_resume(folder: Path) -> tuple[set[str], int]:
    """Doc ids with an ok row, after dropping error rows and repeats from the part files.

    Each part file that held rows to drop is rewritten atomically without them (or
    removed when nothing is left); an unreadable part file is renamed aside to
    `.<name>.unreadable` (never deleted) and its documents run again. Returns the done
    ids and how many rows were dropped.
    """
    import pyarrow.parquet as pq

    done: set[str] = set()
    dropped = 0
    for part in part_files(folder):
        try:
            table = pq.read_table(part)
            ids = table.column("doc_id").to_pylist()
            statuses = table.column("status").to_pylist()
        except Exception:
            part.rename(part.with_name(f".{part.name}.unreadable"))
            continue
        keep: list[bool] = []
        for doc_id, status in zip(ids, statuses, strict=True):
            fresh = status == "ok" and doc_id not in done
            keep.append(fresh)
            if fresh:
                done.add(doc_id)
        if all(keep):
            continue
        dropped += keep.count(False)
        if any(keep):
            _write_atomic(table.filter(_pa().array(keep, type=_pa().bool_())), part)
        else:
            part.unlink()
    return done, dropped


def clear_parts(folder: Path) -> None:
    """Start afresh (no --resume): remove earlier part files, nothing else in the folder."""
    for part in part_files(folder):
        part.unlink()


class ParquetWriter(ResultWriter):
    """Document rows committed in groups as part files of the folder `path`."""

    def __init__(
        self,
        path: Path | None,
        *,
        resume: bool = False,
        stream: IO[str] | None = None,
        group_rows: int = GROUP_ROWS,
        group_seconds: float = GROUP_SECONDS,
        extra_columns: tuple[str, ...] = (),
    ) -> None:
        super().__init__(path)
        self.extra_columns = extra_columns
        _pa()
        if path is None:
            raise ConfigurationError("Parquet output needs an output folder (-o OUT.parquet)")
        if path.exists() and not path.is_dir():
            raise ConfigurationError(
                f"{path} exists and is not a folder; Parquet output is a folder of part files"
            )
        path.mkdir(parents=True, exist_ok=True)
        if resume:
            self.done, self.dropped_on_resume = prepare_resume(path)
        else:
            clear_parts(path)
        self.group_rows = group_rows
        self.group_seconds = group_seconds
        self._prefix = f"part-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        self._seq = 0
        self._rows: list[dict[str, Any]] = []
        self._since = time.monotonic()

    def write(self, result: ExtractionResult) -> None:
        self._rows.append(document_row(result, self.extra_columns))
        if (
            len(self._rows) >= self.group_rows
            or time.monotonic() - self._since >= self.group_seconds
        ):
            self.commit()

    def commit(self) -> None:
        """Write the buffered rows as one part file (nothing to do when none are buffered)."""
        self._since = time.monotonic()
        if not self._rows or self.path is None:
            return
        part = self.path / f"{self._prefix}-{self._seq:05d}.parquet"
        _write_atomic(rows_table(self._rows, self.extra_columns), part)
        self._seq += 1
        self._rows = []

    def close(self) -> None:
        self.commit()


def read_results(path: Path) -> Iterable[ExtractionResult]:
    """Every result stored in a Parquet output folder (or single file)."""
    import pyarrow.parquet as pq

    _pa()
    files = [path] if path.is_file() else part_files(path)
    for part in files:
        for text in pq.read_table(part, columns=["result"]).column("result").to_pylist():
            yield ExtractionResult.model_validate_json(text)


def events_table(path: Path, extra_columns: tuple[str, ...] = ()) -> Any:
    """One row per event with the CSV writer's ACLED columns, then `extra_columns`
    (ok documents only)."""
    import pyarrow.parquet as pq

    pa = _pa()
    files = [path] if path.is_file() else part_files(path)
    rows: list[dict[str, str]] = []
    for part in files:
        table = pq.read_table(part, columns=["status", "acled"])
        for status, events in zip(
            table.column("status").to_pylist(), table.column("acled").to_pylist(), strict=True
        ):
            if status == "ok":
                rows.extend(events or [])
    columns = (*ACLED_COLUMNS, *extra_columns)
    return pa.Table.from_pylist(rows, schema=pa.schema([(c, pa.string()) for c in columns]))
