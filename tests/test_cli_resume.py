"""Kill a real `llm-extract run` process mid-batch, then finish it with --resume.

The subprocess registers the fake backend before starting the CLI, and the fake sleeps
per document so the run is still going when it is killed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from llm_extract.models import ExtractionResult

TESTS = Path(__file__).resolve().parent
SEEDS = TESTS.parent / "seeds"
N_DOCS = 30
CLI_WITH_FAKE = (
    f"import sys; sys.path.insert(0, {str(TESTS)!r}); import fakes; fakes.register(); "
    "from llm_extract.cli import main; main()"
)


def seed_sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [s for s in sentences if 40 < len(s) < 400]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    sentences = seed_sentences()
    assert len(sentences) > N_DOCS
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(N_DOCS):
        body = f"{sentences[n]} {sentences[n + 1]}\n"
        (folder / f"art_{n:02d}.txt").write_text(body, encoding="utf-8")
    return folder


def cli_env(tmp_path: Path, delay: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLM_EXTRACT_")}
    env.update(
        LLM_EXTRACT_CONFIG=os.devnull,
        LLM_EXTRACT_CACHE_DIR=str(tmp_path / "cache"),
        LLM_EXTRACT_RUNLOG_PATH=str(tmp_path / "runlog.sqlite3"),
        LLM_EXTRACT_FAKE_DELAY=str(delay),
    )
    return env


def start(corpus: Path, out: Path, env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    argv = [sys.executable, "-c", CLI_WITH_FAKE, "run", str(corpus), "-o", str(out)]
    return subprocess.Popen(
        [*argv, "--backend", "fake", "--concurrency", "2", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_lines(proc: subprocess.Popen[str], out: Path, count: int) -> None:
    deadline = time.monotonic() + 60  # a guard against hanging, not a speed check
    while time.monotonic() < deadline:
        if out.exists() and len(out.read_text().splitlines()) >= count:
            return
        if proc.poll() is not None:
            pytest.fail(f"run ended early (exit {proc.returncode}): {proc.stderr.read()}")  # type: ignore[union-attr]
        time.sleep(0.05)
    proc.kill()
    pytest.fail("run produced no output in 60 s")


def resume_skipping(
    corpus: Path, out: Path, env: dict[str, str], total: int, done: int, timeout: float
) -> None:
    """Rerun with --resume: it succeeds and extracts only the documents not yet done."""
    proc = start(corpus, out, env, "--resume")
    _, stderr = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, stderr
    match = re.search(r"extracting (\d+) documents \((\d+) already done\)", stderr)
    assert match, stderr
    assert (int(match[1]), int(match[2])) == (total - done, done)


def valid_lines(out: Path) -> list[ExtractionResult]:
    """Every line must parse: a killed run may not leave half a record."""
    text = out.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n")
    return [ExtractionResult.model_validate_json(line) for line in text.splitlines()]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_run_resumes_without_duplicates(
    corpus: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "run.jsonl"
    proc = start(corpus, out, cli_env(tmp_path, delay=0.2))
    wait_for_lines(proc, out, 4)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    if sig is signal.SIGINT:
        assert proc.returncode == 130, stderr
        assert "--resume" in stderr
    else:
        assert proc.returncode == -signal.SIGKILL

    partial = valid_lines(out)
    assert 4 <= len(partial) < N_DOCS
    assert len({r.doc_id for r in partial}) == len(partial)

    resume_skipping(corpus, out, cli_env(tmp_path, delay=0.0), N_DOCS, len(partial), 120)

    final = valid_lines(out)
    ids = [r.doc_id for r in final]
    assert sorted(ids) == [f"art_{n:02d}" for n in range(N_DOCS)]  # each exactly once
    assert all(r.ok for r in final)
    first_pass = {r.doc_id: r.model_dump() for r in partial}
    assert all(r.model_dump() == first_pass[r.doc_id] for r in final if r.doc_id in first_pass)
    assert json.loads(out.read_text().splitlines()[0])["status"] == "ok"
