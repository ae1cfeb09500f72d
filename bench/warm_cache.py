"""Benchmark 3: a rerun over documents already in the result cache.

The first pass fills the cache through the fake server; the timed rerun uses a new
Extractor on the same cache folder (as a second `llm-extract run` would) and must send
no model request at all, which is checked against the server's own count.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from bench.common import CONCURRENT_BACKEND, fake_settings, ratio, scratch_dir
from bench.docs import articles
from bench.server import ServerProcess
from llm_extract.extract import Extractor

TARGET_DOCS_PER_S = 1000.0


@dataclass
class WarmCacheFigures:
    n: int
    fill_s: float
    rerun_s: float
    docs_per_s: float
    new_model_requests: int
    cached: int
    speedup_vs_fill: float
    target: float = TARGET_DOCS_PER_S

    @property
    def met(self) -> bool:
        return self.docs_per_s >= self.target and self.new_model_requests == 0


async def _measure(server: ServerProcess, n: int, concurrency: int) -> WarmCacheFigures:
    state = scratch_dir("warm")
    settings = fake_settings(
        server.base_url,
        state,
        cache=True,
        runlog=True,
        concurrency=concurrency,
        backend=CONCURRENT_BACKEND,
    )
    async with Extractor(settings) as extractor:
        t0 = time.perf_counter()
        async for result in extractor.aextract_many(articles(n, "warm")):
            if not result.ok:
                raise RuntimeError(f"cache fill failed for {result.doc_id}: {result.error}")
        fill = time.perf_counter() - t0
    before = server.model_requests()
    cached = 0
    async with Extractor(settings) as extractor:
        t0 = time.perf_counter()
        async for result in extractor.aextract_many(articles(n, "warm")):
            cached += int(result.cached)
        rerun = time.perf_counter() - t0
    new_requests = server.model_requests() - before
    if new_requests:
        raise AssertionError(f"warm rerun sent {new_requests} model request(s); expected none")
    if cached != n:
        raise AssertionError(f"warm rerun: {cached} of {n} documents came from the cache")
    return WarmCacheFigures(n, fill, rerun, ratio(n, rerun), new_requests, cached,
                            ratio(fill, rerun))  # fmt: skip


def run(n: int = 1000, concurrency: int = 16) -> WarmCacheFigures:
    with ServerProcess(latency=0.0) as server:
        return asyncio.run(_measure(server, n, concurrency))
