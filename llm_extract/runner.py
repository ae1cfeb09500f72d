"""Batch orchestration: inputs -> `Extractor` -> writer, with resume and a rate limit.

The CLI only parses options and prints; everything a batch run decides lives here, so
the same run is scriptable from Python. Per-document failures (bad input, a model that
will not answer) become error records in the output and entries in the summary; only a
configuration problem or an empty input set stops the run before it starts.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from llm_extract.article import Article
from llm_extract.context import RateLimiter
from llm_extract.errors import RunAbortedError
from llm_extract.extract import Extractor, error_result, run_sync
from llm_extract.models import ExtractionResult
from llm_extract.readers import (
    DEFAULT_GLOBS,
    DEFAULT_MAX_BYTES,
    BadInput,
    NoInputsError,
    Reader,
    discover,
)
from llm_extract.settings import Settings
from llm_extract.writers import OutputFormat, ResultWriter, open_writer


@dataclass(frozen=True)
class FailedDoc:
    """A document without records, and why (shown in the summary)."""

    doc_id: str
    stage: str
    reason: str


@dataclass
class RunSummary:
    """What a run did, counted as results arrive (so progress can show it live)."""

    total: int = 0  # documents this run will process (after resume and duplicates)
    docs: int = 0
    ok: int = 0
    failed: list[FailedDoc] = field(default_factory=list)
    resumed: int = 0  # already in the output, skipped
    duplicates: list[str] = field(default_factory=list)
    events: int = 0
    actors: int = 0
    casualties: int = 0
    dropped: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    warnings: int = 0
    elapsed_s: float = 0.0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def all_ok(self) -> bool:
        return not self.failed

    def add(self, result: ExtractionResult) -> None:
        self.docs += 1
        self.cache_hits += int(result.cached)
        self.prompt_tokens += result.usage.prompt_tokens
        self.completion_tokens += result.usage.completion_tokens
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


@dataclass
class BatchRun:
    """One batch: where articles come from, where results go, and how fast to ask.

    `max_bytes`, `rpm` and `globs` are run options rather than `Settings` fields: they
    shape the batch, not what is sent to the model or cached.
    """

    inputs: Sequence[str | Path]
    settings: Settings = field(default_factory=Settings)
    output: Path | None = None
    fmt: OutputFormat = "jsonl"
    resume: bool = False
    rpm: float | None = None
    globs: Iterable[str] = DEFAULT_GLOBS
    published: dt.date | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    listener: RunListener | None = None
    extractor: Extractor | None = None
    stdin: IO[bytes] | None = None
    stdout: IO[str] | None = None

    def sources(self) -> list[str]:
        """The files (and `-`) this run reads; none at all is a usage error."""
        found = discover(self.inputs, self.globs)
        if self.output is not None:  # never read our own output back as articles
            own = self.output.resolve()
            found = [p for p in found if p == "-" or Path(p).resolve() != own]
        if not found:
            shown = ", ".join(str(p) for p in self.inputs) or "(none given)"
            patterns = ", ".join(self.globs)
            raise NoInputsError(f"no input files found in {shown} (looked for {patterns})")
        return found

    async def arun(self) -> RunSummary:
        """Run the batch; raises only for configuration or usage problems."""
        sources = self.sources()
        if self.resume and self.output is None:
            raise NoInputsError("--resume needs an output file (-o)")
        extractor = self.extractor or Extractor(self.settings)
        if self.rpm:  # enforced per request, where requests are made
            extractor.rate_limiter = RateLimiter(self.rpm)
        started = time.perf_counter()
        summary = RunSummary()
        reader = Reader(published=self.published, max_bytes=self.max_bytes, stdin=self.stdin)
        try:
            with open_writer(
                self.output, self.fmt, resume=self.resume, stream=self.stdout
            ) as writer:
                counted = "-" not in sources  # stdin cannot be read twice
                if counted:
                    self._count(reader.read(sources), writer, summary)
                if self.listener:
                    self.listener.started(summary)
                articles = self._stream(reader.read(sources), writer, summary, started, counted)
                async for result in extractor.aextract_many(articles):
                    self._record(result, writer, summary, started)
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

    def _count(
        self, items: Iterable[Article | BadInput], writer: ResultWriter, summary: RunSummary
    ) -> None:
        """A first pass that keeps only ids: how many documents to run, resumed, repeated."""
        seen: set[str] = set()
        for item in items:
            if item.doc_id in writer.done:
                summary.resumed += 1
            elif item.doc_id in seen:
                summary.duplicates.append(item.doc_id)
            else:
                seen.add(item.doc_id)
                summary.total += 1

    def _stream(
        self,
        items: Iterable[Article | BadInput],
        writer: ResultWriter,
        summary: RunSummary,
        started: float,
        counted: bool,
    ) -> Iterator[Article]:
        """Articles to run, read lazily so memory stays flat however long the input is.

        Documents the output already has and ids seen earlier this run are skipped; a bad
        input becomes its error record as it is met.
        """
        seen: set[str] = set()
        for item in items:
            if item.doc_id in seen:
                if not counted:
                    summary.duplicates.append(item.doc_id)
                continue
            if item.doc_id in writer.done:
                summary.resumed += 0 if counted else 1
                continue
            seen.add(item.doc_id)
            if not counted:
                summary.total += 1
            if isinstance(item, BadInput):
                self._record(input_error(item), writer, summary, started)
            else:
                yield item

    def _record(
        self,
        result: ExtractionResult,
        writer: ResultWriter,
        summary: RunSummary,
        started: float,
    ) -> None:
        writer.write(result)
        summary.add(result)
        summary.elapsed_s = time.perf_counter() - started
        if result.error and result.error.stage == RunAbortedError.stage:
            return  # not sent: the run's one stop message says it, not a line per document
        if self.listener:
            self.listener.finished_one(result, summary)

    def run(self) -> RunSummary:
        """Sync twin of `arun`."""
        return run_sync(self.arun())
