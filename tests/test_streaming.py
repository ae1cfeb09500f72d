"""Batches stream: articles are pulled only as slots free up, so memory stays flat."""

from __future__ import annotations

from collections.abc import Iterator

from llm_extract import Extractor, Settings
from llm_extract.article import Article
from llm_extract.extract import run_sync

SENTENCE = "Gunmen attacked a village near the town on Monday, killing three civilians."


def test_aextract_many_never_reads_ahead_of_its_slots() -> None:
    pulled: list[int] = []
    in_flight_max = 0
    finished = 0

    def articles() -> Iterator[Article]:
        for i in range(50):
            pulled.append(i)
            yield Article(doc_id=f"d{i}", text=f"{SENTENCE} ({i})")

    extractor = Extractor(Settings(backend="rules", cache=False, runlog=False, concurrency=3))

    async def go() -> list[str]:
        nonlocal in_flight_max, finished
        ids = []
        async for result in extractor.aextract_many(articles()):
            finished += 1
            in_flight_max = max(in_flight_max, len(pulled) - finished)
            ids.append(result.doc_id)
        return ids

    ids = run_sync(go())
    assert sorted(ids) == sorted(f"d{i}" for i in range(50))  # each exactly once
    assert in_flight_max <= 3  # never more than `concurrency` articles held at once


def test_one_document_at_a_time_for_servers_that_decode_one_request_at_a_time() -> None:
    local = Extractor(Settings(backend="llamacpp", concurrency=8, cache=False, runlog=False))
    hosted = Extractor(Settings(backend="vllm", model="m", concurrency=8, runlog=False))
    rules = Extractor(Settings(backend="rules", concurrency=8, cache=False, runlog=False))
    assert (local.document_slots, hosted.document_slots, rules.document_slots) == (1, 8, 8)
