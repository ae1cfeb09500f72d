"""Where Batch API answers and the batch engine's state are kept, next to the output.

`OUT.batch/` holds `state.json` (the inputs, every batch submitted and what became of
it, failure counts per request) and `answers.jsonl` (one line per answered request, as
downloaded). Both survive a crash: the state is replaced atomically, answers are appended
and fsynced line by line, and a torn last line is ignored on reading.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from llm_extract.writers import atomic_write_text

TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
RETRYABLE_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class Answer:
    """The HTTP answer to one request line: what the server would have said online."""

    status_code: int
    body: dict[str, Any]


def keeps(status_code: int) -> bool:
    """Answers worth keeping: successes and final refusals (a 400 fails online too);
    rate limits and server errors are not answers, the request is asked again."""
    return status_code < 500 and status_code not in RETRYABLE_STATUS


class AnswerStore:
    """custom_id -> Answer, loaded from and appended to a JSONL file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._answers: dict[str, Answer] = {}
        if path is not None and path.exists():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    item = json.loads(line)
                    self._answers[item["custom_id"]] = Answer(item["status_code"], item["body"])
                except (ValueError, KeyError, TypeError):
                    continue  # a torn last line: that request is asked again

    def get(self, cid: str) -> Answer | None:
        return self._answers.get(cid)

    def __contains__(self, cid: object) -> bool:
        return cid in self._answers

    def __len__(self) -> int:
        return len(self._answers)

    def add(self, answers: dict[str, Answer]) -> None:
        """Keep new answers (durably when the store has a file)."""
        fresh = {cid: a for cid, a in answers.items() if cid not in self._answers}
        if not fresh:
            return
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            text = "".join(
                json.dumps({"custom_id": cid, "status_code": a.status_code, "body": a.body}) + "\n"
                for cid, a in fresh.items()
            )
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        self._answers.update(fresh)


@dataclass
class BatchRecord:
    """One submitted batch, as the state file remembers it."""

    id: str
    input_file_id: str
    round: int
    custom_ids: list[str]
    status: str = "validating"
    output_file_id: str | None = None
    error_file_id: str | None = None
    collected: bool = False


@dataclass
class BatchState:
    """Everything `batch run` needs to pick up where it stopped."""

    inputs: list[str] = field(default_factory=list)
    globs: list[str] = field(default_factory=list)
    published: str | None = None
    batches: list[BatchRecord] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    rounds: int = 0

    def open_batches(self) -> list[BatchRecord]:
        return [b for b in self.batches if not b.collected]

    def in_flight(self) -> set[str]:
        """Requests in a batch not yet collected: never submitted twice."""
        return {cid for b in self.open_batches() for cid in b.custom_ids}

    def find(self, batch_id: str) -> BatchRecord | None:
        return next((b for b in self.batches if b.id == batch_id), None)


def state_dir(output: Path) -> Path:
    return output.with_name(output.name + ".batch")


def load_state(output: Path) -> BatchState:
    path = state_dir(output) / "state.json"
    if not path.exists():
        return BatchState()
    data = json.loads(path.read_text(encoding="utf-8"))
    batches = [BatchRecord(**b) for b in data.pop("batches", [])]
    return BatchState(**data, batches=batches)


def save_state(output: Path, state: BatchState) -> None:
    atomic_write_text(state_dir(output) / "state.json", json.dumps(asdict(state), indent=1))


def answer_store(output: Path) -> AnswerStore:
    return AnswerStore(state_dir(output) / "answers.jsonl")
