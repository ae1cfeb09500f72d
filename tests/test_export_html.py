"""HTML review page: highlighted evidence, escaped text, offline, and a real browser look."""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from llm_extract.export import build_review_page
from llm_extract.models import Document, ExtractionResult

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "seeds" / "gold"
SCRIPT = ROOT / "scripts" / "screenshot_review.sh"


def _gold() -> tuple[list[Document], dict[str, str]]:
    docs = [
        Document.model_validate_json(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.gold.json"))
    ]
    texts = {d.doc_id: (ROOT / "seeds" / f"{d.doc_id}.txt").read_text("utf-8") for d in docs}
    return docs, texts


def _data(page: str) -> dict[str, object]:
    m = re.search(r'<script type="application/json" id="review-data">(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def _highlighted(page: str, rid: str) -> str:
    """The text inside every highlight carrying record `rid`, joined."""
    parts = re.findall(rf'<span class="[^"]*" data-r="[^"]*\b{rid}\b[^"]*">(.*?)</span>', page)
    return htmllib.unescape("".join(parts))


def test_gold_evidence_is_highlighted_by_type() -> None:
    docs, texts = _gold()
    page = build_review_page(docs, texts)
    shown = _highlighted(page, "r0-e3")
    assert "Twenty-one civilians were killed in" in shown
    assert re.search(r'<span class="cas ev hl t-explosions" data-r="r0-e3 r0-c1">Twenty', page)
    battle = _highlighted(page, "r0-e1")
    assert battle.startswith("Syrian regime troops and allied militias on Tuesday")
    assert re.search(r'class="[^"]*\bcas\b[^"]*" data-r="[^"]*r0-c1', page)
    assert re.search(r'class="[^"]*\bact\b[^"]*" data-r="[^"]*r1-a1', page)


def test_page_text_equals_the_article_text() -> None:
    docs, texts = _gold()
    page = build_review_page(docs, texts)
    for i, doc in enumerate(docs):
        m = re.search(
            rf'<section class="doc" id="doc{i}">.*?<div class="text">(.*?)</div></section>',
            page,
            re.S,
        )
        assert m is not None
        assert htmllib.unescape(re.sub(r"<[^>]+>", "", m.group(1))) == texts[doc.doc_id]


def test_merged_events_link_to_each_other() -> None:
    docs, texts = _gold()
    data = _data(build_review_page(docs, texts))
    records = data["records"]
    assert isinstance(records, dict)
    group = records["r0-e2"]["group"]
    assert group is not None and records["r1-e3"]["group"] == group
    assert data["groups"] == {group: ["r0-e2", "r1-e3"]}
    assert records["r0-e1"]["group"] is None


def test_script_in_article_text_is_escaped() -> None:
    text = 'Attackers wrote <script>alert("x")</script> & fled; a strike killed 3 people.'
    doc = Document.model_validate(
        {
            "doc_id": "evil</script><script>alert(1)</script>",
            "events": [
                {
                    "id": "e1",
                    "event_type": "Explosions/Remote violence",
                    "sub_event_type": "Air/drone strike",
                    "evidence": ['<script>alert("x")</script> & fled; a strike killed 3 people.'],
                    "location": {"name": "<img src=x onerror=alert(1)>"},
                }
            ],
        }
    )
    page = build_review_page([doc], {doc.doc_id: text})
    assert "<script>alert" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page or (
        '&lt;script&gt;alert("x")&lt;/script&gt;' in page
    )
    assert page.count("<script") == 2  # the data block and the page's own code
    assert _data(page)["records"]["r0-e1"]["fields"]["location"]["name"] == (  # type: ignore[index]
        "<img src=x onerror=alert(1)>"
    )
    assert _highlighted(page, "r0-e1").startswith('<script>alert("x")</script> & fled')


def test_no_external_resources() -> None:
    docs, texts = _gold()
    page = build_review_page(docs, texts)
    assert not re.search(r"<(link|img|iframe)\b", page)
    assert not re.search(r"\b(src|href)=", page)
    assert "url(" not in page and "@import" not in page
    assert "default-src 'none'" in page  # the browser itself refuses any fetch


def test_record_spans_are_used_when_present() -> None:
    text = "A strike hit Salma. Later, a strike hit Salma."
    doc = Document.model_validate(
        {
            "doc_id": "d",
            "events": [
                {
                    "id": "e1",
                    "event_type": "Explosions/Remote violence",
                    "sub_event_type": "Air/drone strike",
                    "evidence": ["a strike hit Salma."],
                    "spans": [
                        {"quote": "a strike hit Salma.", "start": 27, "end": 46, "status": "exact"}
                    ],
                }
            ],
        }
    )
    page = build_review_page(
        [ExtractionResult(doc_id="d", document=doc, warnings=["w1"])], {"d": text}
    )
    assert re.search(
        r'Later, <span class="ev hl t-explosions" data-r="r0-e1">a strike hit Salma\.</span>', page
    )
    assert "1 warnings" in page


def test_missing_text_is_said() -> None:
    docs, _ = _gold()
    page = build_review_page(docs, {})
    assert page.count("Article text not available") == 2


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_page_renders_offline_in_headless_chromium(tmp_path: Path) -> None:
    """(c) the gold review page opens from file:// with no network and draws highlights."""
    docs, texts = _gold()
    page = tmp_path / "review.html"
    page.write_text(build_review_page(docs, texts, title="Gold review"), encoding="utf-8")
    png = tmp_path / "review.png"
    done = subprocess.run(
        [str(SCRIPT), str(page), str(png)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 900)
    assert len(data) > 40_000  # a blank page is ~6 kB; text and highlights are far more


def test_every_mention_of_an_actor_is_boxed_not_only_the_first() -> None:
    text = "Rebels shelled Salma. The rebels later withdrew, and REBELS returned."
    doc = Document.model_validate(
        {
            "doc_id": "d",
            "actors": [
                {
                    "id": "a1",
                    "name": "Syrian rebel groups",
                    "mentions": ["Rebels"],
                    "actor_type": "rebel_group",
                    "spans": [{"quote": "Rebels", "start": 0, "end": 6, "status": "exact"}],
                }
            ],
        }
    )
    page = build_review_page([ExtractionResult(doc_id="d", document=doc)], {"d": text})
    every = [[m.start(), m.end()] for m in re.finditer("(?i)rebels", text)]
    assert len(every) == 3
    assert _data(page)["records"]["r0-a1"]["spans"] == every  # type: ignore[index]
    assert _highlighted(page, "r0-a1") == "RebelsrebelsREBELS"
