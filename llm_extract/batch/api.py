"""OpenAI's Files and Batches endpoints, and the API's limits on one input file.

Kept thin: upload a JSONL of request lines, create a batch over it, read its status,
download its output and error files. The request lines come from the batch engine
(bodies captured from the online path); this module never builds a request body.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openai

from llm_extract.backends.chat import ChatBackend
from llm_extract.batch.store import Answer
from llm_extract.batch.transport import CHAT_PATH

MAX_LINES = 50_000
MAX_BYTES = 200 * 1024 * 1024


def request_line(cid: str, body: dict[str, Any]) -> bytes:
    """One line of a Batch API input file."""
    line = {"custom_id": cid, "method": "POST", "url": CHAT_PATH, "body": body}
    return json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n"


def split_lines(
    lines: list[tuple[str, bytes]], *, max_lines: int = MAX_LINES, max_bytes: int = MAX_BYTES
) -> Iterator[list[tuple[str, bytes]]]:
    """Groups of (custom_id, line) each within the API's limits for one input file."""
    group: list[tuple[str, bytes]] = []
    size = 0
    for cid, line in lines:
        if len(line) > max_bytes:
            raise ValueError(f"request {cid} alone is {len(line)} bytes, over {max_bytes}")
        if group and (len(group) >= max_lines or size + len(line) > max_bytes):
            yield group
            group, size = [], 0
        group.append((cid, line))
        size += len(line)
    if group:
        yield group


@dataclass(frozen=True)
class BatchStatus:
    """What the server says about one batch."""

    id: str
    status: str
    output_file_id: str | None
    error_file_id: str | None
    total: int
    completed: int
    failed: int


def parse_output(text: str) -> tuple[dict[str, Answer], dict[str, str]]:
    """(answers by custom_id, failure reason by custom_id) from output or error files."""
    answers: dict[str, Answer] = {}
    failures: dict[str, str] = {}
    for raw in text.splitlines():
        if not raw.strip():
            continue
        item = json.loads(raw)
        cid = str(item.get("custom_id"))
        response = item.get("response") or None
        if response and isinstance(response.get("body"), dict):
            answers[cid] = Answer(int(response.get("status_code", 200)), response["body"])
        else:
            error = item.get("error") or {}
            failures[cid] = f"{error.get('code', 'failed')}: {error.get('message', '')}".strip()
    return answers, failures


class BatchAPI:
    """The Files and Batches endpoints of the server the backend talks to."""

    def __init__(self, backend: ChatBackend) -> None:
        profile, settings = backend.profile, backend.settings
        key = profile.resolve_key(settings)
        self.client = openai.AsyncOpenAI(
            base_url=profile.resolve_base_url(settings),
            api_key=key or "no-key-needed",
            timeout=max(backend.timeout, 120.0),
            max_retries=3,  # file and batch calls are idempotent enough to retry here
        )

    async def submit(self, lines: list[tuple[str, bytes]], metadata: dict[str, str]) -> Any:
        """Upload one input file and create a batch over it; returns the batch object."""
        payload = b"".join(line for _, line in lines)
        uploaded = await self.client.files.create(
            file=("llm-extract-batch.jsonl", payload), purpose="batch"
        )
        return await self.client.batches.create(
            input_file_id=uploaded.id,
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata=metadata,
        )

    async def status(self, batch_id: str) -> BatchStatus:
        batch = await self.client.batches.retrieve(batch_id)
        counts = getattr(batch, "request_counts", None)
        return BatchStatus(
            id=batch.id,
            status=str(batch.status),
            output_file_id=batch.output_file_id,
            error_file_id=batch.error_file_id,
            total=int(getattr(counts, "total", 0) or 0),
            completed=int(getattr(counts, "completed", 0) or 0),
            failed=int(getattr(counts, "failed", 0) or 0),
        )

    async def download(self, file_id: str) -> str:
        content = await self.client.files.content(file_id)
        return str(content.text)

    async def aclose(self) -> None:
        await self.client.close()
