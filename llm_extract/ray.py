"""Ray Data engine: the same per-document extraction, spread over a Ray cluster (`ray` extra).

Each Ray worker is one `Extractor` (a callable class in `map_batches`, built once per
worker), and extracts its batch of documents with `settings.concurrency` in flight, as
the local runner does. Rows out are `llm_extract.parquet.document_row`s: one per
document, the ACLED columns of its events and the whole result as JSON.

- Python: `extract_dataset(ds, settings)` maps a dataset with `doc_id` (or `id`) and
  `text` columns (optional `published`, `source`) to document rows; write it wherever
  Ray writes (`.write_parquet(dir)` gives partitioned Parquet).
- CLI: `llm-extract run ... --engine ray [--ray-address ADDR]` (`RayRun`). Files are
  read by the workers (the driver only lists paths; `.parquet` inputs are read row group
  by row group); results stream back to the driver and go through the ordinary writers,
  so every format, `--resume` (doc ids already in the output are skipped by the
  workers) and the summary behave as with one process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from llm_extract.article import Article
from llm_extract.errors import ConfigurationError, require_extra
from llm_extract.extract import Extractor
from llm_extract.models import ExtractionResult
from llm_extract.parquet import document_row, rows_table
from llm_extract.readers import DEFAULT_MAX_BYTES, BadInput, Reader
from llm_extract.runner import BatchRun, RunSummary, input_error
from llm_extract.settings import Settings
from llm_extract.writers import open_writer

BATCH_SIZE = 16


def _ray() -> Any:
    return require_extra("The Ray engine", "ray", "ray", "ray.data")


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _row_group(path: str, index: int) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).read_row_group(index).to_pylist()  # type: ignore[no-any-return]


def parquet_parts(paths: Sequence[str]) -> list[dict[str, Any]]:
    """One work item per row group of each Parquet input: the workers read them, so no
    Ray read task waits for a CPU slot the extractor workers hold."""
    import pyarrow.parquet as pq

    return [
        {"parquet": path, "row_group": i}
        for path in paths
        for i in range(pq.ParquetFile(path).num_row_groups)
    ]


class DocumentExtractor:
    """One Extractor per Ray worker; turns a batch of inputs into document rows.

    A batch holds either `path` (files the worker reads, as the local runner would) or
    `doc_id`/`id` + `text` rows. Documents in `skip` (already in the output) and ids met
    before in this worker are left out.
    """

    def __init__(
        self,
        settings: Settings,
        skip: frozenset[str] = frozenset(),
        published: dt.date | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.extractor = Extractor(settings)
        self.skip = skip
        self.reader = Reader(published=published, max_bytes=max_bytes)
        self.published = published
        self.loop = asyncio.new_event_loop()
        self.seen: set[str] = set()

    def _items(self, rows: list[dict[str, Any]]) -> Iterator[Article | BadInput]:
        for row in rows:
            if row.get("path") is not None:
                yield from self.reader.read_one(str(row["path"]))
            elif row.get("parquet") is not None:
                yield from self._items(_row_group(row["parquet"], row["row_group"]))
            else:
                yield self._article(row)

    def _article(self, row: dict[str, Any]) -> Article | BadInput:
        doc_id = str(row.get("doc_id") or row.get("id") or "")
        text = row.get("text")
        if not doc_id or not isinstance(text, str) or not text.strip():
            return BadInput(doc_id or "?", "parquet", "row has no id or no text")
        return Article(
            doc_id=doc_id,
            text=text,
            published=_date(row.get("published")) or self.published,
            source=row.get("source"),
        )

    async def _extract(self, articles: list[Article]) -> list[ExtractionResult]:
        return [r async for r in self.extractor.aextract_many(articles)]

    def __call__(self, batch: Any) -> Any:
        results: list[ExtractionResult] = []
        articles: list[Article] = []
        for item in self._items(batch.to_pylist()):
            if item.doc_id in self.skip or item.doc_id in self.seen:
                continue
            self.seen.add(item.doc_id)
            if isinstance(item, BadInput):
                results.append(input_error(item))
            else:
                articles.append(item)
        results.extend(self.loop.run_until_complete(self._extract(articles)))
        return rows_table([document_row(r) for r in results])


def extract_dataset(
    ds: Any,
    settings: Settings | None = None,
    *,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    skip: Iterable[str] = (),
) -> Any:
    """Document rows for a dataset of articles (`doc_id`/`id`, `text`, optional
    `published`, `source`), one Extractor per worker; `workers` defaults to Ray's choice."""
    _ray()
    return ds.map_batches(
        DocumentExtractor,
        fn_constructor_kwargs={"settings": settings or Settings(), "skip": frozenset(skip)},
        batch_size=batch_size,
        batch_format="pyarrow",
        concurrency=workers or (1, max(1, _cpus())),
        num_cpus=1,
    )


