"""Loading gold and predictions: bad files are reported with file and field, the rest load."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from llm_extract.evaluate import evaluate, load_gold_dir, load_predictions
from llm_extract.evaluate.loading import LoadIssue
from llm_extract.models import Document, ErrorInfo, ExtractionResult

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
D000 = "000_4c7802ff51b8819f"
D003 = "003_083b7cf5f0b80020"


def seed(doc_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SEEDS / "gold" / f"{doc_id}.gold.json").read_text())
    return data


def write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def by_file(issues: list[LoadIssue], name: str) -> list[LoadIssue]:
    return [i for i in issues if Path(i.file).name == name]


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    """Two good seeds plus broken files. Texts: 000 in <root>/seeds/, 003 in the gold
    dir's parent, `drifted` beside its gold file, `notext` nowhere."""
    gold = tmp_path / "corpus" / "gold"
    gold.mkdir(parents=True)
    (tmp_path / "seeds").mkdir()
    for doc_id in (D000, D003):
        shutil.copy(SEEDS / "gold" / f"{doc_id}.gold.json", gold)
    shutil.copy(SEEDS / f"{D000}.txt", tmp_path / "seeds")
    shutil.copy(SEEDS / f"{D003}.txt", tmp_path / "corpus")

    write(gold / "broken.gold.json", '{"doc_id": "broken",\n "events": [')
    bad_type = seed(D000) | {"doc_id": "badtype"}
    bad_type["events"][1]["event_type"] = "Skirmish"
    write(gold / "badtype.gold.json", bad_type)
    bad_sub = seed(D000) | {"doc_id": "badsub"}
    bad_sub["events"][0]["sub_event_type"] = "Air/drone strike"  # not a Battles sub-type
    write(gold / "badsub.gold.json", bad_sub)
    bad_ref = seed(D000) | {"doc_id": "badref"}
    bad_ref["events"][2]["actor1"] = ["a99"]
    write(gold / "badref.gold.json", bad_ref)

    drifted = seed(D003) | {"doc_id": "drifted"}
    drifted["events"][0]["evidence"][1] = "The battle was over by noon, the monitor said."
    write(gold / "drifted.gold.json", drifted)
    shutil.copy(SEEDS / f"{D003}.txt", gold / "drifted.txt")
    write(gold / "notext.gold.json", seed(D003) | {"doc_id": "notext"})
    write(
        gold / "links.json",
        [{"a": f"{D000}#e2", "b": f"{D003}#e3"}, {"a": f"{D000}#e9", "b": "nowhere#e1"}],
    )
    return gold


def test_bad_gold_files_are_reported_and_the_rest_scored(gold_dir: Path) -> None:
    gold, issues, texts = load_gold_dir(gold_dir)
    assert sorted(gold) == [D000, D003, "drifted", "notext"]
    assert sorted(texts) == [D000, D003, "drifted"]

    (broken,) = by_file(issues, "broken.gold.json")
    assert broken.severity == "error" and broken.line == 2 and "invalid JSON" in broken.message
    (bad_type,) = by_file(issues, "badtype.gold.json")
    assert bad_type.field == "events[1].event_type" and "'Battles'" in bad_type.message
    (bad_sub,) = by_file(issues, "badsub.gold.json")
    assert bad_sub.field == "events[0].sub_event_type"
    assert "does not belong" in bad_sub.message
    (bad_ref,) = by_file(issues, "badref.gold.json")
    assert bad_ref.field == "events[2].actor1" and "a99" in bad_ref.message

    (drift,) = by_file(issues, "drifted.gold.json")
    assert drift.severity == "warning" and drift.field == "events[0].evidence[1]"
    assert drift.doc_id == "drifted" and "The battle was over by noon" in drift.message
    (notext,) = by_file(issues, "notext.gold.json")
    assert notext.severity == "warning" and "notext.txt not found" in notext.message
    links = by_file(issues, "links.json")
    assert [(i.field, i.severity) for i in links] == [("[1].a", "warning"), ("[1].b", "warning")]
    assert len(issues) == 8
    assert by_file(issues, f"{D000}.gold.json") == []

    report = evaluate(gold, gold, texts)
    assert [d.doc_id for d in report.documents] == [D000, D003, "drifted", "notext"]
    assert report.metrics["events.f1"] == 1.0


def test_load_predictions_from_run_jsonl(tmp_path: Path) -> None:
    d000 = Document.model_validate(seed(D000))
    bad_doc = seed(D000) | {"doc_id": "bad"}
    bad_doc["events"][0]["event_type"] = "Skirmish"
    lines = [
        ExtractionResult(doc_id=D000, document=d000).model_dump_json(),
        ExtractionResult(
            doc_id=D003,
            status="error",
            error=ErrorInfo(stage="llm", type="Timeout", message="timed out"),
        ).model_dump_json(),
        '{"doc_id": "cut off',
        json.dumps({"doc_id": "bad", "status": "ok", "document": bad_doc}),
        "",
        json.dumps(seed(D003) | {"doc_id": "bare"}),  # a bare gold-format document
        ExtractionResult(doc_id=D000, document=d000).model_dump_json(),
    ]
    run = write(tmp_path / "run.jsonl", "\n".join(lines) + "\n")
    docs, issues = load_predictions(run)
    assert sorted(docs) == [D000, "bare"]
    assert [(i.line, i.severity, i.field) for i in issues] == [
        (None, "warning", "doc_id"),  # 000 appears twice
        (2, "warning", None),  # the error record
        (3, "error", None),  # invalid JSON
        (4, "error", "document.events[0].event_type"),
    ]
    assert issues[1].doc_id == D003 and "timed out" in issues[1].message

    gold = {D000: d000, D003: Document.model_validate(seed(D003))}
    report = evaluate(gold, docs)
    assert report.documents[1].status == "missing"  # the error counts as all missed
    assert report.unscored == ["bare"]


def test_load_predictions_from_dir(tmp_path: Path) -> None:
    write(tmp_path / "a.json", seed(D000))
    write(
        tmp_path / "b.json",
        ExtractionResult(
            doc_id=D003, document=Document.model_validate(seed(D003))
        ).model_dump_json(),
    )
    write(tmp_path / "c.json", [1, 2])
    write(tmp_path / "links.json", [])
    write(tmp_path / "notes.txt", "ignored")
    docs, issues = load_predictions(tmp_path)
    assert sorted(docs) == [D000, D003]
    assert [(Path(i.file).name, i.message) for i in issues] == [
        ("c.json", "expected a JSON object")
    ]
