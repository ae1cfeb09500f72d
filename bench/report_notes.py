"""The report's judgements: figures and target status, the before/after table against
history, and what stands in the way of each target not met."""

from __future__ import annotations

import math

from bench import concurrency, memory, overhead, peer, warm_cache, writers
from bench.history import BEFORE, BEFORE_COMMIT, BEFORE_DATE, COMMITS, FIXES
from bench.plan import Plan


def fmt(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def status(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _case_label(case: concurrency.Case) -> str:
    if case.latency_s:
        return f"L={case.latency_s * 1000:.0f} ms, C={case.concurrency}, efficiency"
    return f"zero latency, C={case.concurrency}, throughput"


def concurrency_row(case: concurrency.Case) -> str:
    if case.latency_s:
        what = f"efficiency {fmt(case.cli.efficiency)} vs bare {fmt(case.bare.efficiency)}"
    else:
        what = f"{fmt(case.cli.docs_per_s, 0)} vs bare {fmt(case.bare.docs_per_s, 0)} docs/s"
    return (f"| 2 | `llm-extract run` over bare client, {_case_label(case)} (N={case.n}) | "
            f"{fmt(case.vs_bare)} ({what}) | >= {case.target} | {status(case.met)} |")  # fmt: skip


def concurrency_section(c: concurrency.ConcurrencyFigures) -> list[str]:
    load = ", ".join(f"{x:.1f}" for x in c.load)
    return [
        "## 2. Concurrency: `llm-extract run` against a bare client",
        "",
        "The real CLI (`python -m llm_extract.cli run in.jsonl -o out.jsonl`, a child "
        "process with default settings: cache on in a fresh folder, run log on, JSONL on "
        "disk) and a bare `openai.AsyncOpenAI` client replaying the CLI's own request "
        "body (messages rendered per document before timing), same server, same number "
        "of requests in flight. Start-up is excluded alike: the clock starts when the "
        "server receives the first model request (probe left out) and stops when the last "
        "result is on disk (the output's mtime) for the CLI, when the last response is "
        "parsed for the bare client. With latency, efficiency is the ideal N*L/C over the "
        "wall time; without, throughput. Each side runs "
        f"{c.reps} times, alternately, and keeps its best run. Load average at the start: "
        f"{load} (2 cores, shared).",
        "",
        "| latency | C | N | CLI wall s | CLI eff. | CLI docs/s | bare wall s | bare eff. | "
        "bare docs/s | CLI over bare | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *[f"| {k.latency_s * 1000:.0f} ms | {k.concurrency} | {k.n} | {k.cli.wall_s:.2f} | "
          f"{fmt(k.cli.efficiency) if k.latency_s else '-'} | {fmt(k.cli.docs_per_s, 0)} | "
          f"{k.bare.wall_s:.2f} | {fmt(k.bare.efficiency) if k.latency_s else '-'} | "
          f"{fmt(k.bare.docs_per_s, 0)} | {fmt(k.vs_bare)} | >= {k.target} |"
          for k in c.cases],
    ]  # fmt: skip


def memory_met(mem: memory.MemoryFigures) -> bool:
    """Under the ceiling at every N and flat: at most 20% growth from the smallest N."""
    return mem.met and mem.growth < 1.2


def before_after(
    o: overhead.OverheadFigures | None,
    c: concurrency.ConcurrencyFigures | None,
    w: warm_cache.WarmCacheFigures | None,
    mem: memory.MemoryFigures | None,
    pr: peer.PeerFigures | None,
    plan: Plan,
) -> list[str]:
    """The figures of before the profiling fixes (history) beside this run's."""
    b = BEFORE
    before_mem = ", ".join(f"{mb:,.0f} MB at N={n:,}" for n, mb in b.memory_peak_mb)
    after_mem = (
        ", ".join(f"{r.peak_rss_mb:,.0f} MB at N={r.n:,}" for r in mem.runs)
        if mem and mem.runs
        else "not run"
    )
    rows = [
        ("1 | per-document overhead",
         f"{fmt(b.overhead_vs_bare)}x bare ({fmt(b.overhead_vs_instructor)}x instructor, "
         f"{fmt(b.overhead_ms)} ms/doc)",
         f"{fmt(o.vs_bare)}x bare ({fmt(o.vs_instructor)}x instructor, "
         f"{fmt(o.llm_extract_ms)} ms/doc)" if o else "not run"),
        ("2 | concurrency efficiency", fmt(b.concurrency_efficiency),
         f"{fmt(c.cases[0].cli.efficiency)} (`llm-extract run`, C={c.cases[0].concurrency}; "
         f"{fmt(c.cases[0].vs_bare)} of a bare client's)" if c and c.cases else "not run"),
        ("3 | warm cache rerun", f"{fmt(b.warm_docs_per_s, 0)} docs/s",
         f"{fmt(w.docs_per_s, 0)} docs/s" if w else "not run"),
        ("4 | peak RSS of `llm-extract run`", before_mem, after_mem),
        ("peer | throughput over langextract", f"{fmt(b.peer_ratio)}x",
         f"{fmt(pr.throughput_ratio)}x" if pr and pr.throughput_ratio else "not run"),
    ]  # fmt: skip
    out = [
        "## Before and after the profiling fixes",
        "",
        f"'Before' is history, not re-measured: the full run committed at {BEFORE_COMMIT} "
        f"(measured on {BEFORE_DATE} on this machine, before the fixes below landed, "
        "kept in `bench/history.py`). 'After' is this run"
        + ("." if plan.name == "full" else f" ({plan.name} plan: not comparable).")
        + " Both are ratios measured within their own run, so they compare across runs "
        "better than the absolute milliseconds do.",
        "",
        "| # | benchmark | before | after |",
        "|---|---|---|---|",
        *[f"| {name} | {before} | {after} |" for name, before, after in rows],
        "",
        "The fixes, by commit:",
        "",
    ]
    for commit, subject in COMMITS.items():
        out.append(f'- `{commit}` "{subject}"')
        out += [f"  - {fix.name}: {fix.changed}" for fix in FIXES if fix.commit == commit]
    return [*out, ""]


def targets_notes(
    o: overhead.OverheadFigures | None,
    prof: overhead.ProfileFigures | None,
    c: concurrency.ConcurrencyFigures | None,
    w: warm_cache.WarmCacheFigures | None,
    mem: memory.MemoryFigures | None,
    nproc: int,
    wr: writers.WriterFigures | None = None,
) -> list[str]:
    """What is met, and for each target not met what stands in the way, from this run."""
    met: list[str] = []
    open_: list[str] = []
    stages = dict(prof.stages) if prof else {}
    library = sum(ms for _, ms in prof.hotspots) if prof else 0.0
    total = stages.get("aextract (everything)", 0.0)
    calls = stages.get("request + HTTP (lean path)", 0.0)
    in_the_way = (
        "Under cProfile, the request (lean path, HTTP included) takes "
        f"{calls:.1f} of {total:.1f} ms per "
        f"document ({calls / total * 100:.0f}%); of that, {library:.1f} ms is per-call work "
        "inside instructor and openai (instructor walking the response model for async "
        "validators on every call, openai transforming the whole request body, tools "
        "schema included); everything llm-extract does around the call (cache "
        "key and lookup, prompt render, assemble, provenance, cache write, run log) is "
        f"{total - calls:.1f} ms."
        if prof and total and calls
        else "The profile did not run, so the split of the cost is not shown."
    )
    if o:
        base = o.instructor_ms / o.bare_ms
        room = (o.target_vs_bare / base - 1) * 100
        if o.met:
            met.append(f"1 (per-document overhead, {fmt(o.vs_bare)}x bare)")
        else:
            open_.append(
                f"- Benchmark 1, {fmt(o.vs_bare)}x bare against {o.target_vs_bare}x: "
                f"instructor alone already costs {base:.2f}x a bare call here, which leaves "
                f"llm-extract {room:.0f}% over instructor; it adds "
                f"{(o.vs_instructor - 1) * 100:.0f}% ({fmt(o.llm_extract_ms - o.instructor_ms)} "
                f"ms/doc). {in_the_way} (cProfile inflates code made of many small calls, "
                "so these shares are indicative.) What is left is inside instructor and openai."
            )
    if c:
        for case in c.cases:
            label = _case_label(case)
            if case.met:
                met.append(f"2 ({label}: {fmt(case.vs_bare)} of bare)")
            else:
                open_.append(
                    f"- Benchmark 2, {label}: {fmt(case.vs_bare)} of a bare client's against "
                    f"{case.target} ({case.cli.ok}/{case.n} ok). The client's Python per "
                    "document (benchmark 1's cost) runs on one event loop, and the machine's "
                    f"{nproc} cores are shared by the CLI, the fake server and whatever else "
                    "runs, so the CLI cannot keep all slots busy."
                )
    if w:
        if w.met:
            met.append(f"3 (warm cache, {fmt(w.docs_per_s, 0)} docs/s, "
                       f"{w.new_model_requests} model calls)")  # fmt: skip
        else:
            open_.append(
                f"- Benchmark 3, {fmt(w.docs_per_s, 0)} docs/s against {w.target:,.0f}: "
                "see the profile; a cache hit should cost only the key, the lookup and "
                "validation."
            )
    if mem and mem.runs:
        peak = max(r.peak_rss_mb for r in mem.runs)
        if memory_met(mem):
            met.append(f"4 (peak RSS at most {peak:,.0f} MB, x{fmt(mem.growth)} "
                       f"from N={mem.runs[0].n:,} to N={mem.runs[-1].n:,})")  # fmt: skip
        else:
            open_.append(
                f"- Benchmark 4, peak {peak:,.0f} MB (x{fmt(mem.growth)} across N) against "
                f"{mem.target_mb:.0f} MB and flat: something still holds per-document data."
            )
    if wr:
        worst = max(writers.FORMATS, key=wr.growth)
        if wr.met:
            met.append(f"6 (output writers flat, at most x{fmt(wr.growth(worst))} for {worst})")
        else:
            open_.append(
                f"- Benchmark 6, {worst} x{fmt(wr.growth(worst))} against {wr.target}: its "
                "per-document cost grows with the output; something rewrites what is written."
            )
    out = ["## Targets met and what stands in the way of the others", ""]
    out.append("Met in this run: " + ("; ".join(met) + "." if met else "none."))
    out += ["", *(open_ or ["Every target measured in this run is met."])]
    return out
