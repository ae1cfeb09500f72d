"""Issue 16, item 8 (inputs and outputs): CSV traces and formulas, terminal-safe ids,
`export --texts` containment, UTF-16 input, bounded JSONL lines, the output format from
the extension, one-line exit-2 errors, file modes, the stdin header, `--strategy` and
`--arbiter` flags, and `config` showing what a run uses.

Every test here failed on the code before the fix (checked once against main); the
article texts are invented, for regression only.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from llm_extract import cli_run
from llm_extract.article import Article
from llm_extract.cli import app
from llm_extract.export.cli import register as register_export
from llm_extract.models import Document, ExtractionResult
from llm_extract.readers import BadInput, Reader, discover
from llm_extract.runner import BatchRun, RunSummary
from llm_extract.writers import open_writer
from tests.fakes import FakeBackend, fake_backend  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("fake_backend")
TRACE = ("doc_id", "status", "error")


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    res = CliRunner().invoke(app, ["run", "--backend", "fake", "--no-cache", *args], input=stdin)
    assert "Traceback" not in res.stderr
    return res.exit_code, res.stdout, res.stderr


def jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- CSV: a trace of every document, and no formulas -----------------------------------


def test_csv_has_a_row_for_failed_and_zero_event_documents(tmp_path: Path) -> None:
    batch = jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "good", "text": "Rebels shelled Salma. More text."},
            {"id": "will_fail", "text": "Troops entered Idlib. More text."},
        ],
    )
    out = tmp_path / "out.csv"
    assert run(str(batch), "-o", str(out))[0] == 1
    rows = csv_rows(out)
    assert sorted((r["doc_id"], r["status"], r["event_id_cnty"]) for r in rows) == [
        ("good", "ok", "good:e1"),
        ("will_fail", "error", ""),
    ]
    failed = next(r for r in rows if r["status"] == "error")
    assert failed["error"].startswith("transport: BackendUnreachableError: fake backend refuses")
    with open_writer(out, "csv", resume=True) as writer:  # a document with no events
        assert writer.done == {"good"}  # the failed one will run again
        writer.write(ExtractionResult(doc_id="quiet", document=Document(doc_id="quiet")))
    assert [(r["doc_id"], r["status"]) for r in csv_rows(out)] == [
        ("good", "ok"),
        ("quiet", "no_events"),
    ]
    with open_writer(out, "csv", resume=True) as writer:
        assert writer.done == {"good", "quiet"}  # no events is finished, not forgotten
    FakeBackend.calls.clear()
    code, _, _ = run(str(batch), "-o", str(out), "--resume")
    assert code == 1 and FakeBackend.calls == ["will_fail"]
    assert [(r["doc_id"], r["status"]) for r in csv_rows(out)] == [
        ("good", "ok"),
        ("quiet", "no_events"),
        ("will_fail", "error"),
    ]


def test_csv_cells_a_spreadsheet_would_run_are_quoted(tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://x.example","click")'
    batch = jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": evil, "text": "Rebels shelled Salma. More text.", "source": "@SUM(1+1)"},
            {"id": "+cmd", "text": "-2 killed in clashes. More text."},
            {"id": "\tx", "text": "Police arrested 40 protesters in Homs."},
        ],
    )
    out = tmp_path / "out.csv"
    code, _, err = run(str(batch), "-o", str(out))
    assert code == 0, err
    formula = ("=", "+", "-", "@", "\t", "\r")
    rows = csv_rows(out)
    bad = [(r["doc_id"], c, v) for r in rows for c, v in r.items() if v.startswith(formula)]
    assert bad == []
    by_id = {r["doc_id"]: r for r in rows}  # rows come in completion order
    assert sorted(by_id) == sorted([f"'{evil}", "'+cmd", "'\tx"])
    assert by_id[f"'{evil}"]["source"] == "'@SUM(1+1)"
    assert by_id["'+cmd"]["notes"] == "'-2 killed in clashes."
    # Negative numbers stay numbers, and resume reads the ids back unquoted.
    doc = Document.model_validate_json(
        next((Path(__file__).parents[1] / "seeds" / "gold").glob("*.gold.json")).read_text()
    )
    doc.events[0].location.longitude = -12.5
    with open_writer(out, "csv", resume=True) as writer:
        assert writer.done == {evil, "+cmd", "\tx"}
        writer.write(ExtractionResult(doc_id="west", document=doc))
    assert next(r for r in csv_rows(out) if r["doc_id"] == "west")["longitude"] == "-12.5"


# --- the terminal ---------------------------------------------------------------------


@pytest.mark.parametrize("quiet", [[], ["-q"], ["-v"]])
def test_escape_sequences_in_ids_never_reach_the_terminal_raw(
    tmp_path: Path, quiet: list[str]
) -> None:
    batch = jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "ok\x1b[2J\x1b]0;owned\x07", "text": "Rebels shelled Salma. More."},
            {"id": "fail\x1b[31m\u202ered\r", "text": "Troops entered Idlib. More."},
        ],
    )
    code, _, err = run(str(batch), "-o", str(tmp_path / "out.jsonl"), *quiet)
    assert code == 1
    assert not [c for c in err if c in "\x1b\x07\r\u202e"]
    assert "fail\\x1b[31m\\u202ered\\r" in err


# --- export --texts stays inside its folder --------------------------------------------


def test_export_texts_does_not_follow_dotdot_or_absolute_ids(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "inside.txt").write_text("INSIDE TEXT", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("SECRET OUTSIDE", encoding="utf-8")
    absolute = str(tmp_path / "secret")
    run_file = tmp_path / "run.jsonl"
    lines = [
        ExtractionResult(doc_id=d, document=Document(doc_id=d)).model_dump_json()
        for d in ("inside", "../secret", absolute)
    ]
    run_file.write_text("\n".join(lines) + "\n")
    export = typer.Typer()
    register_export(export)
    page = tmp_path / "page.html"
    res = CliRunner().invoke(
        export,
        ["export", str(run_file), "--format", "html", "--texts", str(texts), "-o", str(page)],
    )
    assert res.exit_code == 0, res.output
    html = page.read_text()
    assert "INSIDE TEXT" in html
    assert "SECRET OUTSIDE" not in html
    assert res.stderr.count("points outside") == 2


# --- reading ----------------------------------------------------------------------------


def test_utf16_and_utf32_text_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    text = "Rebels shelled Salma, a resident said: «ça brûle»."
    for codec in ("utf-16", "utf-16-be", "utf-32"):
        bom = {"utf-16-be": b"\xfe\xff"}.get(codec, b"")
        (tmp_path / f"{codec}.txt").write_bytes(bom + text.encode(codec))
    row = json.dumps({"id": "j1", "text": text}, ensure_ascii=False)
    (tmp_path / "batch.jsonl").write_bytes((row + "\n").encode("utf-16"))
    items = list(Reader().read(discover([tmp_path])))
    assert [(i.doc_id, isinstance(i, Article) and i.text) for i in items] == [
        ("j1", text),
        ("utf-16-be", text),
        ("utf-16", text),
        ("utf-32", text),
    ]


def test_a_huge_jsonl_line_is_refused_while_reading_not_after(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "a", "text": "Rebels shelled Salma."}) + "\n")
        handle.write('{"id": "huge", "text": "' + "x" * 30_000_000 + '"}\n')
        handle.write(json.dumps({"id": "c", "text": "Troops entered Idlib."}) + "\n")
    tracemalloc.start()
    try:
        items = list(Reader(max_bytes=100_000).read([str(path)]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB: the long line was held whole"
    assert [(i.doc_id, type(i).__name__) for i in items] == [
        ("a", "Article"),
        ("huge", "BadInput"),
        ("c", "Article"),
    ]
    bad = items[1]
    assert isinstance(bad, BadInput) and bad.path.endswith("big.jsonl:2")
    assert "100000-byte limit" in bad.reason
    # stdin too
    stream = io.BytesIO(path.read_bytes())
    got = [(i.doc_id, type(i).__name__) for i in Reader(max_bytes=100_000, stdin=stream).read("-")]
    assert got == [("a", "Article"), ("huge", "BadInput"), ("c", "Article")]


def test_stdin_header_does_not_claim_zero_documents() -> None:
    code, _, err = run("-", stdin="Troops entered Salma. Then they left.")
    assert code == 0
    assert "0 documents" not in err
    assert "from stdin" in err and "[1]" in err


# --- the output -------------------------------------------------------------------------


@pytest.mark.parametrize("suffix, first", [(".csv", "event_id_cnty,"), (".json", "[")])
def test_output_format_follows_the_extension(tmp_path: Path, suffix: str, first: str) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "d.txt").write_text("Rebels shelled Salma. More text.")
    out = tmp_path / f"out{suffix}"
    assert run(str(corpus), "-o", str(out))[0] == 0
    assert out.read_text().startswith(first)
    help_text = CliRunner().invoke(app, ["run", "--help"]).stdout
    assert "extension" in help_text


def test_unwritable_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "d.txt").write_text("Rebels shelled Salma. More text.")
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    code, _, err = run(str(corpus), "-o", str(blocker / "out.jsonl"))
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith("error: cannot write") and "is a file, not a folder" in line
    code, _, err = run(str(corpus), "-o", "/proc/version/x.jsonl")  # even root cannot
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith("error: cannot write")


def test_a_write_failing_mid_run_is_exit_2_and_keeps_what_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llm_extract import writers

    corpus = tmp_path / "in"
    corpus.mkdir()
    for n in range(4):
        (corpus / f"d{n}.txt").write_text(f"Rebels shelled village {n}. More text.")
    real = writers.DurableFile.append
    calls = []

    def append(self: writers.DurableFile, text: str) -> None:
        calls.append(text)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(self, text)

    monkeypatch.setattr(writers.DurableFile, "append", append)
    out = tmp_path / "out.jsonl"
    code, _, err = run(str(corpus), "-o", str(out), "-q", "--concurrency", "1")
    assert code == 2
    (line,) = err.splitlines()
    assert "No space left on device" in line and "--resume" in line
    assert len(out.read_text().splitlines()) == 2
    monkeypatch.setattr(writers.DurableFile, "append", real)
    assert run(str(corpus), "-o", str(out), "-q", "--resume")[0] == 0
    assert len(out.read_text().splitlines()) == 4


def test_broken_config_file_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "llm-extract.toml"
    config.write_text('backend = "openai"\nmodel = \n')
    monkeypatch.setenv("LLM_EXTRACT_CONFIG", str(config))
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "d.txt").write_text("Rebels shelled Salma.")
    commands = (
        ["run", str(corpus)],
        ["config"],
        ["prompts", "show", str(corpus / "d.txt")],
        ["cache", "stats"],
        ["logs"],
    )
    for argv in commands:
        res = CliRunner().invoke(app, argv)
        assert res.exit_code == 2, (argv, res.output)
        (line,) = res.stderr.splitlines()
        assert line.startswith("error: ") and "not valid TOML" in line and str(config) in line


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask")
def test_outputs_follow_the_umask_like_the_run_log(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "d.txt").write_text("Rebels shelled Salma. More text.")
    for mask, fmt in ((0o022, "jsonl"), (0o077, "csv"), (0o027, "json")):
        os.umask(mask)
        out = tmp_path / f"out-{mask:o}.{fmt}"
        assert run(str(corpus), "-o", str(out))[0] == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask, fmt
        log = tmp_path / f"log-{mask:o}.sqlite3"
        from llm_extract.runlog import RunLog

        RunLog(log).close()
        assert stat.S_IMODE(log.stat().st_mode) == stat.S_IMODE(out.stat().st_mode)
    os.umask(0o022)
    out = tmp_path / "out-22.jsonl"
    out.chmod(0o640)  # a rerun keeps the mode the user chose
    assert run(str(corpus), "-o", str(out), "--resume")[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


# --- run flags and config ---------------------------------------------------------------


def test_strategy_and_arbiter_are_run_flags(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[tuple[str | None, str]] = []

    class Spy(BatchRun):
        def run(self) -> RunSummary:
            seen.append((self.settings.strategy, self.settings.arbiter))
            return super().run()

    monkeypatch.setattr(cli_run, "BatchRun", Spy)
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "d.txt").write_text("Rebels shelled Salma. More text.")
    code, _, err = run(str(corpus), "--strategy", "sentences", "--arbiter", "model", "-q")
    assert code == 0, err
    assert seen == [("sentences", "model")]
    code, _, err = run(str(corpus), "--arbiter", "nobody")
    assert code == 2 and "nobody" in err


def test_config_shows_what_a_run_uses_and_masks_url_passwords(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    res = CliRunner().invoke(app, ["config"])
    assert res.exit_code == 0, res.output
    shown = json.loads(res.stdout)
    assert shown["model"] and shown["prompt"] == "sentence_v1"  # the embedded defaults
    assert shown["strategy"] == "sentences"
    monkeypatch.setenv("LLM_EXTRACT_BACKEND", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-shown-123")
    monkeypatch.setenv("LLM_EXTRACT_BASE_URL", "https://alice:hunter2-pass@proxy.example/v1")
    res = CliRunner().invoke(app, ["config"])
    assert res.exit_code == 0, res.output
    shown = json.loads(res.stdout)
    assert "hunter2" not in res.stdout and "sk-not-shown" not in res.stdout
    assert shown["base_url"] == "https://alice:***@proxy.example/v1"
    assert (shown["model"], shown["prompt"], shown["strategy"]) == (
        "gpt-4o-mini",
        "extract_v1",
        "single",
    )
    assert shown["api_key"] == "***set***" and shown["api_key_env"] == "OPENAI_API_KEY"
