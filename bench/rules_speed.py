"""Seconds per 800-word article for the rules backend, on real text (issue 15's target: 0.3 s).

Articles: the sixteen real reports of `bench/realdev/`, concatenated paragraph by paragraph
in file order and cut at the first paragraph end at or after 800 words; article k starts
at report k (so each is a new text, and no parse is reused from a cache). Each article
goes through `Extractor.extract` with the rules backend (cache and run log off), the way
`llm-extract run --backend rules` does one article: parse, rules, assemble, grounding.

Timed after warm-up (the spaCy pipeline and the tables loaded once per process, reported
apart): CPU seconds (`time.process_time`, every thread of this process) and wall seconds
per article, median over the articles, with the load average before and after: on a
shared machine the wall time measures the queue, the CPU time the work.

`python -m bench.rules_speed [--profile]` prints the figures (and with --profile the top
of a cProfile of the same run); `python -m bench --only rules_speed` puts them in
BENCHMARKS.md.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from llm_extract import Extractor, Settings

REALDEV = Path(__file__).resolve().parent / "realdev"
WORDS = 800
TARGET_S = 0.3


@dataclass
class RulesSpeedFigures:
    articles: int
    words_mean: float
    load_s: float
    cpu_s: float
    """Median CPU seconds per article."""
    wall_s: float
    """Median wall seconds per article."""
    cpu_s_per_800: float
    wall_s_per_800: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    nproc: int

    @property
    def met(self) -> bool:
        return self.cpu_s_per_800 <= TARGET_S


def articles(words: int = WORDS, directory: Path = REALDEV) -> list[str]:
    """One article of about `words` words starting at each real report (see module doc)."""
    paragraphs: list[list[str]] = []
    for path in sorted(directory.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paragraphs.append([p.strip() for p in text.split("\n") if p.strip()])
    out: list[str] = []
    for k in range(len(paragraphs)):
        taken: list[str] = []
        count = 0
        order = paragraphs[k:] + paragraphs[:k]
        for para in (p for doc in order for p in doc):
            taken.append(para)
            count += len(para.split())
            if count >= words:
                break
        out.append("\n\n".join(taken))
    return out


def run(words: int = WORDS, warmup: int = 2) -> RulesSpeedFigures:
    texts = articles(words)
    started = time.perf_counter()
    extractor = Extractor(Settings(backend="rules", cache=False, runlog=False))
    for text in texts[:warmup]:  # loads the pipeline and the tables
        extractor.extract(text + "\n\nWarm-up.")
    load_s = time.perf_counter() - started
    load_before = os.getloadavg()
    cpu: list[float] = []
    wall: list[float] = []
    for text in texts:
        c0, w0 = time.process_time(), time.perf_counter()
        result = extractor.extract(text)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        if result.document is None:
            raise RuntimeError(f"the rules failed on a realdev article: {result.error}")
    load_after = os.getloadavg()
    sizes = [len(t.split()) for t in texts]
    mean_words = statistics.fmean(sizes)
    cpu_m, wall_m = statistics.median(cpu), statistics.median(wall)
    return RulesSpeedFigures(
        articles=len(texts),
        words_mean=mean_words,
        load_s=load_s,
        cpu_s=cpu_m,
        wall_s=wall_m,
        cpu_s_per_800=cpu_m * WORDS / mean_words,
        wall_s_per_800=wall_m * WORDS / mean_words,
        load_before=load_before,
        load_after=load_after,
        nproc=os.cpu_count() or 1,
    )


def profile(words: int = WORDS, top: int = 30) -> str:
    """cProfile of the rules on the same articles, top functions by cumulative time.

    `build_draft` is called directly: the backend runs it in a worker thread, which
    cProfile does not see from the main thread."""
    from llm_extract.rules import build_draft

    texts = articles(words)
    build_draft(texts[0] + "\n\nWarm-up.")
    prof = cProfile.Profile()
    prof.enable()
    for text in texts:
        build_draft(text)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def render(fig: RulesSpeedFigures) -> list[str]:
    lb = ", ".join(f"{x:.1f}" for x in fig.load_before)
    la = ", ".join(f"{x:.1f}" for x in fig.load_after)
    return [
        "## Rules backend speed (real text)",
        "",
        f"`python -m bench --only rules_speed` (`bench/rules_speed.py`): {fig.articles} "
        f"articles of {fig.words_mean:.0f} words on average, each the `bench/realdev` "
        "reports concatenated from a different one and cut at the first paragraph end after "
        f"{WORDS} words, through `Extractor.extract` with the rules backend (cache off). "
        f"Median per article, scaled to {WORDS} words; pipeline and tables loaded once "
        f"({fig.load_s:.1f} s with two warm-up articles). Load average {lb} before, {la} "
        f"after, on {fig.nproc} cores: wall time includes waiting for the CPU.",
        "",
        f"| CPU s / {WORDS} words | wall s / {WORDS} words | target |",
        "|---:|---:|---|",
        f"| {fig.cpu_s_per_800:.3f} | {fig.wall_s_per_800:.3f} | <= {TARGET_S} s "
        f"({'met' if fig.met else '**not met**'} on CPU time) |",
    ]


if __name__ == "__main__":
    figures = run()
    print("\n".join(render(figures)))
    if "--profile" in sys.argv:
        print(profile())
