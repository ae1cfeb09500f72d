"""The Python API: one article in, one `ExtractionResult` out.

An article flows one way: `article` (input) -> a drafter (`llm_extract.drafters`: single,
sentences or rules, chunked for long articles) asking the backend (`llm_extract.backends`,
a generator) under the document's `DocContext` -> `assemble` (grounding and
normalisation into records). `Extractor` composes drafter and backend once and reuses
them for many articles; `extract` and `aextract` are one-shot conveniences. Pricing,
the cache-key policy and async plumbing live in `pricing`, `cache` and `aio`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any, TypedDict

from typing_extensions import Unpack

from llm_extract.aio import bounded, run_sync
from llm_extract.article import Article, make_doc_id
from llm_extract.assemble import assemble
from llm_extract.backends import Backend, Generator, get_backend
from llm_extract.cache import ResultCache, as_hit, cache_key, extraction_fields
from llm_extract.context import CircuitBreaker, DocContext, RateLimiter
from llm_extract.draft import schema_hash
from llm_extract.drafters import Drafter, build_drafter, chunked
from llm_extract.errors import ConfigurationError, RunAbortedError
from llm_extract.failure import error_result
from llm_extract.models import ExtractionResult, Provenance, Usage
from llm_extract.normalize import configured_gazetteer
from llm_extract.pricing import PriceTable, cost_usd, load_prices, priced
from llm_extract.records import draft_model
from llm_extract.redact import redact
from llm_extract.runlog import RunLog, bind_doc, new_run_id
from llm_extract.settings import Settings
from llm_extract.version import __version__

logger = logging.getLogger(__name__)

__all__ = [
    "Extractor",
    "PriceTable",
    "aextract",
    "as_article",
    "cost_usd",
    "error_result",
    "extract",
    "load_prices",
    "run_sync",
]


class ArticleFields(TypedDict, total=False):
    """What may be said about an article given as plain text."""

    published: dt.date | str | None
    doc_id: str | None
    source: str | None


def as_article(text: str | Article, **fields: Unpack[ArticleFields]) -> Article:
    """`text` as an `Article` (an `Article` is returned as it is)."""
    if isinstance(text, Article):
        return text
    published = fields.get("published")
    if isinstance(published, str):
        published = dt.date.fromisoformat(published)
    return Article(
        doc_id=fields.get("doc_id") or make_doc_id(text),
        text=text,
        published=published,
        source=fields.get("source"),
    )


class Extractor:
    """A backend and the drafter asking it, composed once and reused across articles.

    Results are cached (`settings.cache`), every model call is logged to the run log
    (`settings.runlog`), and `run_usage` sums tokens and cost over every document handled,
    failed ones included. Pass `cache=` / `runlog=` to share or replace them, and
    `drafter=` to draft your own way (it is chunked for long articles like the built-ins).

    Each document gets a `DocContext` (token budget, deadline, memo of questions, what it
    spent) sharing the extractor's `rate_limiter` (None: no limit), `breaker` and run log,
    passed down through the drafter to every request: once the breaker trips
    (server gone, key or model refused) no request is sent and every further document
    fails at once with `RunAbortedError`.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: Backend | None = None,
        drafter: Drafter | None = None,
        cache: ResultCache | None = None,
        runlog: RunLog | None = None,
    ):
        self.settings = settings or Settings()
        self.gazetteer = configured_gazetteer(self.settings.gazetteer)
        self.backend = backend or get_backend(self.settings)
        self.drafter = (
            chunked(drafter, self.settings)
            if drafter is not None
            else build_drafter(self.backend, self.settings)
        )
        self.strategy = self.drafter.strategy
        self.template = self.drafter.template
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
        self.prices = load_prices(self.settings.price_table)
        self.run_usage = Usage()
        self.breaker = CircuitBreaker(self.settings.max_connection_failures)
        self.rate_limiter: RateLimiter | None = None
        self._where: tuple[str | None, str] | None = None

    @property
    def where(self) -> str:
        """The backend's `where`, worked out again only when its server URL changes
        (masking it scans the environment: once per run, not once per document)."""
        url = getattr(self.backend, "base_url", None)
        if self._where is None or self._where[0] != url:
            self._where = (url, self.backend.where)
        return self._where[1]

    def context(self, article: Article | None = None) -> DocContext:
        """A fresh per-document context sharing the run's breaker, rate limiter and run
        log (None: a context for the run's own requests, e.g. the probe)."""
        return DocContext(
            doc_id=article.doc_id if article else None,
            token_budget=self.settings.token_budget if article else None,
            deadline=self._deadline() if article else None,
            limiter=self.rate_limiter,
            breaker=self.breaker,
            where=self.where,
            observer=self.runlog.observer if self.runlog is not None else None,
            gazetteer=self.gazetteer,
        )

    def _deadline(self) -> float | None:
        limit = self.settings.document_timeout
        return time.monotonic() + limit if limit is not None else None

    @property
    def provenance(self) -> Provenance:
        return Provenance(
            backend=self.backend.name,
            model=self.backend.model,
            strategy=self.strategy,
            prompt_id=self.template.id if self.template else None,
            prompt_hash=self.template.hash if self.template else None,
            schema_hash=schema_hash(draft_model(self.settings.records)),
            package_version=__version__,
        )

    def cache_fields(self, article: Article) -> dict[str, Any]:
        """Everything that can change this article's result; hashed into the cache key."""
        return extraction_fields(article, self.settings, self.backend, self.template, self.strategy)

    def cache_key(self, article: Article) -> str:
        return cache_key(self.cache_fields(article))

    def _from_cache(self, key: str, article: Article, started: float) -> ExtractionResult | None:
        hit = self.cache.get(key) if self.cache is not None else None
        if hit is None:
            return None
        if self.runlog is not None:
            self.runlog.record_cache_hit(article.doc_id, self.backend.name, self.backend.model)
        hit.document = self.settings.records.adopt(hit.document)  # as the user's classes
        return as_hit(hit, article, time.perf_counter() - started)

    async def _ensure_probed(self) -> None:
        """Probe a generating backend once per extractor, before its first request."""
        if self._probed or not isinstance(self.backend, Generator):
            return
        if self._probe_lock is None:
            self._probe_lock = asyncio.Lock()
        async with self._probe_lock:
            if not self._probed:
                await self.backend.probe(self.context())
                self._probed = True

    async def aextract(
        self, text: str | Article, **fields: Unpack[ArticleFields]
    ) -> ExtractionResult:
        """Extract records from one article; raises a typed `LLMExtractError` on failure.

        The cache is consulted before the probe and the backend; a hit comes back with
        `cached=True` and zero usage. Errors carry `attempts` and `usage` when known.
        """
        article = as_article(text, **fields)
        with bind_doc(article.doc_id):
            return self._with_text(await self._aextract(article), article)

    def _with_text(self, result: ExtractionResult, article: Article) -> ExtractionResult:
        """The result carrying its article text when `include_text` is set (never cached)."""
        if not self.settings.include_text:
            return result
        return result.model_copy(update={"text": article.text})

    async def _aextract(self, article: Article) -> ExtractionResult:
        started = time.perf_counter()
        key = self.cache_key(article) if self.cache is not None else None
        if key is not None:
            hit = self._from_cache(key, article, started)
            if hit is not None:
                return hit
        self.breaker.check()
        await self._ensure_probed()
        context = self.context(article)
        t0 = time.perf_counter()
        try:
            outcome = await self.drafter.draft(article, context)
        except Exception as exc:
            if context.requests:  # the document's whole cost, whatever drafter failed
                exc.attempts = context.requests  # type: ignore[attr-defined]
                exc.usage = context.spent  # type: ignore[attr-defined]
            raise
        t1 = time.perf_counter()
        built = assemble(
            outcome.draft,
            doc_id=article.doc_id,
            text=article.text,
            published=article.published,
            source=article.source,
            keep_ungrounded=self.settings.keep_ungrounded,
            event_flags=outcome.event_flags,
            records=self.settings.records,
            gazetteer=context.gazetteer,
        )
        t2 = time.perf_counter()
        result = ExtractionResult(
            doc_id=article.doc_id,
            document=built.document,
            provenance=self.provenance,
            usage=priced(context.spent, self.backend.model, self.prices),
            timings={
                "model_s": round(t1 - t0, 4),
                "assemble_s": round(t2 - t1, 4),
                "total_s": round(t2 - started, 4),
            },
            warnings=[redact(w) for w in [*outcome.warnings, *built.warnings]],
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
        except Exception as exc:  # one bad article never sinks a batch
            if isinstance(exc, ConfigurationError):
                self.breaker.failure(exc, self.where)  # e.g. a missing key: stop the run
            result = error_result(article.doc_id, exc, self.provenance)
        if result.status == "error":
            result = self._with_text(result, article)
        if result.status == "error" and result.usage.cost_usd is None:
            result.usage = priced(result.usage, self.backend.model, self.prices)
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
        """Results in completion order, at most `document_slots` in flight.

        Articles are pulled from the iterable only as slots free up (memory stays flat
        however many come). Once the breaker trips nothing more is dispatched: every
        remaining article comes back at once as a `RunAbortedError` record.
        """
        refuse = self._refused
        async for result in bounded(
            articles, self.aextract_or_error, self.document_slots, refuse=refuse
        ):
            yield result

    def _refused(self, article: Article) -> ExtractionResult | None:
        return self.not_sent(article) if self.breaker.tripped else None

    def not_sent(self, article: Article) -> ExtractionResult:
        """The error record of a document the run did not send (breaker tripped)."""
        try:
            self.breaker.check()
        except RunAbortedError as exc:
            return error_result(article.doc_id, exc, self.provenance)
        raise AssertionError("not_sent called while the breaker is closed")

    def extract(self, text: str | Article, **fields: Unpack[ArticleFields]) -> ExtractionResult:
        """Sync twin of `aextract`."""
        return run_sync(self._once(as_article(text, **fields)))

    async def _once(self, article: Article) -> ExtractionResult:
        # Each sync call runs in its own event loop; the HTTP client is bound to it.
        try:
            return await self.aextract(article)
        finally:
            await self.backend.aclose()

    async def aclose(self) -> None:
        await self.backend.aclose()
        if self.cache is not None:
            self.cache.close()
        if self.runlog is not None:  # rows are written in batches
            self.runlog.flush()

    async def __aenter__(self) -> Extractor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        run_sync(self.aclose())


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
