"""The batch engine: rounds of (answer what we can, submit what is missing, wait).

Each round runs every unfinished document through the ordinary `Extractor` with the
`BatchTransport` under its client. Documents whose requests all have answers finish as
they would online (validated, assembled, cached, written); the others leave one parked
request each, and those requests become the next batch. `run` repeats until every
document is written; `submit` and `collect` do one step each, so a job can also be driven
by hand or by a scheduler. Everything needed to continue lives in `OUT.batch/`.

Failed, expired or cancelled lines are asked again in the next batch (`retry="batch"`, at
most `max_attempts` submissions per request, then the document becomes an error record)
or sent online with the Extractor's own retries (`retry="online"`). Costs are priced at
batch rates (`batch_models` in the price table).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import httpx2 as httpx

from llm_extract.backends import get_backend
from llm_extract.backends.chat import ChatBackend
from llm_extract.batch.api import BatchAPI, parse_output, request_line, split_lines
from llm_extract.batch.store import (
    TERMINAL,
    Answer,
    AnswerStore,
    BatchRecord,
    BatchState,
    answer_store,
    keeps,
    load_state,
    save_state,
    state_dir,
)
from llm_extract.batch.transport import BatchTransport
from llm_extract.errors import ConfigurationError
from llm_extract.extract import Extractor, PriceTable, cost_usd, run_sync
from llm_extract.models import ExtractionResult
from llm_extract.readers import DEFAULT_GLOBS, DEFAULT_MAX_BYTES, BadInput, Reader, discover
from llm_extract.runner import RunSummary, input_error
from llm_extract.settings import Settings
from llm_extract.writers import OutputFormat, ResultWriter, open_writer

Retry = Literal["batch", "online"]
GAVE_UP_STATUS = 424  # a 4xx: not retried by the transport policy, ends the document


def load_batch_prices(path: Path | None = None) -> PriceTable:
    """Batch API prices (`batch_models` of the price table); empty when it has none."""
    raw = (
        path.read_text(encoding="utf-8")
        if path is not None
        else files("llm_extract").joinpath("data/prices.json").read_text(encoding="utf-8")
    )
    models = json.loads(raw).get("batch_models") or {}
    return {
        str(name): {"input": float(p["input"]), "output": float(p["output"])}
        for name, p in models.items()
        if isinstance(p, dict)
    }


@dataclass
class BatchSummary(RunSummary):
    """A run's summary plus what the Batch API did."""

    rounds: int = 0
    submitted: list[str] = field(default_factory=list)  # batch ids this call submitted
    requests_submitted: int = 0
    answered_from_batch: int = 0
    sent_online: int = 0
    waiting: int = 0  # documents still waiting for a batch


