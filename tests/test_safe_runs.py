"""Issue 16, items 1-3: no document lost to an id clash, one writer per output, and no
existing output truncated or rewritten in another format by accident.

Every test here failed on the code before the fix (checked once against main).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llm_extract.cli import app
from llm_extract.models import ExtractionResult
from llm_extract.output_guard import lock_path, output_lock
from tests.fakes import FakeBackend, fake_backend  # noqa: F401 - fixture
from tests.test_cli_resume import cli_env

TESTS = Path(__file__).resolve().parent
CLI_WITH_FAKE = (
    f"import sys; sys.path.insert(0, {str(TESTS)!r}); import fakes; fakes.register(); "
    "from llm_extract.cli import main; main()"
)

pytestmark = pytest.mark.usefixtures("fake_backend")


def run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(app, ["run", "--backend", "fake", "--no-cache", *args])
    return res.exit_code, res.stdout, res.stderr


def records(path: Path) -> list[ExtractionResult]:
    return [ExtractionResult.model_validate_json(x) for x in path.read_text().splitlines()]


def article(path: Path, sentence: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{sentence} More text follows.", encoding="utf-8")


# --- 1. ids that cannot collide ------------------------------------------------------


def test_same_stem_in_two_folders_or_two_formats_keeps_every_article(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    article(corpus / "a" / "story.txt", "Rebels shelled Salma.")
    article(corpus / "b" / "story.txt", "Police arrested 40 protesters in Homs.")
    article(corpus / "x.txt", "Troops entered Idlib.")
    (corpus / "x.html").write_text("<p>Militants attacked a checkpoint near Hama.</p>")
    article(corpus / "plain.txt", "Clashes erupted in Aleppo.")
    out = tmp_path / "out.jsonl"
    code, _, err = run(str(corpus), "-o", str(out), "-q")
    assert code == 0, err
    got = {r.doc_id: r.events[0].evidence[0] for r in records(out)}
    assert got == {
        "a/story": "Rebels shelled Salma.",
        "b/story": "Police arrested 40 protesters in Homs.",
        "x.txt": "Troops entered Idlib.",
        "x.html": "Militants attacked a checkpoint near Hama.",
        "plain": "Clashes erupted in Aleppo.",  # a unique stem keeps its plain id
    }
    # The same files named one by one clash on the stem; parent folders tell them apart.
    out2 = tmp_path / "out2.jsonl"
    files = [str(corpus / "a" / "story.txt"), str(corpus / "b" / "story.txt")]
    code, _, err = run(*files, "-o", str(out2), "-q")
    assert code == 0, err
    assert sorted(r.doc_id for r in records(out2)) == ["a/story", "b/story"]
    # Ids are stable: resuming over the same files runs nothing again.
    FakeBackend.calls.clear()
    code, _, err = run(str(corpus), "-o", str(out), "--resume")
    assert code == 0, err
    assert FakeBackend.calls == []
    assert "5 already done" in err


def test_a_repeated_id_is_an_error_record_and_shown_under_quiet(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    article(corpus / "doc1.txt", "Rebels shelled Salma.")
    batch = tmp_path / "more.jsonl"
    rows = [{"id": "doc1", "text": "Same id, other text."}, {"id": "j2", "text": "Other."}]
    batch.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    code, _, err = run(str(corpus), str(batch), "-o", str(out), "-q")
    assert code == 1
    results = records(out)
    assert sorted((r.doc_id, r.status) for r in results) == [
        ("doc1", "error"),
        ("doc1", "ok"),
        ("j2", "ok"),
    ]
    (dup,) = [r for r in results if not r.ok]
    assert dup.error and dup.error.stage == "input"
    assert "duplicate doc id 'doc1'" in dup.error.message
    assert f"{batch}:1" in dup.error.message and "doc1.txt" in dup.error.message
    assert "failed: doc1 (input)" in err and "duplicate" in err
    ok = next(r for r in results if r.ok and r.doc_id == "doc1")
    assert ok.events[0].evidence == ["Rebels shelled Salma."]  # the first one was run


# --- 2. one writer per output ----------------------------------------------------------


def test_second_writer_on_the_same_output_exits_2_and_the_first_loses_nothing(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "in"
    for n in range(12):
        article(corpus / f"art_{n:02d}.txt", f"Rebels shelled village number {n}.")
    out = tmp_path / "out.jsonl"
    argv = [sys.executable, "-c", CLI_WITH_FAKE, "run", str(corpus), "-o", str(out)]
    argv += ["--backend", "fake", "--no-cache", "--concurrency", "1", "-q"]
    first = subprocess.Popen(
        argv, env=cli_env(tmp_path, 0.3), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60  # a guard against hanging, not a speed check
        while not (out.exists() and out.read_text().count("\n") >= 2):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "first run wrote nothing in 60 s"
            time.sleep(0.02)
        for extra in ("--overwrite", "--resume"):  # in-process: no start-up delay
            code, _, err = run(str(corpus), "-o", str(out), extra)
            assert code == 2, err
            (line,) = err.splitlines()
            assert "being written by another llm-extract run" in line
        assert first.poll() is None  # the refusals came while the first run was writing
        _, stderr = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, stderr
    assert sorted(r.doc_id for r in records(out)) == [f"art_{n:02d}" for n in range(12)]
    assert not lock_path(out).exists()  # released and removed at the end


def test_a_lock_left_by_a_dead_run_does_not_block(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    article(corpus / "d.txt", "Rebels shelled Salma.")
    out = tmp_path / "out.jsonl"
    lock_path(out).write_text("12345\n")  # a killed run's file: nobody holds the lock
    code, _, err = run(str(corpus), "-o", str(out))
    assert code == 0, err
    with output_lock(out):  # and while someone holds it, a run refuses at once
        code, _, err = run(str(corpus), "-o", str(out), "--overwrite")
    assert code == 2
    assert "being written by another" in err


# --- 3. no truncation, no format mix-up ------------------------------------------------


@pytest.fixture
def done_run(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "in"
    for n in range(3):
        article(corpus / f"d{n}.txt", f"Rebels shelled village number {n}.")
    out = tmp_path / "out.jsonl"
    assert run(str(corpus), "-o", str(out))[0] == 0
    return corpus, out


def test_rerun_without_resume_or_overwrite_leaves_the_output_alone(
    done_run: tuple[Path, Path],
) -> None:
    corpus, out = done_run
    before = out.read_bytes()
    code, _, err = run(str(corpus), "-o", str(out))
    assert code == 2
    (line,) = err.splitlines()
    assert "already exists" in line and "--resume" in line and "--overwrite" in line
    assert out.read_bytes() == before
    code, _, err = run(str(corpus), "-o", str(out), "--resume", "--overwrite")
    assert code == 2 and "exclusive" in err
    assert out.read_bytes() == before
    (corpus / "d0.txt").write_text("Police arrested 40 protesters in Homs.")
    code, _, err = run(str(corpus), "-o", str(out), "--overwrite")
    assert code == 0, err
    assert len(records(out)) == 3
    assert out.read_bytes() != before


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_resume_into_another_format_is_refused_and_the_file_kept(
    done_run: tuple[Path, Path], fmt: str
) -> None:
    corpus, out = done_run
    before = out.read_bytes()
    code, _, err = run(str(corpus), "-o", str(out), "--resume", "--format", fmt)
    assert code == 2
    (line,) = err.splitlines()
    assert f"holds jsonl output, not {fmt}" in line and "--format jsonl" in line
    assert out.read_bytes() == before


def test_resume_into_a_file_that_is_not_an_output_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    article(corpus / "d.txt", "Rebels shelled Salma.")
    notes = tmp_path / "notes.jsonl"
    notes.write_text("my own notes, not llm-extract output\n")
    code, _, err = run(str(corpus), "-o", str(notes), "--resume")
    assert code == 2 and "does not look like llm-extract output" in err
    assert notes.read_text() == "my own notes, not llm-extract output\n"