def _cpus() -> int:
    return int(_ray().cluster_resources().get("CPU", 1))


@dataclass
class RayRun(BatchRun):
    """`BatchRun` on a Ray cluster: workers extract, the driver writes and counts."""

    ray_address: str | None = None
    workers: int | None = None
    batch_size: int = BATCH_SIZE

    def _datasets(self, sources: Sequence[str], skip: frozenset[str]) -> list[Any]:
        ray = _ray()
        parquet = [s for s in sources if s.endswith(".parquet")]
        files = [s for s in sources if not s.endswith(".parquet")]
        kwargs = {
            "settings": self.settings,
            "skip": skip,
            "published": self.published,
            "max_bytes": self.max_bytes,
        }
        out = []
        for items in ([{"path": p} for p in files], parquet_parts(parquet)):
            if not items:
                continue
            workers = self.workers or max(1, _cpus())
            # Small blocks, at least four per worker: one block goes to one worker, so a
            # corpus in a single block would keep every other worker idle.
            per_block = max(1, min(self.batch_size, -(-len(items) // (workers * 4))))
            ds = ray.data.from_items(items, override_num_blocks=-(-len(items) // per_block))
            out.append(
                ds.map_batches(
                    DocumentExtractor,
                    fn_constructor_kwargs=kwargs,
                    batch_size=per_block,
                    batch_format="pyarrow",
                    concurrency=workers,
                    num_cpus=1,
                )
            )
        return out

    def sources(self) -> list[str]:
        parquet = [str(p) for p in self.inputs if str(p).endswith(".parquet")]
        others = [p for p in self.inputs if not str(p).endswith(".parquet")]
        if not others:
            return parquet
        return [*BatchRun(others, globs=self.globs, output=self.output).sources(), *parquet]

    async def arun(self) -> RunSummary:
        return await asyncio.to_thread(self.run)

    def run(self) -> RunSummary:
        """Extract every input on the cluster; raises only for configuration problems."""
        ray = _ray()
        sources = self.sources()
        if "-" in sources:
            raise ConfigurationError("--engine ray reads files, not stdin (-)")
        if not ray.is_initialized():
            ray.init(address=self.ray_address, log_to_driver=False, include_dashboard=False)
        started = time.perf_counter()
        summary = RunSummary()
        with open_writer(
            self.output,
            self.fmt,
            resume=self.resume,
            stream=self.stdout,
            extra_columns=self.settings.records.extra_columns,  # a user's added fields
        ) as writer:
            summary.resumed = len(writer.done)
            if self.listener:
                self.listener.started(summary)
            for ds in self._datasets(sources, frozenset(writer.done)):
                for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
                    for text in batch.column("result").to_pylist():
                        result = ExtractionResult.model_validate_json(text)
                        if result.doc_id in writer.done:
                            summary.duplicates.append(result.doc_id)
                            continue
                        summary.total += 1
                        self._record(result, writer, summary, started)
                        writer.done.add(result.doc_id)
        summary.elapsed_s = time.perf_counter() - started
        return summary
