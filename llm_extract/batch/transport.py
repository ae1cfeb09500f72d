"""The online request path with its last step swapped: answers come from Batch API output.

The Batch API must be sent the very bodies the online path sends. Rather than rebuild
them (prompt, schema, mode, strict flags, instructor's additions), the batch engine runs
the ordinary `Extractor` with an HTTP transport of its own under the openai client:

- a request whose body has an answer in the `AnswerStore` gets that answer, so the
  Extractor parses, validates, assembles and caches it exactly as it would online;
- any other request is *parked*: its body is kept (it becomes a line of the next batch)
  and the document waits forever; the engine cancels it and runs it again next round.

A document therefore needs one round per request it makes in sequence: one for a short
article with the `single` strategy, one per chunk for a long one, one per sentence for
the `sentences` strategy, one more for a validation re-ask.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import defaultdict
from typing import Any

import httpx2 as httpx

from llm_extract.batch.store import AnswerStore
from llm_extract.runlog import current_doc

CHAT_PATH = "/v1/chat/completions"


def custom_id(body: bytes | dict[str, Any]) -> str:
    """A request line's id: a hash of its canonical JSON body, so the same request made
    again (next round, another process) finds its answer."""
    data = json.loads(body) if isinstance(body, bytes) else body
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "req-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:40]


class BatchTransport(httpx.AsyncBaseTransport):
    """Answer chat requests from the store; park the rest (or send them online).

    `online` requests (custom ids) go to the real server through `online_transport`:
    that is how failed or expired batch lines are retried online when asked to.
    """

    def __init__(
        self,
        answers: AnswerStore,
        *,
        online: set[str] | None = None,
        online_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.answers = answers
        self.online = online or set()
        self._online_transport = online_transport
        self.parked: dict[str, dict[str, Any]] = {}
        self.parked_by_doc: dict[str, list[str]] = defaultdict(list)
        self._signals: dict[str, asyncio.Event] = {}
        self.answered = 0
        self.sent_online = 0

    def signal(self, doc_id: str) -> asyncio.Event:
        """Set when `doc_id` parks a request (the engine waits on it beside the task)."""
        return self._signals.setdefault(doc_id, asyncio.Event())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if not request.url.path.endswith("/chat/completions"):
            raise httpx.UnsupportedProtocol(
                f"the batch engine only answers chat completions, not {request.url.path}"
            )
        cid = custom_id(body)
        answer = self.answers.get(cid)
        if answer is not None:
            self.answered += 1
            return httpx.Response(
                answer.status_code,
                content=json.dumps(answer.body).encode("utf-8"),
                headers={"content-type": "application/json"},
                request=request,
            )
        if cid in self.online and self._online_transport is not None:
            self.sent_online += 1
            return await self._online_transport.handle_async_request(request)
        self.parked[cid] = json.loads(body)
        doc_id = current_doc() or "?"
        self.parked_by_doc[doc_id].append(cid)
        self.signal(doc_id).set()
        await asyncio.Event().wait()  # never set: the engine cancels this document
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        if self._online_transport is not None:
            await self._online_transport.aclose()
