"""The Python API: one article in, one `ExtractionResult` out.

Follow an article through the stages: `article` (input) -> `prompts` (messages) ->
`backends` (a draft from a model, or from rules) -> `assemble` (grounding and
normalisation into records). `Extractor` holds the configured backend for many calls;
`extract` and `aextract` are one-shot conveniences.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Iterable
from typing import Any, TypeVar

from llm_extract import __version__
from llm_extract.article import Article, make_doc_id
from llm_extract.assemble import assemble
from llm_extract.backends import Backend, ChatBackend, get_backend
from llm_extract.draft import schema_hash
from llm_extract.errors import LLMExtractError
from llm_extract.models import ErrorInfo, ExtractionResult, Provenance
from llm_extract.prompts import PromptTemplate, load_template
from llm_extract.settings import Settings

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


class Extractor:
    """A configured backend and prompt, reused across many articles."""

    def __init__(self, settings: Settings | None = None, *, backend: Backend | None = None):
        self.settings = settings or Settings()
        self.backend = backend or get_backend(self.settings)
        self.template: PromptTemplate | None = (
            load_template(self.settings.prompt, self.settings.prompts_dir)
            if self.backend.uses_prompt
            else None
        )
        self._probe_lock: asyncio.Lock | None = None
        self._probed = False

    @property
    def provenance(self) -> Provenance:
        return Provenance(
            backend=self.backend.name,
            model=self.backend.model,
            strategy=self.settings.strategy,
            prompt_id=self.template.id if self.template else None,
            prompt_hash=self.template.hash if self.template else None,
            schema_hash=schema_hash(),
            package_version=__version__,
        )

    async def _ensure_probed(self) -> None:
        if self._probed or not isinstance(self.backend, ChatBackend):
            return
        if self._probe_lock is None:
            self._probe_lock = asyncio.Lock()
        async with self._probe_lock:
            if not self._probed:
                await self.backend.probe()
                self._probed = True

    async def aextract(
        self,
        text: str | Article,
        *,
        published: dt.date | str | None = None,
        doc_id: str | None = None,
        source: str | None = None,
    ) -> ExtractionResult:
        """Extract records from one article; raises a typed `LLMExtractError` on failure."""
        article = as_article(text, published=published, doc_id=doc_id, source=source)
        started = time.perf_counter()
        await self._ensure_probed()
        t0 = time.perf_counter()
        outcome = await self.backend.draft(article, self.template)
        t1 = time.perf_counter()
        built = assemble(
            outcome.draft,
            doc_id=article.doc_id,
            text=article.text,
            published=article.published,
            source=article.source,
            keep_ungrounded=self.settings.keep_ungrounded,
        )
        t2 = time.perf_counter()
        return ExtractionResult(
            doc_id=article.doc_id,
            document=built.document,
            provenance=self.provenance,
            usage=outcome.usage,
            timings={
                "model_s": round(t1 - t0, 4),
                "assemble_s": round(t2 - t1, 4),
                "total_s": round(t2 - started, 4),
            },
            warnings=[*outcome.warnings, *built.warnings],
            normalisations=built.normalisations,
            dropped=built.dropped,
        )

    async def aextract_or_error(self, article: Article) -> ExtractionResult:
        """Like `aextract`, but a failure becomes an error record instead of an exception."""
        try:
            return await self.aextract(article)
        except LLMExtractError as exc:
            return error_result(article.doc_id, exc, self.provenance)
        except Exception as exc:  # one bad article never sinks a batch
            return error_result(article.doc_id, exc, self.provenance, stage="extract")

    async def aextract_many(self, articles: Iterable[Article]) -> AsyncIterator[ExtractionResult]:
        """Results in completion order, at most `settings.concurrency` in flight."""
        limit = asyncio.Semaphore(self.settings.concurrency)

        async def one(article: Article) -> ExtractionResult:
            async with limit:
                return await self.aextract_or_error(article)

        tasks = [asyncio.create_task(one(a)) for a in articles]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
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
    """An error record: which document, at which stage, why, after how many attempts."""
    return ExtractionResult(
        doc_id=doc_id,
        status="error",
        provenance=provenance,
        error=ErrorInfo(
            stage=stage or getattr(exc, "stage", "extract"),
            type=type(exc).__name__,
            message=str(exc),
            attempts=int(getattr(exc, "attempts", 1)),
        ),
    )


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
