"""Group commit, end to end: kill a real `llm-extract run` mid-way and resume it.

The crash guarantee (`llm_extract.writers`): a killed run loses at most the last,
uncommitted group of records, never leaves a torn or duplicate line after resume, and the
resumed run redoes exactly the documents missing from the output.
"""

from __future__ import annotations

import json
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from llm_extract.models import ExtractionResult
from llm_extract.writers import GROUP_RECORDS
from tests.test_cli_resume import cli_env, resume_skipping, seed_sentences, start

N_DOCS = 3 * GROUP_RECORDS
PROGRESS = re.compile(r"^\[\d+/\d+\] ")


def whole_lines(out: Path) -> tuple[list[ExtractionResult], str]:
    """The complete records, and whatever follows the last newline (a torn write)."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    body, _, tail = text.rpartition("\n")
    lines = body.splitlines() if body else []
    return [ExtractionResult.model_validate_json(line) for line in lines], tail


def test_killed_run_loses_at_most_one_group_and_resumes_exactly(tmp_path: Path) -> None:
    sentences = seed_sentences()
    source = tmp_path / "in.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for n in range(N_DOCS):
            text = f"{sentences[n % len(sentences)]} Reference {n}."
            handle.write(json.dumps({"id": f"d{n:04d}", "text": text}) + "\n")
    out = tmp_path / "run.jsonl"
    env = cli_env(tmp_path, delay=0.01)
    proc = start(source, out, env, "--concurrency", "4")
    finished: list[str] = []  # one progress line per document handed to the writer

    def read_progress() -> None:
        assert proc.stderr is not None
        finished.extend(line for line in proc.stderr if PROGRESS.match(line))

    reader = threading.Thread(target=read_progress, daemon=True)
    reader.start()
    deadline = time.monotonic() + 120  # a guard against hanging, not a speed check
    while len(whole_lines(out)[0]) < GROUP_RECORDS + 1:  # a commit after the first group
        if proc.poll() is not None:
            pytest.fail(f"run ended before it could be killed (exit {proc.returncode})")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("no commit in 120 s")
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    reader.join(timeout=60)

    kept, torn = whole_lines(out)
    ids = [r.doc_id for r in kept]
    assert len(set(ids)) == len(ids), "a duplicate line"
    assert len(kept) < N_DOCS, "the run finished before the kill; nothing was tested"
    lost = len(finished) - len(kept)
    assert 0 <= lost <= GROUP_RECORDS, (len(finished), len(kept), torn[:80])

    resume_skipping(source, out, cli_env(tmp_path, delay=0.0), N_DOCS, len(kept), 300)
    final, tail = whole_lines(out)
    assert tail == ""
    assert sorted(r.doc_id for r in final) == [f"d{n:04d}" for n in range(N_DOCS)]
    assert all(r.ok for r in final)
    before = {r.doc_id: r.model_dump() for r in kept}
    assert all(r.model_dump() == before[r.doc_id] for r in final if r.doc_id in before)
