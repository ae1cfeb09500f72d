"""`llm-extract review` without a browser: the page's rows and flags, the import to gold,
reopening a review, and the run carrying its own text. The browser loop is in
test_review_browser.py.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from llm_extract.evaluate.loading import load_gold_dir
from llm_extract.evaluate.metrics import evaluate
from llm_extract.extract import Extractor
from llm_extract.models import Document, ExtractionResult
from llm_extract.review import ReviewDoc, load_review_input, render_review_page
from llm_extract.review.cli import register
from llm_extract.settings import Settings
from tests.conftest import SEEDS

GOLD = SEEDS / "gold"


def _invoke(*args: str) -> Any:
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    return CliRunner().invoke(app, ["review", *args])


def _gold_docs() -> list[Document]:
    return [
        Document.model_validate_json(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.gold.json"))
    ]


def _run_file(tmp_path: Path, results: list[ExtractionResult]) -> Path:
    run = tmp_path / "run.jsonl"
    run.write_text("".join(r.model_dump_json() + "\n" for r in results), encoding="utf-8")
    return run


def _seed_run(tmp_path: Path) -> Path:
    """The gold documents as a run whose lines carry their article text."""
    return _run_file(
        tmp_path,
        [
            ExtractionResult(
                doc_id=d.doc_id, document=d, text=(SEEDS / f"{d.doc_id}.txt").read_text("utf-8")
            )
            for d in _gold_docs()
        ],
    )


def _page_data(page: str) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="review-data">(.*?)</script>', page, re.S
    )
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_one_table_row_per_event_each_linked_to_its_highlight(tmp_path: Path) -> None:
    page_file = tmp_path / "review.html"
    result = _invoke(str(_seed_run(tmp_path)), "-o", str(page_file))
    assert result.exit_code == 0, result.output
    page = page_file.read_text("utf-8")
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r'<tr data-r="([^"]+)"', body)
    docs = _gold_docs()
    expected = [f"d{i}-e-{e.id}" for i, d in enumerate(docs) for e in d.events]
    assert rows == expected
    unlinked = [
        rid
        for rid in rows
        if not re.search(rf'class="[^"]*\bhl\b[^"]*" data-r="[^"]*\b{rid}\b', page)
    ]
    assert unlinked == []  # every event's evidence is highlighted with its row's id
    assert "Article text not available" not in page  # the run carried its text


def test_flags_dropped_and_background_figures_are_visible() -> None:
    text = "Jets struck Salma on Monday, killing 4. The war has killed 260000 people since 2011."
    doc = Document.model_validate(
        {
            "doc_id": "d1",
            "published": "2016-01-12",
            "events": [
                {
                    "id": "e1",
                    "event_type": "Explosions/Remote violence",
                    "sub_event_type": "Air/drone strike",
                    "location": {"name": "Salma"},
                    "evidence": ["Jets struck Salma on Monday, killing 4."],
                    "flags": ["disputed: model read Armed clash; code wins", "model_only"],
                }
            ],
            "casualties": [
                {
                    "id": "c1",
                    "outcome": "killed",
                    "count": {"low": 260000, "best": 260000, "text": "260000"},
                    "evidence": "The war has killed 260000 people since 2011.",
                    "optional": True,
                },
                {"id": "c2", "outcome": "killed", "count": {"best": 4, "text": "4"}},
            ],
        }
    )
    result = ExtractionResult(doc_id="d1", document=doc, text=text, dropped=3)
    page = render_review_page([ReviewDoc.from_result(result)])
    row = page.split('<tr data-r="d0-e-e1"', 1)[1].split("</tr>", 1)[0]
    assert ">disputed<" in row and ">model only<" in row
    assert "3 dropped" in page
    chips = re.findall(r'<button type="button" class="chip cas[^"]*"[^>]*>(.*?)</button>', page)
    assert "background" in chips[0] and "no event" in chips[1]
    assert re.search(r"<b>1</b> disputed · <b>1</b> model only · <b>0</b> ungrounded", page)


def test_page_is_one_offline_file_and_escapes_the_text(tmp_path: Path) -> None:
    hostile = 'Rebels said </script><script>alert("x")</script> & <b>more</b>.'
    result = ExtractionResult(doc_id="x", document=Document(doc_id="x"), text=hostile)
    page = render_review_page([ReviewDoc.from_result(result)])
    assert 'alert("x")</script>' not in page.split('id="review-data"', 1)[0]
    assert htmllib.escape(hostile, quote=False) in page
    assert _page_data(page)["docs"][0]["text"] == hostile
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page and "default-src 'none'" in page
    assert page.count("<script") == 2  # the data and the inline script, nothing fetched


def test_import_writes_gold_that_eval_loads_and_scores_one(tmp_path: Path) -> None:
    docs = _gold_docs()
    texts = {d.doc_id: (SEEDS / f"{d.doc_id}.txt").read_text("utf-8") for d in docs}
    exported = []
    for d in docs:
        data = d.model_dump(mode="json")
        rejected = data["events"].pop()
        for c in data["casualties"]:
            if c["event"] == rejected["id"]:
                c["event"] = None
        data["review"] = {
            "version": 1,
            "status": "reviewed",
            "decisions": {"events": {rejected["id"]: "rejected"}},
            "rejected": {"events": [rejected]},
        }
        exported.append(data)
    bundle = {"format": "llm-extract-review", "version": 1, "documents": exported, "texts": texts}
    export = tmp_path / "review-export.json"
    export.write_text(json.dumps(bundle), encoding="utf-8")
    out = tmp_path / "gold"
    result = _invoke("import", str(export), "-o", str(out))
    assert result.exit_code == 0, result.output
    gold, issues, gold_texts = load_gold_dir(out)
    assert issues == [] and gold_texts == texts
    report = evaluate(gold, gold, gold_texts)
    assert [report.metrics[f"{k}.f1"] for k in ("events", "actors", "casualties")] == [1, 1, 1]
    assert all(
        g.model_extra and g.model_extra["review"]["status"] == "reviewed" for g in gold.values()
    )

    # Reopening the gold folder shows the kept events and the rejected one, marked so.
    reopened, problems = load_review_input(out)
    assert problems == []
    data = _page_data(render_review_page(reopened))
    statuses = [[i["status"] for i in d["records"]["events"]] for d in data["docs"]]
    assert statuses == [["pending"] * (len(d.events) - 1) + ["rejected"] for d in docs]


def test_import_never_overwrites_a_different_file_unless_forced(tmp_path: Path) -> None:
    doc = _gold_docs()[0]
    text = (SEEDS / f"{doc.doc_id}.txt").read_text("utf-8")

    def export(source: str) -> Path:
        data = doc.model_dump(mode="json")
        data["source"] = source
        path = tmp_path / f"{source}.json"
        bundle = {"format": "llm-extract-review", "version": 1, "documents": [data]}
        path.write_text(json.dumps({**bundle, "texts": {doc.doc_id: text}}), encoding="utf-8")
        return path

    out = tmp_path / "gold"
    assert _invoke("import", str(export("first")), "-o", str(out)).exit_code == 0
    again = _invoke("import", str(export("second")), "-o", str(out))
    assert again.exit_code == 1 and "--force" in again.output
    gold_file = out / f"{doc.doc_id}.gold.json"
    assert json.loads(gold_file.read_text("utf-8"))["source"] == "first"
    forced = _invoke("import", str(export("second")), "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert json.loads(gold_file.read_text("utf-8"))["source"] == "second"


def test_one_bad_document_does_not_stop_the_import(tmp_path: Path) -> None:
    good = _gold_docs()[0].model_dump(mode="json")
    bad = {
        "doc_id": "bad",
        "events": [{"id": "e1", "event_type": "Protests", "sub_event_type": "Air/drone strike"}],
    }
    unsafe = {"doc_id": "../escape"}
    bundle = {"format": "llm-extract-review", "version": 1, "documents": [bad, good, unsafe]}
    export = tmp_path / "export.json"
    export.write_text(json.dumps(bundle), encoding="utf-8")
    out = tmp_path / "gold"
    result = _invoke("import", str(export), "-o", str(out))
    assert result.exit_code == 1
    assert "documents[0]" in result.output and "documents[2]" in result.output
    assert sorted(p.name for p in out.iterdir()) == [f"{good['doc_id']}.gold.json"]
    assert not (tmp_path / "escape.gold.json").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _invoke(str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x.html")).exit_code == 2
    assert _invoke("import", "-o", str(tmp_path / "g")).exit_code == 2
    not_export = tmp_path / "other.json"
    not_export.write_text('{"format": "something-else"}', encoding="utf-8")
    assert _invoke("import", str(not_export), "-o", str(tmp_path / "g")).exit_code == 2


def test_failed_document_is_shown_with_its_text_to_annotate(tmp_path: Path) -> None:
    failed = ExtractionResult.model_validate(
        {
            "doc_id": "f1",
            "status": "error",
            "error": {"stage": "model", "type": "Timeout", "message": "no answer"},
            "text": "Gunmen attacked a village.",
        }
    )
    page_file = tmp_path / "p.html"
    result = _invoke(str(_run_file(tmp_path, [failed])), "-o", str(page_file))
    assert result.exit_code == 0, result.output
    page = page_file.read_text("utf-8")
    assert "Extraction failed: model: no answer" in page
    assert '<div class="text" data-doc="0">Gunmen attacked a village.</div>' in page


def test_include_text_puts_the_article_in_the_result_only_when_asked() -> None:
    text = (SEEDS / "000_4c7802ff51b8819f.txt").read_text("utf-8")
    for include in (True, False):
        settings = Settings(backend="rules", include_text=include, cache=False, runlog=False)
        with Extractor(settings) as extractor:
            result = extractor.extract(text, published="2016-01-13", doc_id="s")
        assert result.text == (text if include else None)
        assert ("text" in json.loads(result.model_dump_json())) is include


def test_run_include_text_then_review_needs_no_texts_folder(tmp_path: Path) -> None:
    from llm_extract.cli import app

    out = tmp_path / "run.jsonl"
    args = ["run", str(SEEDS), "--glob", "*.txt", "--backend", "rules", "--no-cache", "-q"]
    result = CliRunner().invoke(app, [*args, "--include-text", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {r["doc_id"]: r["text"] for r in lines} == {
        p.stem: p.read_text("utf-8") for p in SEEDS.glob("*.txt")
    }
    page = tmp_path / "review.html"
    result = CliRunner().invoke(app, ["review", str(out), "-o", str(page)])
    assert result.exit_code == 0, result.output
    assert "Article text not available" not in page.read_text("utf-8")
