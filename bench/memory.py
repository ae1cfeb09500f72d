"""Benchmark 4: peak RSS of `llm-extract run` over a large JSONL input, N=10k and 100k.

Path measured: reader -> Extractor -> JSONL writer, in a child process whose own peak
RSS is read with `os.wait4` (RUSAGE_CHILDREN would report the largest of all children).
The cold run that fills the cache is reported too (its own row: every document through
the fake server, assembled afresh).
Extracting 100k documents through the fake server would take far longer than the
benchmark's budget, and the rules backend costs ~10 ms a document, so the documents come
from a warm result cache: the input cycles through a pool of distinct articles, the pool
is extracted once through the fake server by `llm-extract run` itself (filling the cache),
and every line of the measured inputs carries its own id and its own copy of the text.
Each document is still read, parsed, keyed, looked up, validated, logged and written,
so anything the run keeps per document shows as growth from 10k to 100k. The fake server
stays up during the measured runs and must see no new requests. Output and state go to
tmpfs, so this measures memory, not the disk.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import cli_run, ratio, scratch_dir
from bench.docs import unique_text
from bench.server import ServerProcess

TARGET_MB = 300.0


@dataclass
class MemoryRun:
    n: int
    input_mb: float
    peak_rss_mb: float
    seconds: float
    docs_per_s: float
    lines_out: int
    exit_code: int


@dataclass
class MemoryFigures:
    pool: int
    runs: list[MemoryRun] = field(default_factory=list)
    new_model_requests: int = 0
    fill_peak_rss_mb: float = 0.0
    """Peak RSS of the cold run that fills the cache: every document assembled afresh,
    so the normalisation tables it needs are loaded (the warm runs need none)."""
    fill: MemoryRun | None = None
    """The cold cache-filling run itself (every document sent to the fake server)."""
    target_mb: float = TARGET_MB

    @property
    def growth(self) -> float:
        """Peak RSS at the largest N over the smallest."""
        return ratio(self.runs[-1].peak_rss_mb, self.runs[0].peak_rss_mb) if self.runs else 0.0

    @property
    def met(self) -> bool:
        peaks = [r.peak_rss_mb for r in self.runs] + [self.fill_peak_rss_mb]
        return bool(self.runs) and all(p <= self.target_mb for p in peaks)


def write_jsonl(path: Path, n: int, pool: int) -> float:
    """`n` lines cycling through `pool` distinct texts; returns the file size in MB."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            row = {"id": f"mem-{i}", "text": unique_text(i % pool, "memory")}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path.stat().st_size / 1e6


def cli(args: list[str], base_url: str, state: Path) -> tuple[int, float, float]:
    """Run `llm-extract run ...`; (exit code, seconds, peak RSS in MB of that process)."""
    command, env = cli_run(args, base_url, state, 16)
    t0 = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=state, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - t0
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, seconds, usage.ru_maxrss / 1024.0  # KiB on Linux


def run(sizes: tuple[int, ...] = (10_000, 100_000), pool: int = 1000) -> MemoryFigures:
    state = scratch_dir("memory", tmpfs=True)
    try:
        return _run(state, sizes, pool)
    finally:  # tmpfs is memory: leave nothing behind
        shutil.rmtree(state, ignore_errors=True)


def _run(state: Path, sizes: tuple[int, ...], pool: int) -> MemoryFigures:
    figures = MemoryFigures(pool=pool)
    with ServerProcess(latency=0.0) as server:
        pool_file = state / "pool.jsonl"
        pool_mb = write_jsonl(pool_file, pool, pool)
        pool_out = state / "pool.out.jsonl"
        code, fill_s, fill_rss = cli([str(pool_file), "-o", str(pool_out)],
                                     server.base_url, state)  # fmt: skip
        if code != 0:
            raise RuntimeError(f"filling the cache failed (exit {code})")
        figures.fill_peak_rss_mb = fill_rss
        with pool_out.open("rb") as handle:
            filled = sum(1 for _ in handle)
        figures.fill = MemoryRun(pool, pool_mb, fill_rss, fill_s, ratio(pool, fill_s), filled, code)
        before = server.model_requests()
        for n in sizes:
            source = state / f"input-{n}.jsonl"
            size_mb = write_jsonl(source, n, pool)
            out = state / f"out-{n}.jsonl"
            code, seconds, rss = cli([str(source), "-o", str(out)], server.base_url, state)
            with out.open("rb") as handle:
                lines = sum(1 for _ in handle)
            figures.runs.append(MemoryRun(n, size_mb, rss, seconds, ratio(n, seconds), lines, code))
            source.unlink()
            out.unlink()
        figures.new_model_requests = server.model_requests() - before
    return figures
