"""`eval` through a Typer app that registers it, as the main CLI will."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from llm_extract.evaluate.cli import register
from llm_extract.models import Document, ErrorInfo, ExtractionResult

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GOLD = SEEDS / "gold"
D000 = "000_4c7802ff51b8819f"
D003 = "003_083b7cf5f0b80020"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Force a command group, as in the real CLI."""

    register(app)
    return app


def gold_doc(doc_id: str) -> Document:
    return Document.model_validate_json((GOLD / f"{doc_id}.gold.json").read_text())


@pytest.fixture
def perfect_run(tmp_path: Path) -> Path:
    lines = [
        ExtractionResult(doc_id=d, document=gold_doc(d)).model_dump_json() for d in (D000, D003)
    ]
    path = tmp_path / "perfect.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def worse_run(tmp_path: Path) -> Path:
    """000 as gold; 003 failed, so its 3 required events are missed."""
    error = ErrorInfo(stage="llm", type="Timeout", message="timed out")
    lines = [
        ExtractionResult(doc_id=D000, document=gold_doc(D000)).model_dump_json(),
        ExtractionResult(doc_id=D003, status="error", error=error).model_dump_json(),
    ]
    path = tmp_path / "worse.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def run(app: typer.Typer, *args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["eval", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_json_output(app: typer.Typer, perfect_run: Path) -> None:
    code, out, _ = run(app, "--gold", GOLD, "--pred", perfect_run, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["metrics"]["events.f1"] == 1.0
    assert [d["doc_id"] for d in data["documents"]] == [D000, D003]
    assert "regressions" not in data


def test_table_and_markdown(app: typer.Typer, perfect_run: Path) -> None:
    code, out, _ = run(app, "--gold", GOLD, "--pred", perfect_run)
    assert code == 0 and "events.f1" in out and "1.000" in out
    code, out, _ = run(app, "--gold", GOLD, "--pred", perfect_run, "--markdown")
    assert code == 0 and out.startswith("# Evaluation report") and "| events.f1 | 1.000 |" in out


def test_baseline_regression_exit_code(
    app: typer.Typer, perfect_run: Path, worse_run: Path, tmp_path: Path
) -> None:
    baseline = tmp_path / "baseline.json"
    code, _, _ = run(app, "--gold", GOLD, "--pred", perfect_run, "--save-baseline", baseline)
    assert code == 0 and baseline.is_file()
    code, _, _ = run(app, "--gold", GOLD, "--pred", perfect_run, "--baseline", baseline)
    assert code == 0

    code, out, err = run(app, "--gold", GOLD, "--pred", worse_run, "--baseline", baseline, "--json")
    assert code == 1
    data = json.loads(out)
    # Recall: 000's 4 required events found, 003's 3 all missed -> 4/7.
    assert data["metrics"]["events.recall"] == pytest.approx(4 / 7)
    regressed = {r["metric"] for r in data["regressions"]}
    assert {"events.recall", "events.f1", "actors.recall"} <= regressed
    assert "events.precision" not in regressed  # still 1.0
    assert "regression: events.recall" in err
    assert any("extraction failed" in i["message"] for i in data["load_issues"])

    # Only precision compared: no regression.
    code, _, _ = run(
        app,
        "--gold",
        GOLD,
        "--pred",
        worse_run,
        "--baseline",
        baseline,
        "--metric",
        "events.precision",
        "--metric",
        "actors.precision",
    )
    assert code == 0
    # A loose enough tolerance passes too.
    code, _, _ = run(
        app, "--gold", GOLD, "--pred", worse_run, "--baseline", baseline, "--tolerance", "0.9"
    )
    assert code == 0


@pytest.mark.parametrize(
    "extra",
    [
        ["--json", "--markdown"],
        ["--tolerance", "-1"],
        ["--metric", "events.f2"],
        ["--baseline", "/nonexistent/baseline.json"],
        ["--tolerance", "lots"],  # rejected by the option parser itself
    ],
)
def test_usage_errors(app: typer.Typer, perfect_run: Path, extra: list[str]) -> None:
    code, _, _ = run(app, "--gold", GOLD, "--pred", perfect_run, *extra)
    assert code == 2


def test_bad_paths(app: typer.Typer, perfect_run: Path, tmp_path: Path) -> None:
    assert run(app, "--gold", tmp_path / "nope", "--pred", perfect_run)[0] == 2
    assert run(app, "--gold", GOLD, "--pred", tmp_path / "nope.jsonl")[0] == 2
    code, _, err = run(app, "--gold", tmp_path, "--pred", perfect_run)  # no gold files
    assert code == 2 and "no gold document" in err
