"""`eval --compare A B`: two configurations scored on the same gold, with differences."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from llm_extract.evaluate import evaluate, load_gold_dir
from llm_extract.evaluate.cli import register
from llm_extract.evaluate.compare import compare_reports
from llm_extract.models import Document
from tests.conftest import SEEDS

GOLD = SEEDS / "gold"


def _without_first_required_event(doc: Document) -> Document:
    keep = [e for e in doc.events if e.optional]
    drop = next(e for e in doc.events if not e.optional)
    keep += [e for e in doc.events if not e.optional and e.id != drop.id]
    cas = [
        c.model_copy(update={"event": None}) if c.event == drop.id else c for c in doc.casualties
    ]
    return doc.model_copy(update={"events": keep, "casualties": cas})


def test_compare_reports_gives_b_minus_a() -> None:
    gold, _, texts = load_gold_dir(GOLD)
    worse = {d: _without_first_required_event(doc) for d, doc in gold.items()}
    rows = {
        r.metric: r
        for r in compare_reports(evaluate(gold, gold, texts), evaluate(gold, worse, texts))
    }
    # 7 required gold events; B misses one per document: recall 5/7, precision 1.
    assert rows["events.recall"].a == 1.0
    assert abs(rows["events.recall"].b - 5 / 7) < 1e-9  # type: ignore[operator]
    assert abs(rows["events.recall"].delta + 2 / 7) < 1e-9  # type: ignore[operator]
    assert rows["events.recall"].better == "a"
    assert rows["events.precision"].delta == 0.0 and rows["events.precision"].better is None


def _write_dir(tmp: Path, docs: dict[str, Document]) -> Path:
    tmp.mkdir()
    for doc_id, doc in docs.items():
        (tmp / f"{doc_id}.json").write_text(doc.model_dump_json(), encoding="utf-8")
    return tmp


def test_compare_cli_json(tmp_path: Path) -> None:
    gold, _, _ = load_gold_dir(GOLD)
    a = _write_dir(tmp_path / "a", gold)
    b = _write_dir(tmp_path / "b", {d: _without_first_required_event(g) for d, g in gold.items()})
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps `eval` a subcommand
    out = CliRunner().invoke(
        app, ["eval", "--gold", str(GOLD), "--compare", str(a), str(b), "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    f1 = next(m for m in data["metrics"] if m["metric"] == "events.f1")
    assert f1["a"] == 1.0 and round(f1["b"], 4) == round(2 * (5 / 7) / (1 + 5 / 7), 4)


def test_pred_compare_and_run_are_exclusive(tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    out = CliRunner().invoke(app, ["eval", "--gold", str(GOLD)])
    assert out.exit_code == 2
    assert "exactly one of" in out.output
