"""Consolidating real runs of the two seeds links the air strikes both report."""

from __future__ import annotations

from llm_extract import Extractor, Settings
from llm_extract.consolidate import consolidate, links
from tests.conftest import seed_articles


def test_seed_runs_link_exactly_the_shared_air_strike() -> None:
    extractor = Extractor(Settings(backend="rules", cache=False, runlog=False))
    results = [
        extractor.extract(text, published=published, doc_id=doc_id)
        for doc_id, text, published in seed_articles()
    ]
    merged = consolidate(results)
    found = links(merged)
    assert len(found) == 1, found
    shared = next(e for e in merged if len({s.doc_id for s in e.sources}) == 2)
    assert shared.sub_event_type.value == "Air/drone strike"
    assert shared.location.name == "Salma"
    assert {s.doc_id for s in shared.sources} == {doc_id for doc_id, _, _ in seed_articles()}
    assert all(s.evidence for s in shared.sources)  # every source keeps its own evidence
