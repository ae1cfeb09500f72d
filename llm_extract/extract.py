"""The Python API: one article in, one `ExtractionResult` out.

Follow an article through the stages: `article` (input) -> `prompts` (messages) ->
`backends` (a draft from a model, or from rules) -> `assemble` (grounding and
normalisation into records). `Extractor` holds the configured backend for many calls;
`extract` and `aextract` are one-shot conveniences.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Iterable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from llm_extract import __version__
from llm_extract.article import Article, make_doc_id
from llm_extract.assemble import assemble
from llm_extract.backends import Backend, ChatBackend, get_backend
from llm_extract.cache import ResultCache, cache_key, data_fingerprint
from llm_extract.chunking import chunking_from_settings
from llm_extract.draft import schema_hash
from llm_extract.errors import ConfigurationError, ConstraintNotHonouredError, LLMExtractError
from llm_extract.models import ErrorInfo, ExtractionResult, Provenance, Usage
from llm_extract.prompts import PromptTemplate, load_template
from llm_extract.retry import TransportPolicy, api_error, with_transport_retries
from llm_extract.rules import RULES_VERSION
from llm_extract.runlog import RunLog, bind_doc, new_run_id
from llm_extract.settings import Settings
from llm_extract.strategies import prompt_id

logger = logging.getLogger(__name__)

T = TypeVar("T")


def run_sync(coro: Awaitable[T]) -> T:
    """Run a coroutine from sync code, also inside a running loop (e.g. Jupyter)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)  # type: ignore[arg-type]
    box: dict[str, Any] = {}

    def _target() -> None:
        try:
            box["value"] = asyncio.run(coro)  # type: ignore[arg-type]
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=_target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def as_article(
    text: str | Article,
    *,
    published: dt.date | str | None = None,
    doc_id: str | None = None,
    source: str | None = None,
) -> Article:
    if isinstance(text, Article):
        return text
    return Article(
        doc_id=doc_id or make_doc_id(text),
        text=text,
        published=_as_date(published),
        source=source,
    )


PriceTable = dict[str, dict[str, float]]


