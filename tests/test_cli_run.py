"""`llm-extract run` and friends through Typer's CliRunner, against the fake backend."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import logging
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from llm_extract import __version__
from llm_extract.acled import ACLED_COLUMNS
from llm_extract.cli import RichProgress, app, build_settings
from llm_extract.context import RateLimiter
from llm_extract.drafters.sentences import questions
from llm_extract.models import ExtractionResult
from llm_extract.prompts import load_template
from llm_extract.runner import RunSummary
from llm_extract.schemas import SCHEMA_TYPES, generate_schemas
from tests.fakes import FakeBackend, fake_backend  # noqa: F401 - fixture

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SENTENCES = [
    "Government troops killed 12 fighters near Salma on Tuesday.",
    "Rebels shelled the market in Latakia.",
    "Police arrested 40 protesters in the capital.",
]

pytestmark = pytest.mark.usefixtures("fake_backend")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for n, sentence in enumerate(SENTENCES):
        (folder / f"doc{n}.txt").write_text(sentence + " More text follows.", encoding="utf-8")
    return folder


def results(path: Path) -> list[ExtractionResult]:
    return [ExtractionResult.model_validate_json(x) for x in path.read_text().splitlines()]


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    res = runner.invoke(app, ["run", "--backend", "fake", "--no-cache", *args], input=stdin)
    return res.exit_code, res.stdout, res.stderr


def test_all_ok_exits_0_with_one_line_per_document(
    runner: CliRunner, corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    code, _, err = run(runner, str(corpus), "-o", str(out), "--published", "2016-01-13")
    assert code == 0, err
    got = {r.doc_id: r for r in results(out)}
    assert sorted(got) == ["doc0", "doc1", "doc2"]
    assert all(r.ok and r.provenance and r.provenance.backend == "fake" for r in got.values())
    assert got["doc0"].events[0].evidence == [SENTENCES[0]]
    assert got["doc0"].casualties[0].count.best == 12
    assert got["doc0"].document and got["doc0"].document.published == dt.date(2016, 1, 13)
    assert "documents" in err and "events" in err and "tokens" in err


def test_failures_exit_1_are_error_records_and_listed(
    runner: CliRunner, corpus: Path, tmp_path: Path
) -> None:
    (corpus / "will_fail.txt").write_text("Clashes erupted.")
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    out = tmp_path / "out.jsonl"
    code, _, err = run(runner, str(corpus), "-o", str(out))
    assert code == 1
    by_id = {r.doc_id: r for r in results(out)}
    assert len(by_id) == 6
    assert by_id["will_fail"].error and by_id["will_fail"].error.stage == "transport"
    assert by_id["empty"].error and by_id["empty"].error.stage == "input"
    assert "empty file" in by_id["empty"].error.message
    assert by_id["binary"].error and "binary" in by_id["binary"].error.message
    assert sorted(r.doc_id for r in by_id.values() if r.ok) == ["doc0", "doc1", "doc2"]
    for doc_id in ("will_fail", "empty", "binary"):
        assert doc_id in err
    assert "fake backend refuses" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["nowhere_dir_that_is_empty"], "no input"),
        (["{corpus}", "--backend", "no-such-backend"], "unknown backend"),
        (["{corpus}", "--concurrency", "0"], "concurrency"),
        (["{corpus}", "--published", "13/01/2016"], "YYYY-MM-DD"),
        (["{corpus}", "--resume"], "--resume needs"),
        (["{corpus}", "-o", "never-written.jsonl", "--resume", "--overwrite"], "are exclusive"),
        (["{corpus}", "--format", "xml"], ""),
        (["{corpus}", "--rpm", "0"], "--rpm"),
    ],
)
def test_usage_and_configuration_errors_exit_2(
    runner: CliRunner, corpus: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    empty = tmp_path / "nowhere_dir_that_is_empty"
    empty.mkdir()
    argv = [a.replace("{corpus}", str(corpus)) for a in args]
    argv = [str(empty) if a == "nowhere_dir_that_is_empty" else a for a in argv]
    res = runner.invoke(app, ["run", "--backend", "fake", *argv])
    assert res.exit_code == 2, res.output
    assert message in res.stderr


def test_csv_output_uses_acled_columns(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, _, err = run(runner, str(corpus), "-o", str(out), "--format", "csv")
    assert code == 0, err
    with out.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == [*ACLED_COLUMNS, "doc_id", "status", "error"]
    by_doc = {r["event_id_cnty"].split(":")[0]: r for r in rows}
    assert sorted(by_doc) == ["doc0", "doc1", "doc2"]
    assert by_doc["doc0"]["notes"] == SENTENCES[0]
    assert by_doc["doc0"]["event_type"] == "Battles"
    assert by_doc["doc0"]["actor1"].startswith("Government")  # canonical name via alias table
    assert by_doc["doc0"]["inter1"] == "1"
    assert by_doc["doc0"]["interaction"] == "10"


def test_json_output_to_stdout_is_one_array(runner: CliRunner, corpus: Path) -> None:
    code, out, _ = run(runner, str(corpus), "--format", "json", "--quiet")
    assert code == 0
    assert sorted(r["doc_id"] for r in json.loads(out)) == ["doc0", "doc1", "doc2"]


def test_resume_skips_ok_documents_and_retries_errors(
    runner: CliRunner, corpus: Path, tmp_path: Path
) -> None:
    (corpus / "flaky_fail.txt").write_text("Militants attacked a checkpoint.")
    out = tmp_path / "out.jsonl"
    assert run(runner, str(corpus), "-o", str(out))[0] == 1
    FakeBackend.calls.clear()
    FakeBackend.fail_marker = None  # the server is back
    code, _, err = run(runner, str(corpus), "-o", str(out), "--resume")
    assert code == 0, err
    assert FakeBackend.calls == ["flaky_fail"]  # finished documents were not asked again
    final = results(out)
    assert sorted(r.doc_id for r in final) == ["doc0", "doc1", "doc2", "flaky_fail"]
    assert all(r.ok for r in final)
    assert "already done" in err


def test_stdin_input(runner: CliRunner) -> None:
    code, out, _ = run(runner, "-", "--quiet", stdin="Troops entered Salma. Then left.")
    assert code == 0
    (line,) = out.splitlines()
    result = ExtractionResult.model_validate_json(line)
    assert result.doc_id.startswith("doc_")
    assert result.events[0].evidence == ["Troops entered Salma."]


def test_quiet_prints_nothing_on_success_and_failures_on_failure(
    runner: CliRunner, corpus: Path, tmp_path: Path
) -> None:
    code, _, err = run(runner, str(corpus), "-o", str(tmp_path / "a.jsonl"), "--quiet")
    assert (code, err) == (0, "")
    (corpus / "x_fail.txt").write_text("Clashes.")
    code, _, err = run(runner, str(corpus), "-o", str(tmp_path / "b.jsonl"), "--quiet")
    assert code == 1
    assert err.strip().startswith("failed: x_fail")


def test_plain_progress_lines_and_verbose(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    code, _, err = run(runner, str(corpus), "-o", str(tmp_path / "o.jsonl"), "--verbose")
    assert code == 0
    assert "[3/3]" in err and "ok: 1 events" in err


def test_settings_take_only_given_options_so_env_still_applies(
    monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    monkeypatch.setenv("LLM_EXTRACT_MODEL", "env-model")
    monkeypatch.setenv("LLM_EXTRACT_CONCURRENCY", "7")
    monkeypatch.setenv("LLM_EXTRACT_API_KEY_ENV", "MY_TEST_KEY")
    monkeypatch.setenv("MY_TEST_KEY", "sk-very-secret")
    res = runner.invoke(app, ["config"])
    assert res.exit_code == 0
    shown = json.loads(res.stdout)
    assert shown["model"] == "env-model" and shown["concurrency"] == 7
    assert shown["api_key"] == "***set***"
    assert "sk-very-secret" not in res.stdout


def test_config_rejects_bad_environment(monkeypatch: pytest.MonkeyPatch, runner: CliRunner) -> None:
    monkeypatch.setenv("LLM_EXTRACT_CONCURRENCY", "zero")
    res = runner.invoke(app, ["config"])
    assert res.exit_code == 2
    assert "concurrency" in res.stderr


def test_rate_limiter_spaces_requests() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(60, clock=lambda: now[0], sleep=sleep)

    async def three() -> None:
        for _ in range(3):
            await limiter.acquire()

    asyncio.run(three())
    assert slept == [1.0, 1.0]


def test_rich_progress_shows_counts() -> None:
    buffer = io.StringIO()
    progress = RichProgress(Console(file=buffer, force_terminal=True, width=200))
    summary = RunSummary(total=2)
    progress.started(summary)
    summary.add(ExtractionResult(doc_id="d", cached=True))
    progress.finished_one(ExtractionResult(doc_id="d", cached=True), summary)
    progress.stop()
    text = buffer.getvalue()
    assert "1/2" in text and "1 cached" in text and "records" in text


def test_schema_prints_and_writes(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    printed = json.loads(res.stdout)
    assert set(printed) == {"Event", "Actor", "Casualty", "Document", "ExtractionResult", "Draft"}
    assert printed == generate_schemas()
    assert "doc_id" in printed["Document"]["required"]
    res = runner.invoke(app, ["schema", "--out", str(tmp_path / "schemas")])
    assert res.exit_code == 0
    files = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert len(files) == len(SCHEMA_TYPES)
    assert "extraction_result.schema.json" in files
    draft = json.loads((tmp_path / "schemas" / "draft.schema.json").read_text())
    assert draft["properties"].keys() == {"actors", "events", "casualties"}


def test_prompts_show_renders_exact_messages(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_EXTRACT_STRATEGY", "single")
    seed = SEEDS / "000_4c7802ff51b8819f.txt"
    res = runner.invoke(app, ["prompts", "show", str(seed), "--published", "2016-01-13"])
    assert res.exit_code == 0, res.output
    messages = json.loads(res.stdout)
    expected = load_template("extract_v1").render(seed.read_text(encoding="utf-8"), "2016-01-13")
    assert messages == expected
    assert messages[-1]["role"] == "user" and "2016-01-13" in messages[-1]["content"]
    bad = runner.invoke(app, ["prompts", "show", str(seed), "--prompt", "no_such_prompt"])
    assert bad.exit_code == 2 and "not found" in bad.stderr


def test_prompts_show_for_the_sentences_default_lists_each_request(runner: CliRunner) -> None:
    seed = SEEDS / "000_4c7802ff51b8819f.txt"
    text = seed.read_text(encoding="utf-8")
    res = runner.invoke(app, ["prompts", "show", str(seed), "--published", "2016-01-13"])
    assert res.exit_code == 0, res.output
    shown = json.loads(res.stdout)
    _, asked = questions(text, dt.date(2016, 1, 13))
    template = load_template("sentence_v1")
    assert [item["sentence"] for item in shown] == asked and asked
    for item in shown:
        assert item["sentence"] in text
        assert item["messages"] == template.render(item["sentence"])


def test_version_eval_registered_and_instructor_silenced(runner: CliRunner) -> None:
    logging.getLogger("instructor").setLevel(logging.WARNING)
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and __version__ in res.stdout
    assert runner.invoke(app, ["eval", "--help"]).exit_code == 0
    runner.invoke(app, ["config"])
    assert logging.getLogger("instructor").level == logging.CRITICAL


def test_rerun_with_cache_asks_the_backend_nothing(
    runner: CliRunner, corpus: Path, tmp_path: Path
) -> None:
    args = ["run", "--backend", "fake", str(corpus)]
    first = runner.invoke(app, [*args, "-o", str(tmp_path / "a.jsonl")])
    assert first.exit_code == 0, first.output
    assert sorted(FakeBackend.calls) == ["doc0", "doc1", "doc2"]
    FakeBackend.calls.clear()
    second = runner.invoke(app, [*args, "-o", str(tmp_path / "b.jsonl")])
    assert second.exit_code == 0, second.output
    assert FakeBackend.calls == []
    again = results(tmp_path / "b.jsonl")
    assert all(r.cached for r in again) and len(again) == 3
    assert re.search(r"cache hits\s*│\s*3", second.stderr)


def test_output_inside_an_input_folder_is_not_read_back(runner: CliRunner, corpus: Path) -> None:
    out = corpus / "out.jsonl"
    assert run(runner, str(corpus), "-o", str(out))[0] == 0
    code, _, err = run(runner, str(corpus), "-o", str(out), "--overwrite")  # out.jsonl exists
    assert code == 0, err
    assert sorted(r.doc_id for r in results(out)) == ["doc0", "doc1", "doc2"]


def test_build_settings_passes_only_given_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_EXTRACT_TEMPERATURE", "0.5")
    assert build_settings(temperature=None, keep_ungrounded=None).temperature == 0.5
    chosen = build_settings(temperature=0.2, keep_ungrounded=True, cache=False, model="m")
    assert (chosen.temperature, chosen.keep_ungrounded, chosen.cache, chosen.model) == (
        0.2,
        True,
        False,
        "m",
    )


def test_max_bytes_and_glob_options(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    code, _, err = run(runner, str(corpus), "-o", str(out), "--max-bytes", "20")
    assert code == 1
    assert all(
        r.error and r.error.stage == "input" and "20-byte" in r.error.message for r in results(out)
    )
    (corpus / "page.htm").write_text("<script>x()</script><p>Rebels shelled Salma.</p>")
    code, _, err = run(runner, str(corpus), "-o", str(out), "--glob", "*.htm", "--overwrite")
    assert code == 0, err
    (only,) = results(out)
    assert only.doc_id == "page" and only.events[0].evidence == ["Rebels shelled Salma."]
