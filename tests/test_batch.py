"""`llm-extract batch` against a fake Files + Batches server: the records of an online run,
no chat-completions call, the same cache, failed lines asked again, the API's limits kept.

The corpus is invented from the seed articles' sentences (a regression set, not a quality
claim); the fake answers each batch line exactly as the fake chat server answers online.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from llm_extract.batch import BatchJob
from llm_extract.batch.api import split_lines
from llm_extract.batch.store import load_state
from llm_extract.cli import app
from llm_extract.models import ExtractionResult
from llm_extract.runner import BatchRun
from llm_extract.settings import Settings
from tests.fake_batch_server import FakeBatchServer
from tests.fake_server import FakeServer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
KEY_ENV = "LLM_EXTRACT_TEST_BATCH_KEY"
N_DOCS = 60
SMALL = 12


@pytest.fixture(autouse=True)
def _fake_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "test-key-for-a-loopback-fake")


def make_corpus(tmp_path: Path, n_docs: int) -> Path:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s) > 40]
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(n_docs):
        body = " ".join(sentences[(n + k) % len(sentences)] for k in range(3))
        body += f" This was report number {n}."  # no two articles (nor requests) alike
        (folder / f"art_{n:02d}.txt").write_text(body + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path, N_DOCS)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Fewer documents for the scenarios (the machine may be shared and slow)."""
    return make_corpus(tmp_path, SMALL)


def settings(base_url: str, cache: Path, **extra: Any) -> Settings:
    return Settings(
        backend="openai",
        model="gpt-4o-mini",
        api_key_env=KEY_ENV,
        base_url=base_url,
        cache_dir=cache,
        runlog=False,
        retry_initial=0.0,
        retry_max_backoff=0.01,
        **extra,
    )


def results(path: Path) -> dict[str, ExtractionResult]:
    lines = path.read_text(encoding="utf-8").splitlines()
    out = {r.doc_id: r for r in (ExtractionResult.model_validate_json(x) for x in lines)}
    assert len(out) == len(lines), "a document was written twice"
    return out


def online_run(corpus: Path, tmp_path: Path, **extra: Any) -> dict[str, ExtractionResult]:
    with FakeServer() as server:
        out = tmp_path / "online.jsonl"
        run = BatchRun([corpus], settings(server.base_url, tmp_path / "online-cache", **extra), out)
        assert run.run().all_ok
    return results(out)


def same_records(batch: dict[str, ExtractionResult], online: dict[str, ExtractionResult]) -> None:
    """Every document's records, warnings and token counts as online; report all misfits."""
    assert sorted(batch) == sorted(online)
    wrong = [
        doc_id
        for doc_id, b in batch.items()
        for o in [online[doc_id]]
        if (b.status, b.document, b.warnings, b.normalisations, b.dropped, b.provenance)
        != (o.status, o.document, o.warnings, o.normalisations, o.dropped, o.provenance)
        or (b.usage.prompt_tokens, b.usage.completion_tokens, b.usage.calls)
        != (o.usage.prompt_tokens, o.usage.completion_tokens, o.usage.calls)
    ]
    assert not wrong, f"records differ from the online run for {wrong}"


def test_batch_run_gives_the_online_records_with_no_chat_call(corpus: Path, tmp_path: Path) -> None:
    online = online_run(corpus, tmp_path)
    assert sum(len(r.events) for r in online.values()) >= N_DOCS  # the fake reads one each
    out = tmp_path / "batch.jsonl"
    with FakeBatchServer(polls=2) as fake:
        job = BatchJob(
            [corpus], out, settings(fake.base_url, tmp_path / "cache"), poll_interval=0.01
        )
        summary = job.run_sync()
        assert fake.chat_calls == 0
        assert fake.batch_lines == [N_DOCS]
        # The answers are in the ordinary cache: an online rerun against the same server
        # (the cache key includes the server) makes no call at all.
        again = tmp_path / "again.jsonl"
        run = BatchRun([corpus], settings(fake.base_url, tmp_path / "cache"), again)
        assert run.run().cache_hits == N_DOCS
        assert fake.chat_calls == 0
    assert summary.all_ok and summary.ok == N_DOCS and summary.waiting == 0
    batch = results(out)
    same_records(batch, online)
    for doc_id, result in batch.items():  # batch prices: half the online list price
        online_cost = online[doc_id].usage.cost_usd
        assert online_cost is not None
        assert result.usage.cost_usd == pytest.approx(online_cost / 2, abs=1e-8)


def test_long_articles_take_one_round_per_chunk_and_still_match(
    small: Path, tmp_path: Path
) -> None:
    online = online_run(small, tmp_path, chunk_chars=250, chunk_overlap=0)
    with FakeBatchServer() as fake:
        job = BatchJob(
            [small],
            tmp_path / "batch.jsonl",
            settings(fake.base_url, tmp_path / "cache", chunk_chars=250, chunk_overlap=0),
            poll_interval=0.01,
        )
        job.run_sync()
        assert fake.chat_calls == 0
        assert len(fake.batch_lines) >= 2
    same_records(results(tmp_path / "batch.jsonl"), online)