@dataclass
class BatchJob:
    """One Batch API job: inputs, output, and how to submit and wait."""

    inputs: Sequence[str | Path]
    output: Path
    settings: Settings = field(default_factory=Settings)
    fmt: OutputFormat = "jsonl"
    globs: Sequence[str] = DEFAULT_GLOBS
    published: dt.date | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    poll_interval: float = 30.0
    retry: Retry = "batch"
    max_attempts: int = 3
    max_rounds: int = 50
    max_lines: int | None = None  # per input file; the API's limit unless set lower
    log: Callable[[str], None] = lambda _msg: None
    extractor: Extractor | None = None
    _state: BatchState = field(default_factory=BatchState, init=False)

    # -- setup ---------------------------------------------------------------------------
    def _open(self) -> tuple[Extractor, BatchTransport, AnswerStore, ResultWriter]:
        continuing = (state_dir(self.output) / "state.json").exists()
        self._state = load_state(self.output)
        if continuing and not self.inputs:
            self.inputs = list(self._state.inputs)
            self.globs = list(self._state.globs) or DEFAULT_GLOBS
            if self._state.published and self.published is None:
                self.published = dt.date.fromisoformat(self._state.published)
        if not self.inputs:
            raise ConfigurationError(f"no inputs given and no batch state for {self.output}")
        self._state.inputs = [str(p) for p in self.inputs]
        self._state.globs = list(self.globs)
        self._state.published = self.published.isoformat() if self.published else None
        extractor = self.extractor or Extractor(self.settings)
        backend = extractor.backend
        if not isinstance(backend, ChatBackend):
            raise ConfigurationError(
                f"the Batch API needs a chat backend (openai, azure...), not {backend.name!r}"
            )
        answers = answer_store(self.output)
        online = httpx.AsyncHTTPTransport() if self.retry == "online" else None
        transport = BatchTransport(answers, online_transport=online)
        backend.http_transport = transport
        # Batch requests are the strict-schema requests the online path sends; the
        # first-use constraint probe is an online call, so it is not made here.
        extractor._probed = True
        extra = self.settings.records.extra_columns  # a user's added fields
        writer = open_writer(self.output, self.fmt, resume=continuing, extra_columns=extra)
        save_state(self.output, self._state)
        return extractor, transport, answers, writer

    # -- one pass over the documents -----------------------------------------------------
    async def _drive(self, extractor: Extractor, transport: BatchTransport, article: Any) -> Any:
        """The document's result, or None when it parked a request."""
        task = asyncio.create_task(extractor.aextract_or_error(article))
        parked = asyncio.create_task(transport.signal(article.doc_id).wait())
        await asyncio.wait({task, parked}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            parked.cancel()
            return task.result()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return None

    async def _pass(
        self,
        extractor: Extractor,
        transport: BatchTransport,
        writer: ResultWriter,
        summary: BatchSummary,
    ) -> dict[str, dict[str, Any]]:
        """Run every unfinished document once; returns the parked requests by custom_id."""
        transport.parked.clear()
        transport.parked_by_doc.clear()
        transport._signals.clear()
        transport.online = set(self._state.failures) if self.retry == "online" else set()
        reader = Reader(published=self.published, max_bytes=self.max_bytes)
        sources = discover(self.inputs, self.globs)
        seen: set[str] = set()
        slots = asyncio.Semaphore(max(8, self.settings.concurrency * 4))
        prices = load_batch_prices(self.settings.price_table)
        waiting = 0

        async def one(article: Any) -> None:
            nonlocal waiting
            async with slots:
                before = transport.sent_online
                result = await self._drive(extractor, transport, article)
            if result is None:
                waiting += 1
                return
            if transport.sent_online == before:  # every answer came from a batch
                result = self._batch_priced(result, extractor, prices)
            self._write(result, writer, summary)

        tasks: set[asyncio.Task[None]] = set()
        for item in reader.read(sources):
            if item.doc_id in writer.done or item.doc_id in seen:
                continue
            seen.add(item.doc_id)
            if isinstance(item, BadInput):
                self._write(input_error(item), writer, summary)
                continue
            tasks.add(asyncio.create_task(one(item)))
            if len(tasks) >= 1024:
                _, tasks = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if tasks:
            await asyncio.gather(*tasks)
        summary.waiting = waiting
        summary.answered_from_batch = transport.answered
        summary.sent_online = transport.sent_online
        return dict(transport.parked)

    def _batch_priced(
        self, result: ExtractionResult, extractor: Extractor, prices: PriceTable
    ) -> ExtractionResult:
        if result.cached or not result.usage.calls:
            return result
        cost = cost_usd(result.usage, extractor.backend.model, prices)
        return result.model_copy(
            update={"usage": result.usage.model_copy(update={"cost_usd": cost})}
        )

    def _write(self, result: ExtractionResult, writer: ResultWriter, summary: RunSummary) -> None:
        writer.write(result)
        writer.done.add(result.doc_id)
        summary.add(result)

    # -- submit and collect --------------------------------------------------------------
    def _give_up(self, transport: BatchTransport, parked: dict[str, dict[str, Any]]) -> int:
        """Requests that failed in `max_attempts` batches get a final refusal as answer."""
        spent = {
            cid: Answer(
                GAVE_UP_STATUS,
                {"error": {"message": f"failed in {n} Batch API submission(s); giving up"}},
            )
            for cid in parked
            if (n := self._state.failures.get(cid, 0)) >= self.max_attempts
        }
        transport.answers.add(spent)
        return len(spent)

    async def _submit(
        self, api: BatchAPI, parked: dict[str, dict[str, Any]], summary: BatchSummary
    ) -> None:
        busy = self._state.in_flight()
        lines = [(cid, request_line(cid, body)) for cid, body in parked.items() if cid not in busy]
        if not lines:
            return
        self._state.rounds += 1
        limits = {"max_lines": self.max_lines} if self.max_lines else {}
        for group in split_lines(lines, **limits):
            batch = await api.submit(group, {"llm_extract_round": str(self._state.rounds)})
            record = BatchRecord(
                id=batch.id,
                input_file_id=batch.input_file_id,
                round=self._state.rounds,
                custom_ids=[cid for cid, _ in group],
                status=str(batch.status),
            )
            self._state.batches.append(record)
            save_state(self.output, self._state)
            summary.submitted.append(batch.id)
            summary.requests_submitted += len(group)
            self.log(f"submitted batch {batch.id}: {len(group)} requests")

    async def _collect(self, api: BatchAPI, record: BatchRecord, answers: AnswerStore) -> bool:
        """Download a finished batch into the answer store; False while it still runs."""
        status = await api.status(record.id)
        record.status = status.status
        record.output_file_id = status.output_file_id
        record.error_file_id = status.error_file_id
        if status.status not in TERMINAL:
            save_state(self.output, self._state)
            return False
        got: dict[str, Answer] = {}
        failed: dict[str, str] = {}
        for file_id in (status.output_file_id, status.error_file_id):
            if file_id:
                found, errors = parse_output(await api.download(file_id))
                got.update(found)
                failed.update(errors)
        kept = {cid: a for cid, a in got.items() if keeps(a.status_code)}
        answers.add(kept)
        for cid in record.custom_ids:
            if cid not in kept:  # failed, expired, cancelled, rate-limited or missing
                self._state.failures[cid] = self._state.failures.get(cid, 0) + 1
        record.collected = True
        save_state(self.output, self._state)
        missing = len(record.custom_ids) - len(kept)
        self.log(f"collected batch {record.id} ({status.status}): {len(kept)} answers"
                 + (f", {missing} to ask again" if missing else ""))  # fmt: skip
        return True

    async def _wait_all(self, api: BatchAPI, answers: AnswerStore) -> None:
        while True:
            pending = list(self._state.open_batches())
            for record in pending:
                await self._collect(api, record, answers)
            if not self._state.open_batches():
                return
            await asyncio.sleep(self.poll_interval)

    # -- the commands --------------------------------------------------------------------
    async def arun(self) -> BatchSummary:
        """Submit, poll, collect and assemble until every document is written."""
        return await self._steps(wait=True, only=None)

    async def asubmit(self) -> BatchSummary:
        """Write what can be answered already and submit the rest; does not wait."""
        return await self._steps(wait=False, only=None)

    async def acollect(self, batch_id: str) -> BatchSummary:
        """Collect one finished batch and write the documents it completes."""
        return await self._steps(wait=False, only=batch_id)

    async def astatus(self, batch_id: str | None = None) -> list[BatchRecord]:
        """The job's batches (or one), open ones refreshed from the server; nothing is
        downloaded or written."""
        self._state = load_state(self.output)
        shown = [b for b in self._state.batches if batch_id in (None, b.id)]
        if batch_id is not None and not shown:
            raise ConfigurationError(f"batch {batch_id} is not in {self.output}'s state")
        backend = (self.extractor.backend if self.extractor else None) or get_backend(self.settings)
        if not isinstance(backend, ChatBackend):
            raise ConfigurationError(f"the Batch API needs a chat backend, not {backend.name!r}")
        api = BatchAPI(backend)
        try:
            for record in shown:
                if not record.collected:
                    record.status = (await api.status(record.id)).status
        finally:
            await api.aclose()
        save_state(self.output, self._state)
        return shown

    def run_sync(self) -> BatchSummary:
        """Sync twin of `arun`."""
        return run_sync(self.arun())

    def submit_sync(self) -> BatchSummary:
        """Sync twin of `asubmit`."""
        return run_sync(self.asubmit())

    async def _steps(self, *, wait: bool, only: str | None) -> BatchSummary:
        started = time.perf_counter()
        summary = BatchSummary()
        extractor, transport, answers, writer = self._open()
        api = BatchAPI(extractor.backend)  # type: ignore[arg-type]
        try:
            with writer:
                if only is not None:
                    record = self._state.find(only)
                    if record is None:
                        raise ConfigurationError(f"batch {only} is not in {self.output}'s state")
                    if not record.collected and not await self._collect(api, record, answers):
                        raise ConfigurationError(f"batch {only} is still {record.status}")
                else:
                    for record in self._state.open_batches():
                        await self._collect(api, record, answers)
                while True:
                    if wait:
                        await self._wait_all(api, answers)
                    parked = await self._pass(extractor, transport, writer, summary)
                    if self._give_up(transport, parked):
                        parked = await self._pass(extractor, transport, writer, summary)
                    if not parked or only is not None:
                        break
                    await self._submit(api, parked, summary)
                    if not wait or self._state.rounds >= self.max_rounds:
                        break
        finally:
            summary.rounds = self._state.rounds
            summary.elapsed_s = time.perf_counter() - started
            await api.aclose()
            await extractor.aclose()
        return summary
