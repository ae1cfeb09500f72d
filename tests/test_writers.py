"""Output stage: valid files after every document, resume without duplicates, ACLED CSV."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from llm_extract.acled import ACLED_COLUMNS, disorder_type, document_rows, interaction
from llm_extract.models import (
    Actor,
    Count,
    DateRange,
    Document,
    ErrorInfo,
    Event,
    ExtractionResult,
    Location,
)
from llm_extract.ontology import ActorType, DatePrecision, EventType, SubEventType
from llm_extract.writers import open_writer

GOLD = Path(__file__).resolve().parent.parent / "seeds" / "gold"


def ok(doc_id: str, document: Document | None = None) -> ExtractionResult:
    return ExtractionResult(doc_id=doc_id, document=document or Document(doc_id=doc_id))


def failed(doc_id: str) -> ExtractionResult:
    return ExtractionResult(
        doc_id=doc_id,
        status="error",
        error=ErrorInfo(stage="transport", type="BackendUnreachableError", message="down"),
    )


def sample_document() -> Document:
    return Document(
        doc_id="d1",
        source="The New Arab",
        actors=[
            Actor(id="a1", name="Military Forces of Syria", actor_type=ActorType.STATE_FORCES),
            Actor(id="a2", name="NDF", actor_type=ActorType.POLITICAL_MILITIA),
            Actor(id="a3", name="Civilians (Syria)", actor_type=ActorType.CIVILIANS),
        ],
        events=[
            Event(
                id="e1",
                event_type=EventType.EXPLOSIONS,
                sub_event_type=SubEventType.AIR_DRONE_STRIKE,
                date=DateRange(
                    start=dt.date(2016, 1, 12),
                    end=dt.date(2016, 1, 12),
                    precision=DatePrecision.DAY,
                ),
                location=Location(name="Salma", admin1="Latakia", country="Syria"),
                actor1=["a1", "a2"],
                actor2=["a3"],
                fatalities=Count(low=4, best=4, high=4, text="four people"),
                evidence=["Airstrikes killed four people in Salma, a resident said."],
                reported_by=["a resident"],
            )
        ],
    )


def test_acled_row_maps_actors_codes_dates_and_notes() -> None:
    (row,) = document_rows(sample_document())
    assert list(row) == list(ACLED_COLUMNS)
    assert row["event_id_cnty"] == "d1:e1"
    assert row["event_date"] == "2016-01-12"
    assert row["year"] == "2016"
    assert row["time_precision"] == "1"
    assert row["disorder_type"] == "Political violence"
    assert row["event_type"] == "Explosions/Remote violence"
    assert row["sub_event_type"] == "Air/drone strike"
    assert (row["actor1"], row["assoc_actor_1"], row["inter1"]) == (
        "Military Forces of Syria",
        "NDF",
        "1",
    )
    assert (row["actor2"], row["inter2"], row["interaction"]) == ("Civilians (Syria)", "7", "17")
    assert row["civilian_targeting"] == "Civilian targeting"
    assert (row["location"], row["admin1"], row["country"]) == ("Salma", "Latakia", "Syria")
    assert row["notes"] == "Airstrikes killed four people in Salma, a resident said."
    assert row["fatalities"] == "4"
    assert row["source"] == "The New Arab; a resident"
    assert row["iso"] == "" and row["latitude"] == ""


def test_acled_codes() -> None:
    assert interaction(2, None) == "20"
    assert interaction(3, 1) == "13"
    assert interaction(None, None) == ""
    assert disorder_type(EventType.PROTESTS, SubEventType.PEACEFUL_PROTEST) == "Demonstrations"
    assert (
        disorder_type(EventType.PROTESTS, SubEventType.EXCESSIVE_FORCE)
        == "Political violence; Demonstrations"
    )
    assert disorder_type(EventType.RIOTS, SubEventType.MOB_VIOLENCE) == "Political violence"
    assert (
        disorder_type(EventType.STRATEGIC_DEVELOPMENTS, SubEventType.ARRESTS)
        == "Strategic developments"
    )


def test_gold_documents_export_to_csv_readable_by_dictreader(tmp_path: Path) -> None:
    out = tmp_path / "run.csv"
    docs = [Document.model_validate_json(p.read_text()) for p in sorted(GOLD.glob("*.gold.json"))]
    with open_writer(out, "csv") as writer:
        for doc in docs:
            writer.write(ok(doc.doc_id, doc))
        writer.write(failed("broken"))
    with out.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        assert reader.fieldnames == [*ACLED_COLUMNS, "doc_id", "status", "error"]
    events = [r for r in rows if r["status"] == "ok"]
    assert len(events) == sum(len(d.events) for d in docs)
    assert all(r["event_type"] and r["notes"] for r in events)
    (trace,) = [r for r in rows if r["doc_id"] == "broken"]
    assert (trace["status"], trace["event_id_cnty"]) == ("error", "")


def test_jsonl_resume_keeps_ok_drops_errors_broken_lines_and_duplicates(tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    lines = [
        ok("a").model_dump_json(),
        failed("b").model_dump_json(),
        ok("c").model_dump_json(),
        ok("a").model_dump_json(),
        ok("d").model_dump_json()[:40],  # killed mid-write
    ]
    out.write_text("\n".join(lines))
    with open_writer(out, "jsonl", resume=True) as writer:
        assert writer.done == {"a", "c"}
        writer.write(ok("b"))
        writer.write(ok("d"))
    ids = [json.loads(line)["doc_id"] for line in out.read_text().splitlines()]
    assert sorted(ids) == ["a", "b", "c", "d"]


def test_jsonl_without_resume_starts_a_fresh_file(tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    out.write_text(ok("old").model_dump_json() + "\n")
    with open_writer(out, "jsonl") as writer:
        assert writer.done == set()
        writer.write(ok("new"))
    assert [json.loads(x)["doc_id"] for x in out.read_text().splitlines()] == ["new"]


@pytest.mark.parametrize("fmt", ["json", "csv", "jsonl"])
def test_file_is_valid_after_every_commit(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"run.{fmt}"
    doc = sample_document()
    with open_writer(out, fmt) as writer:
        for n in range(1, 4):
            writer.write(ok(f"d{n}", doc.model_copy(update={"doc_id": f"d{n}"})))
            writer.commit()
            text = out.read_text(encoding="utf-8")
            if fmt == "json":
                assert [r["doc_id"] for r in json.loads(text)] == [f"d{i}" for i in range(1, n + 1)]
            elif fmt == "csv":
                assert len(list(csv.DictReader(text.splitlines()))) == n
            else:
                assert len([json.loads(x) for x in text.splitlines()]) == n
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_json_and_csv_resume_know_finished_documents(tmp_path: Path) -> None:
    doc = sample_document()
    for fmt in ("json", "csv"):
        out = tmp_path / f"run.{fmt}"
        with open_writer(out, fmt) as writer:
            writer.write(ok("d1", doc))
            writer.write(failed("d2"))
        with open_writer(out, fmt, resume=True) as writer:
            assert writer.done == {"d1"}
            writer.write(ok("d2", doc.model_copy(update={"doc_id": "d2"})))
        text = out.read_text()
        if fmt == "json":
            results = json.loads(text)
            assert [(r["doc_id"], r["status"]) for r in results] == [("d1", "ok"), ("d2", "ok")]
        else:
            ids = [r["event_id_cnty"] for r in csv.DictReader(text.splitlines())]
            assert ids == ["d1:e1", "d2:e1"]


def test_stdout_writers(tmp_path: Path) -> None:
    import io

    stream = io.StringIO()
    with open_writer(None, "json", stream=stream) as writer:
        writer.write(ok("x"))
    assert json.loads(stream.getvalue())[0]["doc_id"] == "x"


@pytest.mark.parametrize("fmt", ["json", "csv", "jsonl"])
def test_documents_are_appended_not_the_file_rewritten(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per-document cost must not grow with the run: the file is written whole only at open."""
    import llm_extract.durable as durable

    calls: list[Path] = []
    real = durable.atomic_write_text

    def counted(path: Path, text: str) -> None:
        calls.append(path)
        real(path, text)

    monkeypatch.setattr(durable, "atomic_write_text", counted)
    out = tmp_path / f"run.{fmt}"
    doc = sample_document()
    with open_writer(out, fmt) as writer:
        for n in range(50):
            writer.write(ok(f"d{n}", doc.model_copy(update={"doc_id": f"d{n}"})))
    assert calls == [out]


