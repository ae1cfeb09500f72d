"""Benchmark 2: `llm-extract run` against a bare client, same server, same run.

Each case runs N documents through the real CLI (`python -m llm_extract.cli run in.jsonl
-o out.jsonl`, a child process with the default settings: cache on in a fresh folder, run
log on, JSONL output on disk) and through a bare `openai.AsyncOpenAI` client that replays
the very request body the CLI sent (its messages rendered per document before timing),
with the same number of requests in flight. Start-up is excluded alike for both: the clock
starts when the fake server receives the first model request (the constraint probe left
out) and stops when the last result is on disk (the output's mtime) for the CLI, when
the last response is parsed for the bare client.

- With server latency L at concurrency C, the ideal wall time is N*L/C; efficiency is
  that over the measured wall time, and the target is the CLI's efficiency over the bare
  client's (>= 0.9, at C=16 and C=64).
- With zero latency the figure is throughput, documents a second, CLI over bare (>= 0.7).

Both sides run `reps` times, alternately, and each keeps its best run (the machine is
shared: the best run is the one least disturbed).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai

from bench.common import CONCURRENT_BACKEND, cli_run, fake_settings, ratio, scratch_dir
from bench.docs import unique_text
from bench.server import ServerProcess
from llm_extract.extract import Extractor

TARGET = 0.9  # CLI efficiency over bare, at server latency
TARGET_THROUGHPUT = 0.7  # CLI docs/s over bare, at zero latency
CASES: tuple[tuple[float, int], ...] = ((0.2, 16), (0.2, 64), (0.0, 64))


@dataclass
class Lane:
    """One client's best run of one case."""

    client: str  # "cli" or "bare"
    n: int
    latency_s: float
    concurrency: int
    wall_s: float
    ok: int

    @property
    def ideal_s(self) -> float:
        return self.n * self.latency_s / self.concurrency

    @property
    def efficiency(self) -> float:
        return ratio(self.ideal_s, self.wall_s)

    @property
    def docs_per_s(self) -> float:
        return ratio(self.n, self.wall_s)


@dataclass
class Case:
    """The CLI and the bare client on one (latency, concurrency)."""

    cli: Lane
    bare: Lane

    @property
    def latency_s(self) -> float:
        return self.cli.latency_s

    @property
    def concurrency(self) -> int:
        return self.cli.concurrency

    @property
    def n(self) -> int:
        return self.cli.n

    @property
    def vs_bare(self) -> float:
        """Efficiency (with latency) or throughput (without) of the CLI over bare."""
        if self.latency_s:
            return ratio(self.cli.efficiency, self.bare.efficiency)
        return ratio(self.cli.docs_per_s, self.bare.docs_per_s)

    @property
    def target(self) -> float:
        return TARGET if self.latency_s else TARGET_THROUGHPUT

    @property
    def met(self) -> bool:
        return self.vs_bare >= self.target and self.cli.ok == self.n


@dataclass
class ConcurrencyFigures:
    cases: list[Case] = field(default_factory=list)
    reps: int = 2
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def met(self) -> bool:
        return bool(self.cases) and all(c.met for c in self.cases)


def _write_input(path: Path, n: int, tag: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"{tag}-{i}", "text": unique_text(i, tag)}) + "\n")


def _texts(n: int, tag: str) -> Iterator[str]:
    return (unique_text(i, tag) for i in range(n))


