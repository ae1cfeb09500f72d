"""Batch orchestration: inputs -> `Extractor` -> writer, with resume and a rate limit.

The CLI only parses options and prints; everything a batch run decides lives here, so
the same run is scriptable from Python. Per-document failures (bad input, a model that
will not answer) become error records in the output and entries in the summary; only a
configuration problem or an empty input set stops the run before it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from llm_extract.article import Article
from llm_extract.context import RateLimiter
from llm_extract.errors import InputError, RunAbortedError
from llm_extract.extract import Extractor, error_result, run_sync
from llm_extract.models import ExtractionResult, Usage
from llm_extract.output_guard import (
    OutputError,
    OutputFormat,
    check_existing,
    describe_os_error,
    infer_format,
    output_lock,
)
from llm_extract.readers import (
    DEFAULT_GLOBS,
    DEFAULT_MAX_BYTES,
    BadInput,
    InputItem,
    NoInputsError,
    Reader,
    Source,
    plan_sources,
)
from llm_extract.settings import Settings
from llm_extract.writers import ResultWriter, open_writer


@dataclass(frozen=True)
class FailedDoc:
    """A document without records, and why (shown in the summary)."""

    doc_id: str
    stage: str
    reason: str


@dataclass
class RunSummary:
    """What a run did, counted as results arrive (so progress can show it live)."""

    total: int = 0  # documents this run will process (after resume)
    streaming: bool = False  # stdin: the total is only known at the end
    docs: int = 0
    ok: int = 0
    failed: list[FailedDoc] = field(default_factory=list)
    resumed: int = 0  # already in the output, skipped
    duplicates: list[str] = field(default_factory=list)  # also error records in `failed`
    events: int = 0
    actors: int = 0
    casualties: int = 0
    dropped: int = 0
    cache_hits: int = 0
    usage: Usage = field(default_factory=Usage)  # tokens and cost, summed over documents
    warnings: int = 0
    elapsed_s: float = 0.0

    @property
    def all_ok(self) -> bool:
        return not self.failed

    def add(self, result: ExtractionResult) -> None:
        self.docs += 1
        self.cache_hits += int(result.cached)
        self.usage = self.usage.add(result.usage)
        self.warnings += len(result.warnings)
        if result.ok:
            self.ok += 1
            self.events += len(result.events)
            self.actors += len(result.actors)
            self.casualties += len(result.casualties)
            self.dropped += result.dropped
        else:
            err = result.error
            self.failed.append(
                FailedDoc(
                    result.doc_id,
                    err.stage if err else "unknown",
                    f"{err.type}: {err.message}" if err else "no error recorded",
                )
            )


class RunListener(Protocol):
    """Progress hooks; the CLI implements them with a rich bar or plain lines."""

    def started(self, summary: RunSummary) -> None: ...

    def finished_one(self, result: ExtractionResult, summary: RunSummary) -> None: ...


def input_error(bad: BadInput) -> ExtractionResult:
    """The error record for an input that is not an article."""
    return error_result(bad.doc_id, bad.error(), None, stage="input")


def duplicate_error(doc_id: str, first: str, again: str) -> ExtractionResult:
    """The error record for a second document with an id already used in this run."""
    message = (
        f"duplicate doc id {doc_id!r}: {again} has the id of {first}; not run "
        "(give each document its own id)"
    )
    return error_result(doc_id, InputError(message), None, stage="input")


@dataclass
class BatchRun:
    """One batch: where articles come from, where results go, and how fast to ask.

    `max_bytes`, `rpm` and `globs` are run options rather than `Settings` fields: they
    shape the batch, not what is sent to the model or cached. An existing output is
    continued only with `resume` and replaced only with `overwrite`; `fmt` defaults to
    the output's extension.
    """

    inputs: Sequence[str | Path]
    settings: Settings = field(default_factory=Settings)
    output: Path | None = None
    fmt: OutputFormat | None = None
    resume: bool = False
    overwrite: bool = False
    rpm: float | None = None
    globs: Iterable[str] = DEFAULT_GLOBS
    published: dt.date | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    listener: RunListener | None = None
    extractor: Extractor | None = None
    stdin: IO[bytes] | None = None
    stdout: IO[str] | None = None

    def planned_sources(self) -> list[Source]:
        """The files (and `-`) this run reads, with their ids; none is a usage error."""
        found = plan_sources(self.inputs, self.globs)
        if self.output is not None:  # never read our own output back as articles
            own = self.output.resolve()
            found = [s for s in found if s.path == "-" or Path(s.path).resolve() != own]
        if not found:
            shown = ", ".join(str(p) for p in self.inputs) or "(none given)"
            patterns = ", ".join(self.globs)
            raise NoInputsError(f"no input files found in {shown} (looked for {patterns})")
        return found

    def sources(self) -> list[str]:
        """The paths of `planned_sources` (engines that read files themselves use these)."""
        return [source.path for source in self.planned_sources()]

    async def arun(self) -> RunSummary:
        """Run the batch; raises only for configuration, usage or output problems."""
        sources = self.planned_sources()
        if self.resume and self.output is None:
            raise NoInputsError("--resume needs an output file (-o)")
        if self.resume and self.overwrite:
            raise NoInputsError("--resume and --overwrite are exclusive")
        fmt = infer_format(self.output, self.fmt)
        extractor = self.extractor or Extractor(self.settings)
        if self.rpm:  # enforced per request, where requests are made
            extractor.rate_limiter = RateLimiter(self.rpm)
        started = time.perf_counter()
        summary = RunSummary()
        reader = Reader(published=self.published, max_bytes=self.max_bytes, stdin=self.stdin)
        try:
            with self._open_output(fmt) as writer:
                summary.streaming = "-" in [s.path for s in sources]  # stdin: read once
                if not summary.streaming:
                    self._count(reader.read_located(sources), writer, summary)
                if self.listener:
                    self.listener.started(summary)
                items = reader.read_located(sources)
                articles = self._stream(items, writer, summary, started)
                ticker = asyncio.create_task(self._tick(writer))
                try:
                    async for result in extractor.aextract_many(articles):
                        self._record(result, writer, summary, started)
                finally:
                    ticker.cancel()
                self._commit(writer)
        finally:
            summary.elapsed_s = time.perf_counter() - started
            await extractor.aclose()
        if extractor.breaker.tripped:  # one message, exit 2; every document has its record
            not_sent = sum(1 for f in summary.failed if f.stage == RunAbortedError.stage)
            where = self.output or "the output"
            stopped = RunAbortedError(
                f"run stopped: {extractor.breaker.reason}. {not_sent} document(s) were not "
                f"sent and {len(summary.failed) - not_sent} failed; every one has an error "
                f"record in {where}. Fix the cause, then rerun with --resume."
            )
            stopped.summary = summary  # type: ignore[attr-defined]
            raise stopped
        return summary

    @contextlib.contextmanager
    def _open_output(self, fmt: OutputFormat) -> Iterator[ResultWriter]:
        """The writer, under the output's lock, after the no-truncation checks."""
        path = self.output
        if path is None:
            extra = self.settings.records.extra_columns
            with open_writer(None, fmt, stream=self.stdout, extra_columns=extra) as writer:
                yield writer
            return
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(output_lock(path))
                check_existing(path, fmt, resume=self.resume, overwrite=self.overwrite)
                extra = self.settings.records.extra_columns  # a user's added fields
                writer = stack.enter_context(
                    open_writer(path, fmt, resume=self.resume, extra_columns=extra)
                )
            except OSError as exc:
                raise OutputError(describe_os_error(exc, path)) from exc
            yield writer

    def _count(
        self, items: Iterable[tuple[str, InputItem]], writer: ResultWriter, summary: RunSummary
    ) -> None:
        """A first pass that keeps only ids: how many documents to run and how many the
        output already has (a repeated id counts: it becomes an error record)."""
        seen: set[str] = set()
        for _, item in items:
            if item.doc_id in writer.done and item.doc_id not in seen:
                summary.resumed += 1
            else:
                summary.total += 1
            seen.add(item.doc_id)

    def _stream(
        self,
        items: Iterable[tuple[str, InputItem]],
        writer: ResultWriter,
        summary: RunSummary,
        started: float,
    ) -> Iterator[Article]:
        """Articles to run, read lazily so memory stays flat however long the input is.

        Documents the output already has are skipped; a bad input, or a second document
        with an id seen earlier this run, becomes its error record as it is met.
        """
        seen: dict[str, str] = {}
        for where, item in items:
            first = seen.get(item.doc_id)
            if first is not None:
                summary.duplicates.append(item.doc_id)
                summary.total += int(summary.streaming)
                self._record(duplicate_error(item.doc_id, first, where), writer, summary, started)
                continue
            seen[item.doc_id] = where
            if item.doc_id in writer.done:
                summary.resumed += int(summary.streaming)
                continue
            summary.total += int(summary.streaming)
            if isinstance(item, BadInput):
                self._record(input_error(item), writer, summary, started)
            else:
                yield item

    @staticmethod
    async def _tick(writer: ResultWriter) -> None:
        """Commit the output's group once it is old enough, even while no result arrives
        (a slow model must not hold finished documents out of the file)."""
        while True:
            await asyncio.sleep(writer.group_seconds / 2)
            with contextlib.suppress(OSError):  # raised again by the next write or close
                writer.commit_due()

    def _commit(self, writer: ResultWriter) -> None:
        try:
            writer.commit()
        except OSError as exc:
            raise OutputError(
                f"{describe_os_error(exc, self.output)}; the documents written so far are "
                "kept: rerun with --resume"
            ) from exc

    def _record(
        self,
        result: ExtractionResult,
        writer: ResultWriter,
        summary: RunSummary,
        started: float,
    ) -> None:
        try:
            writer.write(result)
        except OSError as exc:
            raise OutputError(
                f"{describe_os_error(exc, self.output)}; the documents written so far are "
                "kept: rerun with --resume"
            ) from exc
        summary.add(result)
        summary.elapsed_s = time.perf_counter() - started
        if result.error and result.error.stage == RunAbortedError.stage:
            return  # not sent: the run's one stop message says it, not a line per document
        if self.listener:
            self.listener.finished_one(result, summary)

    def run(self) -> RunSummary:
        """Sync twin of `arun`."""
        return run_sync(self.arun())
