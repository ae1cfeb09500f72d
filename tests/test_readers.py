"""Input stage: what becomes an article, and what becomes a per-document input error."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from llm_extract.article import Article, make_doc_id
from llm_extract.readers import BadInput, Reader, discover, html_to_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def read(paths: list[str | Path], **kw: object) -> list[Article | BadInput]:
    return list(Reader(**kw).read(discover(paths)))  # type: ignore[arg-type]


def test_seed_folder_yields_articles_and_skips_gold_links_and_markdown() -> None:
    found = discover([SEEDS])
    names = sorted(Path(p).name for p in found)
    assert names == ["000_4c7802ff51b8819f.txt", "003_083b7cf5f0b80020.txt"]


def test_folder_walk_is_recursive_and_honours_globs(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text("Deep text.")
    (tmp_path / "page.html").write_text("<p>Page.</p>")
    (tmp_path / "notes.md").write_text("# not an article")
    (tmp_path / "x.gold.json").write_text("{}")
    (tmp_path / "links.json").write_text("[]")
    (tmp_path / "other.dat").write_text("not matched")
    assert sorted(Path(p).name for p in discover([tmp_path])) == ["deep.txt", "page.html"]
    assert [Path(p).name for p in discover([tmp_path], ["*.dat"])] == ["other.dat"]


def test_txt_takes_id_from_stem_and_date_from_sidecar_over_option(tmp_path: Path) -> None:
    (tmp_path / "story1.txt").write_text("Troops entered the town.", encoding="utf-8")
    (tmp_path / "story1.meta.json").write_text(
        json.dumps({"published": "2016-01-13", "source": "AFP", "url": "https://x.example"})
    )
    (tmp_path / "story2.txt").write_text("Protesters gathered.", encoding="utf-8")
    items = read([tmp_path], published=dt.date(2020, 5, 1))
    by_id = {i.doc_id: i for i in items}
    assert isinstance(by_id["story1"], Article)
    assert by_id["story1"].published == dt.date(2016, 1, 13)
    assert by_id["story1"].source == "AFP"
    assert by_id["story1"].url == "https://x.example"
    assert by_id["story2"].published == dt.date(2020, 5, 1)  # type: ignore[union-attr]


def test_html_is_reduced_to_visible_text() -> None:
    html = (
        "<html><head><title>T</title><style>p{color:red}</style>"
        "<script>var x = 'airstrike';</script></head>"
        "<body><p>Shelling hit &amp; damaged Salma.</p><p>Two   were killed.</p></body></html>"
    )
    text = html_to_text(html)
    assert "Shelling hit & damaged Salma." in text
    assert "Two were killed." in text
    assert "airstrike" not in text
    assert "color" not in text


def test_bad_files_become_input_errors_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 bombed".encode("latin-1"))
    (tmp_path / "big.txt").write_text("x" * 200)
    (tmp_path / "fine.txt").write_text("Fine text.")
    missing = tmp_path / "nope.txt"
    items = read([tmp_path, missing], max_bytes=100)
    bad = {i.doc_id: i.reason for i in items if isinstance(i, BadInput)}
    assert set(bad) == {"empty", "binary", "latin", "big", "nope"}
    assert "empty" in bad["empty"]
    assert "binary" in bad["binary"]
    assert "not UTF-8" in bad["latin"]
    assert "100-byte limit" in bad["big"]
    assert "no such file" in bad["nope"]
    assert [i.doc_id for i in items if isinstance(i, Article)] == ["fine"]


def test_jsonl_articles_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "j1", "text": "Clashes erupted.", "published": "2016-01-12"}),
        "",
        "{not json",
        json.dumps({"id": "j3", "text": ""}),
        json.dumps({"doc_id": "j4", "text": "Another.", "source": "Reuters"}),
        json.dumps({"id": "j5", "text": "Bad date.", "published": "last week"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items = read([path])
    articles = [i for i in items if isinstance(i, Article)]
    bad = {i.doc_id: i for i in items if isinstance(i, BadInput)}
    assert [(a.doc_id, a.published, a.source) for a in articles] == [
        ("j1", dt.date(2016, 1, 12), None),
        ("j4", None, "Reuters"),
    ]
    assert set(bad) == {"batch:3", "j3", "j5"}
    assert bad["batch:3"].path.endswith("batch.jsonl:3")
    assert "not JSON" in bad["batch:3"].reason
    assert "YYYY-MM-DD" in bad["j5"].reason


def test_stdin_text_gets_a_content_id_and_jsonl_stdin_is_split() -> None:
    text = "Rebels shelled the market."
    (item,) = list(Reader(stdin=io.BytesIO(text.encode())).read(["-"]))
    assert isinstance(item, Article)
    assert item.doc_id == make_doc_id(text)
    lines = b'{"id": "s1", "text": "One."}\n{"id": "s2", "text": "Two."}\n'
    ids = [i.doc_id for i in Reader(stdin=io.BytesIO(lines)).read(["-"])]
    assert ids == ["s1", "s2"]


def test_explicit_gold_file_is_not_read_as_an_article() -> None:
    gold = next((SEEDS / "gold").glob("*.gold.json"))
    assert discover([gold]) == []
