"""Shared pieces: settings for the fake server, scratch folders, medians."""

from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
from pathlib import Path

from llm_extract.settings import Settings

CONCURRENT_BACKEND = "vllm"  # llamacpp is capped at one request in flight


def scratch_dir(prefix: str, *, tmpfs: bool = False) -> Path:
    """A fresh folder; on tmpfs (/dev/shm) when asked and available, else the temp dir."""
    base = "/dev/shm" if tmpfs and os.path.isdir("/dev/shm") else None
    return Path(tempfile.mkdtemp(prefix=f"llm-extract-bench-{prefix}-", dir=base))


def fake_settings(
    base_url: str,
    state: Path,
    *,
    cache: bool,
    runlog: bool = True,
    concurrency: int = 4,
    backend: str = "llamacpp",
) -> Settings:
    """A chat profile in tools mode against the fake server; state kept in `state`.

    `llamacpp` (the default) allows one request in flight (its profile's
    `max_concurrency=1`, as a llama.cpp server has one slot), so the concurrent
    benchmarks use `vllm`, whose tools mode sends the same request shape, uncapped.
    """
    return Settings(
        backend=backend,
        model=None if backend == "llamacpp" else "bench-model",
        mode="tools",
        base_url=base_url,
        cache=cache,
        cache_dir=state / "cache",
        runlog=runlog,
        runlog_path=state / "runlog.sqlite3",
        concurrency=concurrency,
    )


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000.0 if seconds else math.nan


def ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def finite(*values: float) -> bool:
    return all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)


def cli_run(
    args: list[str], base_url: str, state: Path, concurrency: int
) -> tuple[list[str], dict[str, str]]:
    """The `llm-extract run` command line and environment the benchmarks time against a fake
    server: its own cache, run log and config under `state`, and this checkout's code
    whatever the environment's editable install points at."""
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env.update(
        LLM_EXTRACT_CACHE_DIR=str(state / "cache"),
        LLM_EXTRACT_RUNLOG_PATH=str(state / "runlog.sqlite3"),
        LLM_EXTRACT_CONFIG=str(state / "none.toml"),
        LLM_EXTRACT_MODEL="bench-model",
        PYTHONPATH=os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p),
    )
    command = [sys.executable, "-m", "llm_extract.cli", "run", *args, "-q",
               "--backend", CONCURRENT_BACKEND, "--mode", "tools", "--base-url", base_url,
               "--concurrency", str(concurrency)]  # fmt: skip
    return command, env