def test_failed_and_expired_lines_go_into_new_batches(small: Path, tmp_path: Path) -> None:
    online = online_run(small, tmp_path)
    with FakeBatchServer(fail_marker="Syria", expire_rounds=frozenset({2})) as fake:
        job = BatchJob([small], tmp_path / "b.jsonl", settings(fake.base_url, tmp_path / "c"))
        job.poll_interval = 0.01
        job.run_sync()
        failing = sum(1 for r in online if "Syria" in (small / f"{r}.txt").read_text())
        assert 0 < failing < SMALL
        # round 1 fails the Syria lines, round 2 expires, round 3 answers them
        assert fake.batch_lines == [SMALL, failing, failing]
        assert fake.chat_calls == 0
    same_records(results(tmp_path / "b.jsonl"), online)


def test_failed_lines_can_be_retried_online(small: Path, tmp_path: Path) -> None:
    online = online_run(small, tmp_path)
    with FakeBatchServer(fail_marker="Syria") as fake:
        job = BatchJob([small], tmp_path / "b.jsonl", settings(fake.base_url, tmp_path / "c"))
        job.poll_interval, job.retry = 0.01, "online"
        summary = job.run_sync()
        failing = sum(1 for r in online if "Syria" in (small / f"{r}.txt").read_text())
        assert fake.batch_lines == [SMALL]
        assert fake.chat_calls == summary.sent_online == failing
    same_records(results(tmp_path / "b.jsonl"), online)


def test_a_line_failing_every_time_ends_as_an_error_record(small: Path, tmp_path: Path) -> None:
    with FakeBatchServer(fail_marker="Syria", fail_times=99) as fake:
        job = BatchJob([small], tmp_path / "b.jsonl", settings(fake.base_url, tmp_path / "c"))
        job.poll_interval, job.max_attempts = 0.01, 2
        summary = job.run_sync()
        assert len(fake.batch_lines) == 2
    written = results(tmp_path / "b.jsonl")
    failed = {d for d, r in written.items() if not r.ok}
    assert failed and len(written) == SMALL
    assert {f.doc_id for f in summary.failed} == failed
    errors = [written[d].error for d in failed]
    assert all(e is not None and "giving up" in e.message for e in errors)


def test_inputs_are_split_at_the_line_limit(small: Path, tmp_path: Path) -> None:
    with FakeBatchServer() as fake:
        job = BatchJob([small], tmp_path / "b.jsonl", settings(fake.base_url, tmp_path / "c"))
        job.poll_interval, job.max_lines = 0.01, 5
        assert job.run_sync().ok == SMALL
        assert fake.batch_lines == [5, 5, 2]
    lines = [(f"id{i}", b"x" * 40 + b"\n") for i in range(10)]
    assert [len(g) for g in split_lines(lines, max_bytes=100)] == [2, 2, 2, 2, 2]


def test_submit_then_run_picks_up_the_open_batch(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.jsonl"
    with FakeBatchServer(polls=3) as fake:
        submitted = BatchJob([small], out, settings(fake.base_url, tmp_path / "c")).submit_sync()
        assert len(submitted.submitted) == 1 and submitted.waiting == SMALL
        # a new process: no inputs given, they come from the state next to the output
        job = BatchJob([], out, settings(fake.base_url, tmp_path / "c"), poll_interval=0.01)
        assert job.run_sync().ok == SMALL
        assert fake.batch_lines == [SMALL]
    assert len(results(out)) == SMALL
    assert all(b.collected for b in load_state(out).batches)


def test_cli_submit_status_collect(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.jsonl"
    runner = CliRunner()
    with FakeBatchServer(polls=1) as fake:
        common = ["--backend", "openai", "--model", "gpt-4o-mini", "--base-url", fake.base_url,
                  "--api-key-env", KEY_ENV]  # fmt: skip
        sub = runner.invoke(app, ["batch", "submit", str(small), "-o", str(out), *common])
        assert sub.exit_code == 0, sub.output
        batch_id = sub.stdout.split()[0]
        status = runner.invoke(app, ["batch", "status", batch_id, "-o", str(out), *common])
        assert status.exit_code == 0, status.output
        assert batch_id in status.stdout and "validating" in status.stdout  # first poll
        done = runner.invoke(app, ["batch", "collect", batch_id, "-o", str(out), *common])
        assert done.exit_code == 0, done.output
        assert fake.chat_calls == 0
    assert len(results(out)) == SMALL
    assert (
        runner.invoke(app, ["batch", "status", "-o", str(tmp_path / "none.jsonl")]).exit_code == 2
    )


def test_cli_bad_format_or_date_is_a_usage_error_before_anything_is_sent(
    small: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    with FakeBatchServer(polls=1) as fake:
        common = ["--backend", "openai", "--model", "gpt-4o-mini", "--base-url", fake.base_url,
                  "--api-key-env", KEY_ENV, "-o", str(tmp_path / "b.jsonl")]  # fmt: skip
        bad_format = runner.invoke(app, ["batch", "submit", str(small), *common, "--format", "x"])
        bad_day = runner.invoke(app, ["batch", "run", str(small), *common, "--published", "May"])
        assert fake.batch_lines == [] and fake.chat_calls == 0
    assert bad_format.exit_code == 2, bad_format.output
    assert "'x'" in bad_format.output and "jsonl" in bad_format.output  # names the formats
    assert bad_day.exit_code == 2, bad_day.output
    assert "--published 'May' is not a YYYY-MM-DD date" in bad_day.output
