"""`consolidate` and `export` commands, registered on a bare Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from llm_extract.export.cli import register
from llm_extract.models import Document, ExtractionResult

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "seeds" / "gold"


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _run_jsonl(tmp_path: Path) -> Path:
    run = tmp_path / "run.jsonl"
    lines = []
    for p in sorted(GOLD.glob("*.gold.json")):
        doc = Document.model_validate_json(p.read_text("utf-8"))
        lines.append(ExtractionResult(doc_id=doc.doc_id, document=doc).model_dump_json())
    lines.append(ExtractionResult(doc_id="failed", status="error").model_dump_json())
    run.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run


def test_consolidate_writes_events_and_links(tmp_path: Path) -> None:
    out = tmp_path / "events.json"
    result = CliRunner().invoke(_app(), ["consolidate", str(_run_jsonl(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text("utf-8"))
    assert payload["links"] == json.loads((GOLD / "links.json").read_text("utf-8"))
    assert len(payload["events"]) == 10


def test_export_geojson_and_html(tmp_path: Path) -> None:
    run = _run_jsonl(tmp_path)
    geo = tmp_path / "events.geojson"
    result = CliRunner().invoke(_app(), ["export", str(run), "--format", "geojson", "-o", str(geo)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(geo.read_text("utf-8"))["features"]) == 11
    page = tmp_path / "review.html"
    result = CliRunner().invoke(
        _app(),
        ["export", str(run), "--format", "html", "--texts", str(ROOT / "seeds"), "-o", str(page)],
    )
    assert result.exit_code == 0, result.output
    text = page.read_text("utf-8")
    assert "Twenty-one civilians were killed in" in text
    assert "Article text not available" not in text


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["consolidate", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    result = CliRunner().invoke(
        _app(), ["export", str(_run_jsonl(tmp_path)), "--format", "csv", "-o", "x"]
    )
    assert result.exit_code == 2
