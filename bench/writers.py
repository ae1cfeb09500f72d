"""Benchmark 6: output writers keep a flat cost per document as the output grows.

Each format writes N documents of a gold seed (real events, actors, casualties) to a file
on disk; the figure is the time per document at the larger N over the smaller N, measured
in the same run. A writer that rewrote its whole file per document (as JSON and CSV did
before) shows a ratio near N_large/N_small; appending shows about 1.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import scratch_dir
from llm_extract.models import Document, ExtractionResult
from llm_extract.writers import FORMATS as FORMATS  # re-exported: the formats measured
from llm_extract.writers import open_writer

ROOT = Path(__file__).resolve().parent.parent
TARGET_GROWTH = 1.5


@dataclass
class WriterRun:
    fmt: str
    n: int
    seconds: float

    @property
    def ms_per_doc(self) -> float:
        return self.seconds * 1000 / self.n


@dataclass
class WriterFigures:
    sizes: tuple[int, int]
    runs: list[WriterRun]
    target: float = TARGET_GROWTH

    def growth(self, fmt: str) -> float:
        small, large = (next(r for r in self.runs if r.fmt == fmt and r.n == n) for n in self.sizes)
        return large.ms_per_doc / small.ms_per_doc

    @property
    def met(self) -> bool:
        return all(self.growth(fmt) <= self.target for fmt in FORMATS)


def _results(n: int) -> list[ExtractionResult]:
    gold = sorted((ROOT / "seeds" / "gold").glob("*.gold.json"))[0]
    doc = Document.model_validate_json(gold.read_text(encoding="utf-8"))
    return [
        ExtractionResult(doc_id=f"w{i}", document=doc.model_copy(update={"doc_id": f"w{i}"}))
        for i in range(n)
    ]


def run(sizes: tuple[int, int]) -> WriterFigures:
    results = _results(max(sizes))
    runs: list[WriterRun] = []
    for fmt in FORMATS:
        for n in sizes:
            out = scratch_dir("writers") / f"out.{fmt}"
            started = time.perf_counter()
            with open_writer(out, fmt) as writer:
                for result in results[:n]:
                    writer.write(result)
            runs.append(WriterRun(fmt, n, time.perf_counter() - started))
    return WriterFigures(sizes, runs)