def test_json_resume_reads_the_records_before_a_torn_write(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    with open_writer(out, "json") as writer:
        writer.write(ok("a"))
        writer.write(ok("b"))
    text = out.read_text()
    out.write_text(text[: -len("\n]\n")] + ',\n{"doc_id": "c", "sta')  # killed mid-write
    with open_writer(out, "json", resume=True) as writer:
        assert writer.done == {"a", "b"}
        writer.write(ok("c"))
    assert [r["doc_id"] for r in json.loads(out.read_text())] == ["a", "b", "c"]


def test_csv_resume_drops_the_document_whose_rows_were_torn(tmp_path: Path) -> None:
    out = tmp_path / "run.csv"
    doc = sample_document()
    two_events = doc.model_copy(
        update={
            "doc_id": "d2",
            "events": [doc.events[0], doc.events[0].model_copy(update={"id": "e2"})],
        }
    )
    with open_writer(out, "csv") as writer:
        writer.write(ok("d1", doc))
        writer.write(ok("d2", two_events))
    text = out.read_text()
    out.write_text(text[: text.rindex("d2:e2") + 20])  # killed inside d2's second row
    with open_writer(out, "csv", resume=True) as writer:
        assert writer.done == {"d1"}
        writer.write(ok("d2", two_events))
    ids = [r["event_id_cnty"] for r in csv.DictReader(out.read_text().splitlines())]
    assert ids == ["d1:e1", "d2:e1", "d2:e2"]


def test_stdout_csv_streams_header_once(tmp_path: Path) -> None:
    import io

    stream = io.StringIO()
    with open_writer(None, "csv", stream=stream) as writer:
        writer.write(ok("d1", sample_document()))
        writer.write(failed("d2"))
        writer.write(ok("d3", sample_document().model_copy(update={"doc_id": "d3"})))
    rows = list(csv.DictReader(stream.getvalue().splitlines()))
    assert [(r["event_id_cnty"], r["status"]) for r in rows] == [
        ("d1:e1", "ok"),
        ("", "error"),
        ("d3:e1", "ok"),
    ]
    empty = io.StringIO()
    with open_writer(None, "json", stream=empty):
        pass
    assert json.loads(empty.getvalue()) == []


@pytest.mark.parametrize("fmt", ["json", "csv", "jsonl"])
def test_records_are_committed_in_groups(tmp_path: Path, fmt: str) -> None:
    """A group is made durable (one fsync) when full, when old, and on close; records of
    a group not yet committed are not in the file, and what is there always parses."""

    def ids(text: str) -> list[str]:
        if fmt == "json":
            return [r["doc_id"] for r in json.loads(text)]
        if fmt == "csv":
            return [r["doc_id"] for r in csv.DictReader(text.splitlines())]
        return [json.loads(x)["doc_id"] for x in text.splitlines()]

    out = tmp_path / f"run.{fmt}"
    doc = sample_document()
    fsyncs: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        fsyncs.append(fd)
        real_fsync(fd)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "fsync", counting_fsync)
        writer = open_writer(out, fmt)
        writer.group_records, writer.group_seconds = 3, 3600.0
        created = len(fsyncs)  # the atomic creation of the empty file
        for n in range(1, 8):
            writer.write(ok(f"d{n}", doc.model_copy(update={"doc_id": f"d{n}"})))
            committed = [f"d{i}" for i in range(1, (n // 3) * 3 + 1)]
            assert ids(out.read_text(encoding="utf-8")) == committed
        assert len(fsyncs) - created == 2  # two full groups, one fsync each
        writer.group_seconds = 0.0  # the oldest buffered record is now overdue
        writer.commit_due()
        assert len(ids(out.read_text(encoding="utf-8"))) == 7
        writer.write(ok("d8", doc.model_copy(update={"doc_id": "d8"})))  # overdue at once
        assert len(ids(out.read_text(encoding="utf-8"))) == 8
        writer.group_seconds = 3600.0
        writer.write(ok("d9", doc.model_copy(update={"doc_id": "d9"})))
        writer.close()
    assert ids(out.read_text(encoding="utf-8")) == [f"d{i}" for i in range(1, 10)]


def test_a_failed_commit_is_retried_without_duplicating(tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    writer = open_writer(out, "jsonl")
    writer.write(ok("a"))
    real_fsync = os.fsync
    with pytest.MonkeyPatch.context() as mp:

        def full_disk(fd: int) -> None:
            raise OSError(28, "No space left on device")

        mp.setattr(os, "fsync", full_disk)
        with pytest.raises(OSError):
            writer.commit()
    assert os.fsync is real_fsync
    writer.write(ok("b"))
    writer.close()
    assert [json.loads(x)["doc_id"] for x in out.read_text().splitlines()] == ["a", "b"]
