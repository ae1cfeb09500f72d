"""`llm-extract bench muc4` end to end on the invented MUC-4 folder (rules backend)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llm_extract.cli import app
from llm_extract.muc4.corpus import ROLES, read_split
from llm_extract.muc4.scoring import score_corpus
from tests.muc4_fixture import DEV_TEXT, make_muc4

runner = CliRunner()


def bench(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["bench", "muc4", "--backend", "rules", "-q", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_report_and_gtt_predictions(tmp_path: Path) -> None:
    root = make_muc4(tmp_path / "muc4")
    out = tmp_path / "pred.json"
    code, stdout, stderr = bench(
        "--data", str(root), "--split", "train", "--out", str(out), "--json"
    )
    assert code == 0, stderr
    report = json.loads(stdout)
    assert report["split"] == "train" and report["docs"] == 2
    assert set(report["roles"]) == {"incident_type", *ROLES}
    for figures in [report["micro"], *report["roles"].values()]:
        assert set(figures) == {"p", "r", "f1"}
        assert all(0.0 <= v <= 1.0 for v in figures.values())
    assert report["failed"] == []
    predictions = json.loads(out.read_text())
    assert list(predictions) == ["1", "2"]  # every document, keyed as GTT keys DEV-MUC3-k
    for value in predictions.values():
        for template in value["pred_templates"]:
            assert set(template) == {"incident_type", *ROLES}
            assert all(isinstance(m, str) for r in ROLES for e in template[r] for m in e)
    # the printed scores are the scores of the written file
    gold = {g.key: g.templates for g in read_split(root, "train").gold}
    rescored = score_corpus({k: v["pred_templates"] for k, v in predictions.items()}, gold)
    assert rescored.micro.f1 == pytest.approx(report["micro"]["f1"])


def test_test_split_layout_runs(tmp_path: Path) -> None:
    root = make_muc4(tmp_path / "muc4", test_split=True)
    out = tmp_path / "test.json"
    code, _, stderr = bench("--data", str(root), "--split", "test", "--out", str(out))
    assert code == 0, stderr
    assert list(json.loads(out.read_text())) == ["30001", "40001"]


def test_failed_document_is_reported_and_scored_empty(tmp_path: Path) -> None:
    root = make_muc4(tmp_path / "muc4")
    text = root / "CORPORA" / "dev" / "dev-muc3-0001-0100"
    text.write_text(DEV_TEXT.split("DEV-MUC3-0002")[0], encoding="latin-1")
    out = tmp_path / "pred.json"
    code, stdout, stderr = bench(
        "--data", str(root), "--split", "train", "--text", "raw", "--out", str(out), "--json"
    )
    assert code == 1
    assert "DEV-MUC3-0002" in stderr
    assert [f["doc_id"] for f in json.loads(stdout)["failed"]] == ["DEV-MUC3-0002"]
    assert json.loads(out.read_text())["2"] == {"pred_templates": []}
    # the lower-cased processed text (the default) does not need the raw text
    code, _, stderr = bench("--data", str(root), "--split", "train")
    assert code == 0, stderr


@pytest.mark.parametrize(
    ("split", "message"),
    [("dev", "tst2"), ("test", "tst3")],
)
def test_missing_split_folder_exits_2(tmp_path: Path, split: str, message: str) -> None:
    root = make_muc4(tmp_path / "muc4")  # train and dev, no test folders
    shutil.rmtree(root / "CORPORA" / "tst2")
    code, stdout, stderr = bench("--data", str(root), "--split", split)
    assert code == 2
    assert stderr.startswith("error: ") and message in stderr
    assert stdout == ""


def test_bad_data_and_bad_split_exit_2(tmp_path: Path) -> None:
    code, _, stderr = bench("--data", str(tmp_path / "missing"), "--split", "train")
    assert code == 2
    assert " ".join(stderr.split()) == f"error: --data {tmp_path / 'missing'} is not a folder"
    code, _, _ = bench("--data", str(tmp_path), "--split", "nope")
    assert code == 2


def test_records_keeps_the_run_and_never_replaces_a_file(tmp_path: Path) -> None:
    """`--records FILE` keeps the run's records; an existing file or a folder is a one-line
    usage error (exit 2) and the file is left as it was."""
    root = make_muc4(tmp_path / "muc4")
    kept = tmp_path / "records.jsonl"
    code, _, stderr = bench("--data", str(root), "--split", "train", "--records", str(kept))
    assert code == 0, stderr
    lines = kept.read_text().splitlines()
    assert sorted(json.loads(line)["doc_id"] for line in lines) == [
        "DEV-MUC3-0001",
        "DEV-MUC3-0002",
    ]
    before = kept.read_bytes()
    code, stdout, stderr = bench("--data", str(root), "--split", "train", "--records", str(kept))
    assert code == 2 and stdout == ""
    message = f"error: --records {kept} already exists; give a new file name"
    assert " ".join(stderr.split()) == message
    assert kept.read_bytes() == before
    code, _, stderr = bench("--data", str(root), "--split", "train", "--records", str(tmp_path))
    assert code == 2 and stderr.startswith("error: ") and "folder" in stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1


def test_pipeline_error_record_counts_as_failed(tmp_path: Path) -> None:
    """A document the pipeline rejects (empty text) becomes a listed failure, exit 1."""
    root = make_muc4(tmp_path / "muc4")
    gold = root / "processed" / "train.json"
    rows = [json.loads(line) for line in gold.read_text().splitlines()]
    rows[1]["doctext"] = "   "
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows))
    code, stdout, _ = bench("--data", str(root), "--split", "train", "--json")
    assert code == 1
    (failed,) = json.loads(stdout)["failed"]
    assert failed["doc_id"] == "DEV-MUC3-0002" and failed["reason"].startswith("input:")


def test_benchmarks_section_from_the_same_run(tmp_path: Path) -> None:
    """`python -m bench` renders the MUC-4 section from `run_bench`; no data, no section."""
    from bench import muc4 as bench_muc4

    assert bench_muc4.measure(tmp_path / "absent") is None
    fig = bench_muc4.measure(make_muc4(tmp_path / "muc4"))
    assert fig is not None and fig.docs == 2 and fig.failed == 0
    lines = bench_muc4.render(fig)
    assert lines[0] == "## MUC-4 dev (2 real documents)"
    start = lines.index("|---|---:|---:|---:|") + 1
    assert [r.split(" | ")[0] for r in lines[start : start + 7]] == [
        "| incident type",
        *(f"| {r}" for r in ROLES),
        "| **micro**",
    ]
