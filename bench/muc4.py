"""MUC-4 dev with the rules: real news scored with CEAF-REE, when the data is at hand.

The MUC-4 files never ship with the project; `python -m bench` looks for them beside the
clone (`../shared/bench/muc4`, or `BENCH_MUC4_DATA`) and leaves the section out when they
are not there. The train-split figures the mapping and text choice were tuned on are
history (measured once, see TRAIN), not re-measured here.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm_extract import Settings
from llm_extract.muc4.command import run_bench
from llm_extract.muc4.scoring import SLOTS

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("BENCH_MUC4_DATA", ROOT.parent / "shared" / "bench" / "muc4"))
# Train split (1,300 documents), rules, measured on 2026-12-04: micro P / R / F1 on the
# lower-cased text and without mapping Armed clash to attack (after the spaCy text layer,
# ac7b16e), and on the raw upper-case text (before it, at cdf3ced; not re-measured).
TRAIN = {"processed": (26.6, 9.2, 13.7), "raw": (34.9, 3.0, 5.6)}
TRAIN_WITHOUT_CLASHES = 10.3


@dataclass
class Muc4Figures:
    docs: int
    report: dict[str, Any]
    seconds: float
    failed: int


def measure(data: Path = DATA) -> Muc4Figures | None:
    """Run the dev split with the rules (no cache); None when the data is not here."""
    if not (data / "CORPORA").is_dir():
        return None
    settings = Settings(backend="rules", cache=False, runlog=False)
    started = time.perf_counter()
    result = run_bench(data, "dev", settings)
    return Muc4Figures(
        result.docs, result.as_json(), time.perf_counter() - started, len(result.failed)
    )


def render(fig: Muc4Figures) -> list[str]:
    r = fig.report
    out = [
        f"## MUC-4 dev ({fig.docs} real documents)",
        "",
        "`llm-extract bench muc4 --data ../shared/bench/muc4 --split dev --backend rules`: FBIS "
        "reports from 1989-90 (TST1 + TST2), scored with CEAF-REE as GTT's `eval.py` computes "
        'it (README, "Benchmark on MUC-4"; the reference scorer gives the same counts on the '
        f"written predictions). {fig.seconds:.0f} s, {fig.failed} documents failed. Published "
        "test-split micro-F1 of trained models, for scale: GTT 50.2, IterX 53.0.",
        "",
        "| slot (rules, lower-cased text) | P | R | F1 |",
        "|---|---:|---:|---:|",
    ]
    names = {"incident_type": "incident type"}
    for slot in SLOTS:
        v = r["roles"][slot]
        out.append(
            f"| {names.get(slot, slot)} | {_pct(v['p'])} | {_pct(v['r'])} | {_pct(v['f1'])} |"
        )
    m = r["micro"]
    out += [
        f"| **micro** | **{_pct(m['p'])}** | **{_pct(m['r'])}** | **{_pct(m['f1'])}** |",
        "",
    ]
    a = r["agreement"]
    cells = " | ".join(
        f"{a[k]['agree']}/{a[k]['checked']}" for k in ("date", "country", "place", "deaths")
    )
    out += [
        "Agreement with the raw answer keys over the record templates paired with a key "
        "template (definitions in the README):",
        "",
        "| pairs | date | country | place | deaths |",
        "|---:|---:|---:|---:|---:|",
        f"| {a['pairs']} | {cells} |",
        "",
        "Train split (1,300 documents; the mapping and the text choice were tuned on it, so "
        "not a quality claim; measured once, kept in `bench/muc4.py`): micro-F1 "
        f"{TRAIN['processed'][2]} (P {TRAIN['processed'][0]}, R {TRAIN['processed'][1]}) on "
        f"lower-cased text ({TRAIN_WITHOUT_CLASHES} without mapping Armed clash to attack), "
        f"{TRAIN['raw'][2]} (P {TRAIN['raw'][0]}, R {TRAIN['raw'][1]}) on the raw upper-case "
        "text (measured before the spaCy text layer).",
    ]
    return out


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"
