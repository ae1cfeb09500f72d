"""Peer comparison: llm-extract and langextract on the same documents, same fake server.

langextract is not a dependency of this project: it is looked for in the interpreter
named by BENCH_LANGEXTRACT_PYTHON, then this one, then /tmp/bench-venv (made with
`python -m venv --system-site-packages /tmp/bench-venv && /tmp/bench-venv/bin/pip install
langextract`). Its OpenAI provider is pointed at a fake server that answers in
langextract's output format (`LangextractFakeServer`), llm-extract at one answering the
Draft shape; both at zero latency with 16 requests in flight, so the figure compares
client-side cost per document and throughput, not models.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import CONCURRENT_BACKEND, fake_settings, ratio, scratch_dir
from bench.docs import ROOT, articles, unique_text
from bench.server import ServerProcess
from llm_extract.extract import Extractor

DEFAULT_VENV_PYTHON = Path("/tmp/bench-venv/bin/python")


@dataclass
class PeerFigures:
    n: int
    concurrency: int
    llm_extract_docs_per_s: float
    langextract_docs_per_s: float | None
    throughput_ratio: float | None  # llm-extract over langextract
    langextract_version: str | None = None
    skipped: str | None = None


def find_python() -> str | None:
    """An interpreter that can import langextract, or None."""
    candidates = [os.environ.get("BENCH_LANGEXTRACT_PYTHON"), sys.executable,
                  str(DEFAULT_VENV_PYTHON)]  # fmt: skip
    for python in candidates:
        if not python or not Path(python).exists():
            continue
        probe = subprocess.run([python, "-c", "import langextract"], capture_output=True)
        if probe.returncode == 0:
            return python
    return None


async def _ours(base_url: str, n: int, concurrency: int) -> float:
    state = scratch_dir("peer")
    settings = fake_settings(base_url, state, cache=False, runlog=True,
                             concurrency=concurrency, backend=CONCURRENT_BACKEND)  # fmt: skip
    async with Extractor(settings) as extractor:
        async for _ in extractor.aextract_many(articles(concurrency, "peer-warmup")):
            pass
        t0 = time.perf_counter()
        async for result in extractor.aextract_many(articles(n, "peer")):
            if not result.ok:
                raise RuntimeError(f"peer run failed on {result.doc_id}: {result.error}")
        return n / (time.perf_counter() - t0)


def run(n: int = 200, concurrency: int = 16) -> PeerFigures:
    with ServerProcess(latency=0.0) as server:
        ours = asyncio.run(_ours(server.base_url, n, concurrency))
    python = find_python()
    if python is None:
        return PeerFigures(n, concurrency, ours, None, None,
                           skipped="langextract not installed (see bench/peer.py)")  # fmt: skip
    docs_file = scratch_dir("peer-docs") / "docs.json"
    docs = [{"id": f"peer-{i}", "text": unique_text(i, "peer")} for i in range(n)]
    docs_file.write_text(json.dumps(docs), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with ServerProcess(latency=0.0, kind="langextract") as server:
        done = subprocess.run(
            [python, "-m", "bench.peer_langextract", server.base_url, str(docs_file),
             str(concurrency)],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
        )  # fmt: skip
    if done.returncode != 0 or not done.stdout.strip():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return PeerFigures(n, concurrency, ours, None, None,
                           skipped="langextract run failed: " + " | ".join(tail))  # fmt: skip
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    if int(theirs.get("extractions", 0)) < n:
        return PeerFigures(n, concurrency, ours, None, None, theirs.get("version"),
                           skipped=f"langextract found {theirs.get('extractions')} of {n} "
                           "extractions; its answers were not parsed")  # fmt: skip
    peer_rate = n / float(theirs["seconds"])
    return PeerFigures(n, concurrency, ours, peer_rate, ratio(ours, peer_rate),
                       theirs.get("version"))  # fmt: skip
