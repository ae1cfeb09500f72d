"""Smoke test of the benchmark package: benchmarks 1 and 3 produce finite figures.

No timing is asserted (speed belongs in BENCHMARKS.md, not in a unit test); what is
checked is that the harness runs end to end and that a warm rerun really sent no request.
"""

from __future__ import annotations

import math

from bench import concurrency, overhead, warm_cache
from bench.history import BEFORE
from bench.machine import describe
from bench.plan import QUICK, Results
from bench.report import render


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) and v > 0 for v in values)


def test_overhead_quick_produces_finite_figures() -> None:
    figures = overhead.run(n=4, warmup=1, block=2)
    assert figures.n == 4
    assert _finite(figures.bare_ms, figures.instructor_ms, figures.llm_extract_ms)
    assert _finite(figures.vs_bare, figures.vs_instructor)


def test_warm_cache_quick_reruns_without_model_requests() -> None:
    figures = warm_cache.run(n=8, concurrency=4)
    assert figures.cached == 8
    assert figures.new_model_requests == 0
    assert _finite(figures.docs_per_s, figures.fill_s, figures.rerun_s)


def warm_cache_results() -> Results:
    """Results holding one invented warm-cache figure (20 docs/s), for report tests."""
    results = Results(describe())
    results.figures["warm_cache"] = warm_cache.WarmCacheFigures(
        n=10, fill_s=1.0, rerun_s=0.5, docs_per_s=20.0, new_model_requests=0, cached=10,
        speedup_vs_fill=2.0,
    )  # fmt: skip
    return results


def test_report_renders_the_figures_it_was_given() -> None:
    text = render(warm_cache_results(), QUICK, "python -m bench --quick", 1.0)
    assert "| 3 | warm cache rerun (N=10) | 20 docs/s, 0 model calls" in text
    assert "**not met**" in text  # 20 docs/s is under the 1,000 docs/s target


def test_report_sets_this_runs_figure_beside_the_recorded_before_figure() -> None:
    results = Results(describe())
    cli = concurrency.Lane("cli", n=32, latency_s=0.05, concurrency=16, wall_s=0.2, ok=32)
    bare = concurrency.Lane("bare", n=32, latency_s=0.05, concurrency=16, wall_s=0.125, ok=32)
    results.figures["concurrency"] = concurrency.ConcurrencyFigures([concurrency.Case(cli, bare)])
    text = render(results, QUICK, "python -m bench --quick", 1.0)
    before = f"{BEFORE.concurrency_efficiency:.2f}"
    # efficiency 0.1/0.2 = 0.50 for the CLI, 0.80 for bare: 0.62 of bare's
    assert f"| 2 | concurrency efficiency | {before} | 0.50 (`llm-extract run`, C=16; 0.62" in text
    assert "| 1 | per-document overhead |" in text and "| not run |" in text
    assert "Benchmark 2, L=50 ms, C=16, efficiency: 0.62 of a bare client's against 0.9" in text


def test_concurrency_bench_runs_the_cli_and_the_bare_client() -> None:
    figures = concurrency.run(n=6, cases=((0.0, 3),), reps=1)
    (case,) = figures.cases
    assert case.cli.ok == 6 and case.bare.ok == 6
    assert _finite(case.cli.wall_s, case.bare.wall_s, case.vs_bare)


def test_writers_benchmark_runs_every_format_and_renders() -> None:
    from bench import writers

    figures = writers.run((3, 6))
    assert sorted({(r.fmt, r.n) for r in figures.runs}) == sorted(
        (fmt, n) for fmt in writers.FORMATS for n in (3, 6)
    )
    assert all(_finite(figures.growth(fmt)) for fmt in writers.FORMATS)
    results = Results(describe())
    results.figures["writers"] = figures
    text = render(results, QUICK, "python -m bench --quick", 1.0)
    assert "## 6. Output writers" in text and "| csv | 6 |" in text


def test_report_leads_with_real_text_quality() -> None:
    """BENCHMARKS.md puts the real development set before everything else."""
    from bench import quality

    row = quality.RealRow("rules (no model)", 0.5, 0.6, 0.7, 0.8, 0.1, 0, "live")
    results = Results(describe())
    results.figures["quality_real"] = [row]
    text = render(results, QUICK, "python -m bench --quick", 1.0)
    real = text.index("## Quality on real text: bench/realdev")
    assert real < text.index("## Machine")
    assert "| rules (no model) | 0.50 | 0.60 | 0.70 | 0.80 | 0.10 | 0 | live |" in text
