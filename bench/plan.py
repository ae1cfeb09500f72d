"""Run the benchmarks in one process: the plan (how many of what) and the figures."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import (
    concurrency,
    memory,
    muc4,
    overhead,
    peer,
    quality,
    recorded,
    rules_speed,
    warm_cache,
    writers,
)
from bench.concurrency import CASES as CONCURRENCY_CASES
from bench.machine import Machine, describe


@dataclass(frozen=True)
class Plan:
    name: str
    overhead_n: int
    overhead_warmup: int
    profile_n: int
    concurrency_n: int
    latency_s: float
    concurrency: int
    warm_n: int
    memory_sizes: tuple[int, ...]
    memory_pool: int
    peer_n: int
    writer_sizes: tuple[int, int]
    concurrency_cases: tuple[tuple[float, int], ...] = CONCURRENCY_CASES
    concurrency_reps: int = 2


FULL = Plan("full", 300, 30, 200, 500, 0.2, 16, 1000, (10_000, 100_000), 500, 200, (1000, 4000))
QUICK = Plan("quick", 20, 5, 20, 32, 0.05, 16, 50, (500, 2000), 100, 32, (100, 400),
             ((0.05, 16), (0.0, 16)), 1)  # fmt: skip


@dataclass
class Results:
    machine: Machine
    figures: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _attempt(results: Results, key: str, log: Callable[[str], None], fn: Callable[[], Any]) -> None:
    log(f"bench: {key} ...")
    try:
        results.figures[key] = fn()
        shown = results.figures[key]
        log(f"bench: {key}: {shown if key != 'profile' else 'done'}")
    except Exception as exc:  # one failed benchmark must not lose the others' figures
        results.errors[key] = f"{type(exc).__name__}: {exc}"
        log(traceback.format_exc())


def run_all(plan: Plan, names: set[str], log: Callable[[str], None] = print) -> Results:
    results = Results(describe())
    p = plan
    if "overhead" in names:
        _attempt(results, "overhead", log, lambda: overhead.run(p.overhead_n, p.overhead_warmup))
    if "profile" in names:
        _attempt(results, "profile", log, lambda: overhead.profile(p.profile_n))
    if "concurrency" in names:

        def conc() -> concurrency.ConcurrencyFigures:
            return concurrency.run(p.concurrency_n, p.concurrency_cases, p.concurrency_reps)

        _attempt(results, "concurrency", log, conc)
    if "warm_cache" in names:
        _attempt(results, "warm_cache", log, lambda: warm_cache.run(p.warm_n, p.concurrency))
    if "memory" in names:
        _attempt(results, "memory", log, lambda: memory.run(p.memory_sizes, p.memory_pool))
    if "writers" in names:
        _attempt(results, "writers", log, lambda: writers.run(p.writer_sizes))
    if "recorded" in names:
        _attempt(results, "recorded", log, recorded.read)
    if "quality" in names:
        _attempt(results, "quality_real", log, quality.measure_real)
        _attempt(results, "quality", log, quality.measure)
        _attempt(results, "quality_invented", log, quality.measure_invented)
    if "muc4" in names:
        _attempt(results, "muc4", log, muc4.measure)
    if "rules_speed" in names:
        _attempt(results, "rules_speed", log, rules_speed.run)
    if "peer" in names:
        _attempt(results, "peer", log, lambda: peer.run(p.peer_n, p.concurrency))
    return results