def run_cli(server: ServerProcess, work: Path, n: int, c: int, tag: str) -> tuple[float, int]:
    """(wall seconds from the first model request to the last result on disk, ok docs)."""
    state = Path(tempfile_dir(work, "cli"))
    source = state / "input.jsonl"
    out = state / "out.jsonl"
    _write_input(source, n, tag)
    command, env = cli_run([str(source), "-o", str(out)], server.base_url, state, c)
    server.reset()
    code = subprocess.run(command, env=env, cwd=state, stdout=subprocess.DEVNULL).returncode
    span = server.span()
    if code != 0 or span is None:
        raise RuntimeError(f"llm-extract run exited {code} ({n} docs, C={c})")
    to_monotonic = time.time() - time.monotonic()
    ended = out.stat().st_mtime_ns / 1e9 - to_monotonic
    with out.open(encoding="utf-8") as handle:
        ok = sum(1 for line in handle if json.loads(line).get("status") == "ok")
    shutil.rmtree(state, ignore_errors=True)
    return ended - span[0], ok


def tempfile_dir(work: Path, prefix: str) -> str:
    import tempfile

    return tempfile.mkdtemp(prefix=f"{prefix}-", dir=work)


async def _bare(
    server: ServerProcess, body: dict[str, Any], messages: list[Any], c: int
) -> tuple[float, int]:
    client = openai.AsyncOpenAI(base_url=server.base_url, api_key="bench", max_retries=0)
    try:
        await client.chat.completions.create(**{**body, "messages": messages[0]})  # warm-up
        server.reset()
        pending = iter(messages)
        ok = 0

        async def worker() -> None:
            nonlocal ok
            for m in pending:
                completion = await client.chat.completions.create(**{**body, "messages": m})
                ok += int(bool(completion.choices[0].message.tool_calls))

        await asyncio.gather(*(worker() for _ in range(c)))
        ended = time.monotonic()
    finally:
        await client.close()
    span = server.span()
    assert span is not None
    return ended - span[0], ok


def _messages(server: ServerProcess, work: Path, n: int, tag: str) -> list[Any]:
    """Each document's messages as the CLI renders them (same template, same settings)."""
    settings = fake_settings(server.base_url, work, cache=False, runlog=False,
                             backend=CONCURRENT_BACKEND)  # fmt: skip
    template = Extractor(settings).template
    assert template is not None
    return [template.render(t, None, few_shot=settings.few_shot) for t in _texts(n, tag)]


def _case(server: ServerProcess, work: Path, n: int, c: int, reps: int) -> Case:
    tag = f"conc-{int(server.latency * 1000)}-{c}"
    messages = _messages(server, work, n, tag)
    best_cli = best_bare = (float("inf"), 0)
    for _ in range(reps):
        got = run_cli(server, work, n, c, tag)
        best_cli = min(best_cli, got)
        body = server.last_body()
        if body is None or body.get("messages") not in messages:
            raise RuntimeError("the CLI's request does not match the bare client's messages")
        best_bare = min(best_bare, asyncio.run(_bare(server, body, messages, c)))
    latency = server.latency
    return Case(Lane("cli", n, latency, c, *best_cli), Lane("bare", n, latency, c, *best_bare))


def run(
    n: int = 500, cases: tuple[tuple[float, int], ...] = CASES, reps: int = 2
) -> ConcurrencyFigures:
    figures = ConcurrencyFigures(reps=reps, load=os.getloadavg())
    work = scratch_dir("concurrency")
    try:
        for latency in sorted({lat for lat, _ in cases}, reverse=True):
            with ServerProcess(latency=latency) as server:
                for lat, c in cases:
                    if lat == latency:
                        figures.cases.append(_case(server, work, n, c, reps))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


if __name__ == "__main__":
    figs = run(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
    print(f"load {figs.load}")
    for case in figs.cases:
        print(f"L={case.latency_s} C={case.concurrency} N={case.n}: "
              f"cli {case.cli.wall_s:.2f}s eff {case.cli.efficiency:.2f} "
              f"{case.cli.docs_per_s:.0f}/s ok {case.cli.ok}; "
              f"bare {case.bare.wall_s:.2f}s eff {case.bare.efficiency:.2f} "
              f"{case.bare.docs_per_s:.0f}/s; ratio {case.vs_bare:.2f} "
              f"(target {case.target}) {'met' if case.met else 'NOT MET'}")  # fmt: skip