@lru_cache(maxsize=8)
def load_prices(path: Path | None = None) -> PriceTable:
    """Model -> {"input", "output"} USD per 1M tokens; the shipped table unless `path`."""
    try:
        raw = (
            path.read_text(encoding="utf-8")
            if path is not None
            else files("llm_extract").joinpath("data/prices.json").read_text(encoding="utf-8")
        )
        data = json.loads(raw)
        models = data.get("models", data)
        return {
            str(name): {"input": float(p["input"]), "output": float(p["output"])}
            for name, p in models.items()
            if isinstance(p, dict)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigurationError(
            f"price table {path or 'prices.json'} is unreadable ({exc}); expected "
            '{"models": {"<model>": {"input": <USD/1M>, "output": <USD/1M>}}}'
        ) from exc


def cost_usd(usage: Usage, model: str, table: PriceTable) -> float | None:
    """What the tokens cost, or None for a model the table does not price.

    Dated snapshots ("gpt-4o-mini-2024-07-18") match their longest priced prefix.
    """
    price = table.get(model)
    if price is None:
        prefixes = [m for m in table if model.startswith(m + "-")]
        price = table[max(prefixes, key=len)] if prefixes else None
    if price is None:
        return None
    cost = usage.prompt_tokens * price["input"] + usage.completion_tokens * price["output"]
    return round(cost / 1_000_000, 8)


def major_version(version: str = __version__) -> str:
    return version.split(".", 1)[0]


class Extractor:
    """A configured backend and prompt, reused across many articles.

    Results are cached (`settings.cache`), every model call is logged to the run log
    (`settings.runlog`), and `run_usage` sums tokens and cost over every document handled,
    failed ones included. Pass `cache=` / `runlog=` to share or replace them.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: Backend | None = None,
        cache: ResultCache | None = None,
        runlog: RunLog | None = None,
    ):
        self.settings = settings or Settings()
        self.backend = backend or get_backend(self.settings)
        # Drafts go through a chunking wrapper (a pass-through for short articles); the
        # backend itself stays what the settings chose, for probing, logging and users.
        self.drafter = chunking_from_settings(self.backend, self.settings)
        self.strategy = getattr(self.backend, "strategy", None) or "single"
        self.template: PromptTemplate | None = (
            load_template(prompt_id(self.settings, self.strategy), self.settings.prompts_dir)
            if self.backend.uses_prompt
            else None
        )
        self._probe_lock: asyncio.Lock | None = None
        self._probed = False
        self.cache: ResultCache | None = None
        if self.settings.cache:
            self.cache = cache or ResultCache(self.settings.cache_dir)
        self.runlog: RunLog | None = runlog
        if self.runlog is None and self.settings.runlog:
            try:
                self.runlog = RunLog.from_settings(self.settings)
            except (OSError, sqlite3.Error) as exc:
                logger.warning("run log unavailable (%s); calls are not logged", exc)
        self.run_id = self.runlog.run_id if self.runlog else new_run_id()
        if self.runlog is not None and hasattr(self.backend, "on_call"):
            self.backend.on_call = self.runlog.observer
        self.prices = load_prices(self.settings.price_table)
        self.run_usage = Usage()

    @property
    def provenance(self) -> Provenance:
        return Provenance(
            backend=self.backend.name,
            model=self.backend.model,
            strategy=self.strategy,
            prompt_id=self.template.id if self.template else None,
            prompt_hash=self.template.hash if self.template else None,
            schema_hash=schema_hash(),
            package_version=__version__,
        )

    def cache_fields(self, article: Article) -> dict[str, Any]:
        """Everything that can change this article's result; hashed into the cache key."""
        s = self.settings
        return {
            "text_sha256": article.text_hash(),
            "published": article.published.isoformat() if article.published else None,
            "prompt_id": self.template.id if self.template else None,
            "prompt_hash": self.template.hash if self.template else None,
            "schema_hash": schema_hash(),
            "backend": self.backend.name,
            "backend_version": str(getattr(self.backend, "version", "") or ""),
            "model": self.backend.model,
            "mode": getattr(self.backend, "mode", None) or s.mode,
            "strategy": self.strategy,
            "arbiter": s.arbiter if self.strategy == "sentences" else None,
            "rules_version": RULES_VERSION if self.strategy == "sentences" else None,
            "data": data_fingerprint(),
            "temperature": s.temperature,
            "seed": s.seed,
            "max_tokens": s.max_tokens,
            "few_shot": s.few_shot,
            "keep_ungrounded": s.keep_ungrounded,
            "chunk": [s.chunk_chars, s.chunk_overlap] if s.chunk_chars else None,
            "package_major": major_version(),
        }

    def cache_key(self, article: Article) -> str:
        return cache_key(self.cache_fields(article))

    def _from_cache(self, key: str, article: Article, started: float) -> ExtractionResult | None:
        if self.cache is None:
            return None
        hit = self.cache.get(key)
        if hit is None:
            return None
        document = hit.document
        if document is not None:
            document = document.model_copy(
                update={"doc_id": article.doc_id, "source": article.source}
            )
        if self.runlog is not None:
            self.runlog.record_cache_hit(article.doc_id, self.backend.name, self.backend.model)
        return hit.model_copy(
            update={
                "doc_id": article.doc_id,
                "document": document,
                "cached": True,
                "usage": Usage(),
                "timings": {"total_s": round(time.perf_counter() - started, 4)},
            }
        )

    async def _ensure_probed(self) -> None:
        if self._probed or not isinstance(self.backend, ChatBackend):
            return
        if self._probe_lock is None:
            self._probe_lock = asyncio.Lock()
        backend = self.backend

        async def probe_once() -> None:
            try:
                await backend.probe()
            except ConstraintNotHonouredError as exc:
                transport = api_error(exc.__cause__)
                if transport is not None:  # a 500 is not an ignored schema: retry it
                    raise transport from exc
                raise

        async with self._probe_lock:
            if not self._probed:
                await with_transport_retries(
                    probe_once,
                    policy=TransportPolicy.from_settings(self.settings),
                    where=f"{backend.name} backend ({backend.model}) probe",
                )
                self._probed = True

    async def aextract(
        self,
        text: str | Article,
        *,
        published: dt.date | str | None = None,
        doc_id: str | None = None,
        source: str | None = None,
    ) -> ExtractionResult:
        """Extract records from one article; raises a typed `LLMExtractError` on failure.

        The cache is consulted before the probe and the backend; a hit comes back with
        `cached=True` and zero usage. Errors carry `attempts` and `usage` when known.
        """
        article = as_article(text, published=published, doc_id=doc_id, source=source)
        with bind_doc(article.doc_id):
            return await self._aextract(article)

    async def _aextract(self, article: Article) -> ExtractionResult:
        started = time.perf_counter()
        key = self.cache_key(article) if self.cache is not None else None
        if key is not None:
            hit = self._from_cache(key, article, started)
            if hit is not None:
                return hit
        await self._ensure_probed()
        t0 = time.perf_counter()
        outcome = await self.drafter.draft(article, self.template)
        t1 = time.perf_counter()
        built = assemble(
            outcome.draft,
            doc_id=article.doc_id,
            text=article.text,
            published=article.published,
            source=article.source,
            keep_ungrounded=self.settings.keep_ungrounded,
            event_flags=outcome.event_flags,
        )
        t2 = time.perf_counter()
        usage = outcome.usage.model_copy(
            update={"cost_usd": cost_usd(outcome.usage, self.backend.model, self.prices)}
        )
        result = ExtractionResult(
            doc_id=article.doc_id,
            document=built.document,
            provenance=self.provenance,
            usage=usage,
            timings={
                "model_s": round(t1 - t0, 4),
                "assemble_s": round(t2 - t1, 4),
                "total_s": round(t2 - started, 4),
            },
            warnings=[*outcome.warnings, *built.warnings],
            normalisations=built.normalisations,
            dropped=built.dropped,
        )
        if key is not None and self.cache is not None:
            self.cache.set(key, result)
        return result

    async def aextract_or_error(self, article: Article) -> ExtractionResult:
        """Like `aextract`, but a failure becomes an error record instead of an exception."""
        try:
            result = await self.aextract(article)
        except LLMExtractError as exc:
            result = error_result(article.doc_id, exc, self.provenance)
        except Exception as exc:  # one bad article never sinks a batch
            result = error_result(article.doc_id, exc, self.provenance)
        if result.status == "error" and result.usage.cost_usd is None:
            cost = cost_usd(result.usage, self.backend.model, self.prices)
            result.usage = result.usage.model_copy(update={"cost_usd": cost})
        self.run_usage = self.run_usage.add(result.usage)
        return result

    @property
    def document_slots(self) -> int:
        """Documents in flight: `concurrency`, but no more than the server takes at once.

        llama.cpp decodes one request at a time and reuses the previous prompt's prefix;
        interleaving documents' requests defeats that reuse (measured: 86 s against 17 s
        for the two seeds with the sentences strategy), so such servers get one document
        at a time.
        """
        profile = getattr(self.backend, "profile", None)
        cap = getattr(profile, "max_concurrency", None)
        return min(self.settings.concurrency, cap) if cap else self.settings.concurrency

    async def aextract_many(self, articles: Iterable[Article]) -> AsyncIterator[ExtractionResult]:
        """Results in completion order, at most `settings.concurrency` in flight.

        Articles are pulled from the iterable only as slots free up, so a generator over
        a huge input is never read ahead: memory stays flat however many documents come.
        """
        source = iter(articles)
        pending: set[asyncio.Task[ExtractionResult]] = set()
        slots = self.document_slots
        try:
            while True:
                while len(pending) < slots:
                    article = next(source, None)
                    if article is None:
                        break
                    pending.add(asyncio.create_task(self.aextract_or_error(article)))
                if not pending:
                    return
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    yield task.result()
        finally:
            for task in pending:
                task.cancel()

    def extract(
        self,
        text: str | Article,
        *,
        published: dt.date | str | None = None,
        doc_id: str | None = None,
        source: str | None = None,
    ) -> ExtractionResult:
        """Sync twin of `aextract`."""
        return run_sync(self._once(text, published=published, doc_id=doc_id, source=source))

    async def _once(self, text: str | Article, **kw: Any) -> ExtractionResult:
        # Each sync call runs in its own event loop; the HTTP client is bound to it.
        try:
            return await self.aextract(text, **kw)
        finally:
            await self.backend.aclose()

    async def aclose(self) -> None:
        await self.backend.aclose()
        if self.cache is not None:
            self.cache.close()

    async def __aenter__(self) -> Extractor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        run_sync(self.aclose())


def error_result(
    doc_id: str, exc: BaseException, provenance: Provenance | None, stage: str | None = None
) -> ExtractionResult:
    """An error record: which document, at which stage, why, after how many attempts.

    `attempts` is the number of model requests sent for the document (transport retries
    and validation re-asks included); `usage` is what they cost, when the error says.
    """
    usage = getattr(exc, "usage", None)
    return ExtractionResult(
        doc_id=doc_id,
        status="error",
        provenance=provenance,
        usage=usage if isinstance(usage, Usage) else Usage(),
        error=ErrorInfo(
            stage=stage or _stage_of(exc),
            type=type(exc).__name__,
            message=str(exc),
            attempts=int(getattr(exc, "attempts", 1) or 1),
        ),
    )


def _stage_of(exc: BaseException) -> str:
    if isinstance(exc, LLMExtractError):
        return exc.stage
    if api_error(exc) is not None:  # e.g. 400/401 from the server: not retried
        return "transport"
    return "extract"


async def aextract(
    text: str, *, published: dt.date | str | None = None, settings: Settings | None = None
) -> ExtractionResult:
    """Extract records from one article with a one-off `Extractor`."""
    async with Extractor(settings) as extractor:
        return await extractor.aextract(text, published=published)


def extract(
    text: str, *, published: dt.date | str | None = None, settings: Settings | None = None
) -> ExtractionResult:
    """Sync twin of `aextract`."""
    return run_sync(aextract(text, published=published, settings=settings))
