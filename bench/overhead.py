"""Benchmark 1: what one document costs on top of a bare client call.

Three clients send the same request to the same zero-latency fake server, one document
at a time: a bare `openai.AsyncOpenAI` chat.completions.create with the exact body
llm-extract sends, instructor alone (`create_with_completion` with the Draft model, same
mode and parameters) and `Extractor.aextract` (validation, grounding, normalisation, cache
write and run log included). The prompts of the first two are rendered before
timing: they are charged for the call alone, llm-extract for everything it does. The
Extractor offers no write-only cache, so every document has a text of its own: each one
misses the cache (one SQLite lookup) and is written to it.
Rounds are interleaved so a noisy moment hits all three alike; figures are medians.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import time
from dataclasses import dataclass, field
from typing import Any

import instructor
import openai

from bench.common import fake_settings, median_ms, ratio, scratch_dir
from bench.docs import unique_text
from bench.server import ServerProcess
from llm_extract.article import Article
from llm_extract.backends import ChatBackend
from llm_extract.draft import Draft
from llm_extract.extract import Extractor

TARGET_VS_BARE = 1.5


@dataclass
class OverheadFigures:
    n: int
    bare_ms: float
    instructor_ms: float
    llm_extract_ms: float
    vs_bare: float
    vs_instructor: float
    target_vs_bare: float = TARGET_VS_BARE

    @property
    def met(self) -> bool:
        return self.vs_bare <= self.target_vs_bare


@dataclass
class ProfileFigures:
    n: int
    total_s: float
    stages: list[tuple[str, float]] = field(default_factory=list)  # (stage, ms per doc)
    hotspots: list[tuple[str, float]] = field(default_factory=list)  # (library cost, ms/doc)
    top: str = ""  # pstats text, top functions by own time


class _Clients:
    """The three contenders, sharing one server and one document numbering."""

    def __init__(self, base_url: str, extractor: Extractor) -> None:
        self.extractor = extractor
        backend = extractor.backend  # the generator itself; drafters are apart
        if not isinstance(backend, ChatBackend):
            raise TypeError(f"benchmark 1 needs a chat backend, got {type(backend).__name__}")
        self.backend = backend
        self.raw = openai.AsyncOpenAI(base_url=base_url, api_key="bench", max_retries=0)
        self.patched = instructor.from_openai(
            openai.AsyncOpenAI(base_url=base_url, api_key="bench", max_retries=0),
            mode=backend.profile.modes[backend.mode],
        )
        self.body: dict[str, Any] = {}
        self._messages: dict[int, list[Any]] = {}

    def prepare(self, numbers: range) -> None:
        """Render the prompts of the bare and instructor calls before timing them."""
        assert self.extractor.template is not None
        few_shot = self.extractor.settings.few_shot
        self._messages.clear()
        for i in numbers:
            text = unique_text(i, "overhead")
            self._messages[i] = self.extractor.template.render(text, None, few_shot=few_shot)

    def messages(self, i: int) -> list[Any]:
        return self._messages[i]

    async def bare(self, i: int) -> None:
        await self.raw.chat.completions.create(**{**self.body, "messages": self.messages(i)})

    async def instructor_only(self, i: int) -> None:
        kwargs = self.backend.request_kwargs(self.messages(i), Draft)
        await self.patched.chat.completions.create_with_completion(**kwargs)

    async def llm_extract(self, i: int) -> None:
        article = Article(doc_id=f"overhead-{i}", text=unique_text(i, "overhead"))
        result = await self.extractor.aextract(article)
        if not result.ok or result.cached:
            raise RuntimeError(f"benchmark document {i} was not extracted fresh: {result}")

    async def aclose(self) -> None:
        await self.raw.close()
        raw = getattr(self.patched, "client", None)
        if raw is not None:
            await raw.close()
        await self.extractor.aclose()


async def _timed(call: Any, i: int) -> float:
    t0 = time.perf_counter()
    await call(i)
    return time.perf_counter() - t0


async def _measure(server: ServerProcess, n: int, warmup: int, block: int) -> OverheadFigures:
    state = scratch_dir("overhead")
    extractor = Extractor(fake_settings(server.base_url, state, cache=True, runlog=True))
    clients = _Clients(server.base_url, extractor)
    try:
        await clients.llm_extract(-1)  # probe + first request
        body = server.last_body()
        if body is None:
            raise RuntimeError("fake server saw no model request")
        clients.body = body
        contenders = [clients.bare, clients.instructor_only, clients.llm_extract]
        clients.prepare(range(10_000_000, 10_000_000 + warmup))
        for i in range(warmup):
            for call in contenders:
                await call(10_000_000 + i)
        times: list[list[float]] = [[], [], []]
        i = 0
        while i < n:
            size = min(block, n - i)
            clients.prepare(range(i, i + size))
            for k, call in enumerate(contenders):
                for j in range(i, i + size):
                    times[k].append(await _timed(call, j))
            i += size
    finally:
        await clients.aclose()
    bare, instr, ours = (median_ms(t) for t in times)
    return OverheadFigures(n, bare, instr, ours, ratio(ours, bare), ratio(ours, instr))


def run(n: int = 300, warmup: int = 30, block: int = 25) -> OverheadFigures:
    """Median ms/doc of bare, instructor and llm-extract over `n` sequential documents."""
    with ServerProcess(latency=0.0) as server:
        return asyncio.run(_measure(server, n, warmup, block))


# Stages of the per-document path, as (label, function name, file fragment) in pstats.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("aextract (everything)", "aextract", "llm_extract/extract.py"),
    ("cache key", "cache_key", "llm_extract/extract.py"),
    ("cache read (miss)", "get", "llm_extract/cache.py"),
    ("prompt render", "render", "llm_extract/prompts.py"),
    ("request + HTTP (lean path)", "create_with_completion", "llm_extract/backends/lean.py"),
    ("run log observer", "observer", "llm_extract/runlog.py"),
    ("assemble (grounding, normalising)", "assemble", "llm_extract/assemble.py"),
    ("provenance", "provenance", "llm_extract/extract.py"),
    ("cache write", "set", "llm_extract/cache.py"),
)


# Per-call work inside the request that llm-extract does not control.
HOTSPOTS: tuple[tuple[str, str, str], ...] = (
    ("instructor: tool JSON schema", "generate_openai_schema", "instructor"),
    ("instructor: response-model walk per call", "reject_async_validators", "instructor"),
    ("openai: request-body transform", "async_maybe_transform", "openai/_utils/_transform.py"),
)


def stage_costs(
    stats: pstats.Stats, n: int, table: tuple[tuple[str, str, str], ...] = STAGES
) -> list[tuple[str, float]]:
    """Cumulative ms per document of each entry of `table` found in the profile."""
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    found: list[tuple[str, float]] = []
    for label, name, where in table:
        total = sum(
            value[3]
            for (path, _line, func), value in raw.items()
            if func == name and where in path.replace("\\", "/")
        )
        if total:
            found.append((label, total * 1000.0 / n))
    return found


async def _profile(server: ServerProcess, n: int) -> ProfileFigures:
    state = scratch_dir("profile")
    extractor = Extractor(fake_settings(server.base_url, state, cache=True, runlog=True))
    clients = _Clients(server.base_url, extractor)
    try:
        for i in range(20):
            await clients.llm_extract(20_000_000 + i)
        profiler = cProfile.Profile()
        t0 = time.perf_counter()
        profiler.enable()
        for i in range(n):
            await clients.llm_extract(i)
        profiler.disable()
        total = time.perf_counter() - t0
    finally:
        await clients.aclose()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(20)
    return ProfileFigures(
        n,
        total,
        stages=stage_costs(stats, n),
        hotspots=stage_costs(stats, n, HOTSPOTS),
        top=_trim(out.getvalue()),
    )


def _trim(text: str) -> str:
    lines = text.splitlines()
    start = next((k for k, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return "\n".join(line.rstrip() for line in lines[start:] if line.strip())


def profile(n: int = 200) -> ProfileFigures:
    """cProfile over `n` llm-extract documents: stage costs and top functions."""
    with ServerProcess(latency=0.0) as server:
        return asyncio.run(_profile(server, n))
