"""The Ray engine on a local 2-CPU Ray cluster with the rules backend (no model server).

Skipped when the `ray` extra is not installed (CI installs it explicitly: see .ci/run).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

ray = pytest.importorskip("ray", reason="the Ray engine needs the 'ray' extra (pip install ray)")
pq = pytest.importorskip("pyarrow.parquet", reason="Parquet needs the 'parquet' extra")

from llm_extract.cli import app  # noqa: E402
from llm_extract.models import ExtractionResult  # noqa: E402
from llm_extract.ray import RayRun, extract_dataset  # noqa: E402
from llm_extract.runner import BatchRun  # noqa: E402
from llm_extract.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "rules_articles"
IDS = sorted(p.stem for p in ARTICLES.glob("*.txt"))


@pytest.fixture(scope="module", autouse=True)
def cluster() -> Any:
    """One local Ray cluster (2 CPUs, loopback only) for the module; workers import this
    checkout's llm_extract."""
    for attempt in range(3):  # Ray waits a fixed 30 s for its node: too short on a busy box
        try:
            ray.init(
                num_cpus=2,
                include_dashboard=False,
                log_to_driver=False,
                _node_ip_address="127.0.0.1",
                runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},
            )
            break
        except Exception as exc:
            ray.shutdown()
            if attempt == 2 or "timed out during startup" not in str(exc):
                raise
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


def rules(tmp_path: Path) -> Settings:
    return Settings(backend="rules", cache_dir=tmp_path / "cache", runlog=False)


def local_results(tmp_path: Path) -> dict[str, ExtractionResult]:
    out = tmp_path / "local.jsonl"
    BatchRun([ARTICLES], rules(tmp_path), out).run()
    lines = out.read_text(encoding="utf-8").splitlines()
    return {r.doc_id: r for r in map(ExtractionResult.model_validate_json, lines)}


def test_cli_ray_parquet_one_row_per_document_and_resume_adds_none(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    argv = ["run", str(ARTICLES), "--engine", "ray", "--backend", "rules", "--no-cache",
            "-o", str(out), "--format", "parquet", "-q"]  # fmt: skip
    first = CliRunner().invoke(app, argv)
    assert first.exit_code == 0, first.output
    table = pq.read_table(out)
    assert sorted(table.column("doc_id").to_pylist()) == IDS

    local = local_results(tmp_path)
    got = [ExtractionResult.model_validate_json(t) for t in table.column("result").to_pylist()]
    wrong = [r.doc_id for r in got if r.document != local[r.doc_id].document]
    assert not wrong, f"records differ from the local engine for {wrong}"

    again = CliRunner().invoke(app, [*argv, "--resume"])
    assert again.exit_code == 0, again.output
    assert sorted(pq.read_table(out).column("doc_id").to_pylist()) == IDS


def test_resume_after_a_partial_run_lands_every_document_once(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    local = local_results(tmp_path)
    half = IDS[: len(IDS) // 2]
    out.write_text("".join(local[d].model_dump_json() + "\n" for d in half), encoding="utf-8")
    summary = RayRun([ARTICLES], rules(tmp_path), out, resume=True, workers=2).run()
    assert summary.all_ok and summary.ok == len(IDS) - len(half)
    ids = [json.loads(line)["doc_id"] for line in out.read_text().splitlines()]
    assert sorted(ids) == IDS


def test_parquet_input_and_the_python_api(tmp_path: Path) -> None:
    import pyarrow as pa

    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))}
    rows: list[dict[str, str | None]] = [
        {"id": k, "text": v, "published": "2024-03-01"} for k, v in texts.items()
    ]
    rows.append({"id": "blank", "text": "  ", "published": None})
    source = tmp_path / "articles.parquet"
    pq.write_table(pa.Table.from_pylist(rows), source)

    out = tmp_path / "out.jsonl"
    summary = RayRun([str(source)], rules(tmp_path), out, workers=2).run()
    assert summary.ok == len(texts) and [f.doc_id for f in summary.failed] == ["blank"]

    ds = ray.data.from_items([{"doc_id": "x1", "text": texts[IDS[0]]}])
    done = extract_dataset(ds, rules(tmp_path), workers=1).take_all()
    assert [row["doc_id"] for row in done] == ["x1"] and done[0]["status"] == "ok"
    assert done[0]["n_events"] == len(done[0]["acled"]) > 0
