"""Benchmark 2: concurrency efficiency, wall time against the ideal N*L/C.

N documents through `Extractor.aextract_many` at server latency L and concurrency C,
cache off and run log on. With nothing but waiting, N documents take N*L/C seconds;
efficiency is that ideal over the measured wall time (1.0 is perfect).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from bench.common import CONCURRENT_BACKEND, fake_settings, ratio, scratch_dir
from bench.docs import articles
from bench.server import ServerProcess
from llm_extract.extract import Extractor

TARGET = 0.9


@dataclass
class ConcurrencyFigures:
    n: int
    latency_s: float
    concurrency: int
    wall_s: float
    ideal_s: float
    efficiency: float
    ok: int
    target: float = TARGET

    @property
    def met(self) -> bool:
        return self.efficiency >= self.target


async def _measure(server: ServerProcess, n: int, latency: float, c: int) -> ConcurrencyFigures:
    state = scratch_dir("concurrency")
    settings = fake_settings(
        server.base_url, state, cache=False, runlog=True, concurrency=c, backend=CONCURRENT_BACKEND
    )
    async with Extractor(settings) as extractor:
        async for _ in extractor.aextract_many(articles(c, "concurrency-warmup")):
            pass  # probe, connection pool and imports warmed, not timed
        ok = 0
        t0 = time.perf_counter()
        async for result in extractor.aextract_many(articles(n, "concurrency")):
            ok += int(result.ok)
        wall = time.perf_counter() - t0
    ideal = n * latency / c
    return ConcurrencyFigures(n, latency, c, wall, ideal, ratio(ideal, wall), ok)


def run(n: int = 500, latency: float = 0.2, concurrency: int = 16) -> ConcurrencyFigures:
    with ServerProcess(latency=latency) as server:
        return asyncio.run(_measure(server, n, latency, concurrency))
