"""Parquet output: one row per document, ACLED event structs, group commit and resume."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llm_extract.acled import ACLED_COLUMNS
from llm_extract.cli import app
from llm_extract.models import Document, ErrorInfo, ExtractionResult
from llm_extract.writers import open_writer

pa = pytest.importorskip("pyarrow", reason="Parquet output needs the 'parquet' extra (pyarrow)")
pq = pytest.importorskip("pyarrow.parquet")

from llm_extract.parquet import ParquetWriter, events_table, part_files, read_results  # noqa: E402

GOLD = Path(__file__).resolve().parent.parent / "seeds" / "gold"
RULES_ARTICLES = Path(__file__).resolve().parent / "rules_articles"


def gold_results() -> list[ExtractionResult]:
    docs = [Document.model_validate_json(p.read_text()) for p in sorted(GOLD.glob("*.gold.json"))]
    return [ExtractionResult(doc_id=d.doc_id, document=d) for d in docs]


def failed(doc_id: str) -> ExtractionResult:
    return ExtractionResult(
        doc_id=doc_id,
        status="error",
        error=ErrorInfo(stage="transport", type="BackendUnreachableError", message="down"),
    )


def test_rows_are_documents_with_the_csv_columns_and_the_whole_result(tmp_path: Path) -> None:
    results = [*gold_results(), ExtractionResult(doc_id="empty"), failed("bad")]
    with open_writer(tmp_path / "out.parquet", "parquet") as writer:
        for result in results:
            writer.write(result)
    with open_writer(tmp_path / "out.csv", "csv") as writer:
        for result in results:
            writer.write(result)

    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column("doc_id").to_pylist() == [r.doc_id for r in results]
    assert table.column("status").to_pylist() == ["ok"] * (len(results) - 1) + ["error"]
    assert table.column("error_type").to_pylist()[-1] == "BackendUnreachableError"
    assert table.column("n_events").to_pylist() == [len(r.events) for r in results]
    assert list(read_results(tmp_path / "out.parquet")) == results

    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as handle:
        # event rows only (the CSV also has a trace row per failed or empty document)
        csv_rows = [r for r in csv.DictReader(handle) if r["status"] == "ok"]
    assert sum(len(r.events) for r in results) == len(csv_rows) > 0
    events = [{c: r[c] for c in ACLED_COLUMNS} for r in csv_rows]
    assert events_table(tmp_path / "out.parquet").to_pylist() == events


def test_pandas_reads_the_folder_and_explodes_events(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas", reason="pandas not installed")
    results = gold_results()
    with open_writer(tmp_path / "out.parquet", "parquet") as writer:
        for result in results:
            writer.write(result)
    frame = pd.read_parquet(tmp_path / "out.parquet")
    assert list(frame["doc_id"]) == [r.doc_id for r in results]
    events = frame.explode("acled")
    assert len(events) == sum(len(r.events) for r in results)


def test_a_killed_run_keeps_committed_groups_and_resume_finishes_exactly_once(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.parquet"
    results = [ExtractionResult(doc_id=f"d{i}") for i in range(7)]
    writer = ParquetWriter(out, group_rows=3, group_seconds=3600)
    for result in results[:5]:
        writer.write(result)
    # killed here: the first group of three is committed, d3 and d4 were only buffered
    assert [p.name.startswith("part-") for p in part_files(out)] == [True]

    again = ParquetWriter(out, resume=True, group_rows=3)
    assert again.done == {"d0", "d1", "d2"}
    for result in results:
        if result.doc_id not in again.done:
            again.write(result)
    again.close()
    ids = pq.read_table(out).column("doc_id").to_pylist()
    assert sorted(ids) == [f"d{i}" for i in range(7)]


def test_resume_drops_error_rows_and_repeats_and_sets_aside_unreadable_parts(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.parquet"
    with ParquetWriter(out, group_rows=2) as writer:
        for result in [ExtractionResult(doc_id="a"), failed("b"), ExtractionResult(doc_id="a")]:
            writer.write(result)
    (out / "part-zz-torn.parquet").write_bytes(b"PAR1 not really")

    writer = ParquetWriter(out, resume=True)
    assert writer.done == {"a"}
    assert writer.dropped_on_resume == 2  # b's error row and a's repeat
    writer.write(ExtractionResult(doc_id="b"))
    writer.close()
    assert sorted(pq.read_table(out).column("doc_id").to_pylist()) == ["a", "b"]
    assert (out / ".part-zz-torn.parquet.unreadable").exists()


def test_without_resume_earlier_parts_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    for ids in (["x", "y"], ["z"]):
        with open_writer(out, "parquet") as writer:
            for doc_id in ids:
                writer.write(ExtractionResult(doc_id=doc_id))
    assert pq.read_table(out).column("doc_id").to_pylist() == ["z"]


def test_cli_writes_one_row_per_document_and_resume_adds_none(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    runner = CliRunner()
    argv = ["run", str(RULES_ARTICLES), "--backend", "rules", "-o", str(out), "-q"]
    first = runner.invoke(app, [*argv, "--format", "parquet"])
    assert first.exit_code == 0, first.output
    articles = sorted(p.stem for p in RULES_ARTICLES.glob("*.txt"))
    assert sorted(pq.read_table(out).column("doc_id").to_pylist()) == articles

    again = runner.invoke(app, [*argv, "--format", "parquet", "--resume"])
    assert again.exit_code == 0, again.output
    assert sorted(pq.read_table(out).column("doc_id").to_pylist()) == articles


def test_cli_parquet_needs_a_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["run", str(RULES_ARTICLES), "--backend", "rules", "--format", "parquet", "-q"]
    assert runner.invoke(app, base).exit_code == 2
    taken = tmp_path / "taken.parquet"
    taken.write_text("not a folder")
    res = runner.invoke(app, [*base, "-o", str(taken)])
    assert res.exit_code == 2
    assert taken.read_text() == "not a folder"
