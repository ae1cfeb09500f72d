"""`python -m bench` runs every benchmark and rewrites their sections of BENCHMARKS.md.

`--quick` is a smoke run with small N (figures not comparable to the targets), written
to a temporary folder unless `--out` says where;
`--out PATH` writes the report elsewhere; `--only NAME ...` runs a subset and replaces only
the sections (and Summary rows) it re-measured, noting them in the header. Sections no
benchmark renders (hand-written ones) are kept as they are either way.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.plan import FULL, QUICK, Plan, run_all
from bench.report import write_report

ROOT = Path(__file__).resolve().parent.parent
NAMES = (
    "overhead",
    "profile",
    "concurrency",
    "warm_cache",
    "memory",
    "writers",
    "recorded",
    "quality",
    "muc4",
    "rules_speed",
    "peer",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Small N; a smoke run.")
    parser.add_argument("--out", type=Path, default=None, help="Report path.")
    parser.add_argument("--only", nargs="+", choices=NAMES, help="Run only these.")
    args = parser.parse_args(argv)
    plan: Plan = QUICK if args.quick else FULL
    if args.out is not None:
        out = args.out
    elif args.quick:  # a smoke run never overwrites the committed figures
        out = Path(tempfile.mkdtemp(prefix="llm-extract-bench-")) / "BENCHMARKS.quick.md"
    else:
        out = ROOT / "BENCHMARKS.md"
    started = time.perf_counter()
    results = run_all(plan, set(args.only or NAMES), log=lambda m: print(m, file=sys.stderr))
    command = "python -m bench" + (" --quick" if args.quick else "")
    if args.only:
        command += " --only " + " ".join(args.only)
    write_report(out, results, plan, command, time.perf_counter() - started, args.only)
    print(f"wrote {out} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
