"""The seed articles through the embedded model, replayed from real recordings.

These assert structure, provenance and grounding (every kept quote slices back out of
the article), not model quality: the 135M model is weak by design of its size.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_extract import ExtractionResult, Extractor
from llm_extract.evaluate import (
    compare_to_baseline,
    evaluate,
    load_baseline,
    load_gold_dir,
    save_baseline,
)
from llm_extract.models import AlignmentStatus, Casualty, Event
from llm_extract.prompts import load_template
from llm_extract.settings import Settings
from tests.conftest import ROOT, SEEDS, seed_articles

BASELINE = ROOT / "baselines" / "seeds-embedded.json"


def _run_seeds(settings: Settings) -> dict[str, tuple[ExtractionResult, str]]:
    extractor = Extractor(settings)
    out = {}
    for doc_id, text, published in seed_articles():
        out[doc_id] = (extractor.extract(text, published=published, doc_id=doc_id), text)
    return out


def _assert_grounded(result: ExtractionResult, text: str) -> None:
    assert result.document is not None
    records: list[Event | Casualty] = [*result.events, *result.casualties]
    for record in records:
        assert record.spans, f"{record.id} has no grounding span"
        span = record.spans[0]
        assert span.status is not AlignmentStatus.NOT_FOUND
        assert span.start is not None and span.end is not None
        quote = record.evidence[0] if isinstance(record.evidence, list) else record.evidence
        assert text[span.start : span.end] == quote
    for actor in result.actors:
        for span in actor.spans:
            assert span.status is not AlignmentStatus.NOT_FOUND


@pytest.mark.vcr
def test_single_strategy_run_is_grounded_and_traceable(recorded_settings: Settings) -> None:
    settings = recorded_settings.model_copy(update={"strategy": "single"})
    template = load_template("extract_v1")
    results = _run_seeds(settings)
    assert set(results) == {doc_id for doc_id, _, _ in seed_articles()}
    for doc_id, (result, text) in results.items():
        assert result.ok, result.error
        assert result.doc_id == doc_id
        prov = result.provenance
        assert prov is not None
        assert (prov.backend, prov.model, prov.strategy) == (
            "embedded",
            "SmolLM2-135M-Instruct",
            "single",
        )
        assert (prov.prompt_id, prov.prompt_hash) == ("extract_v1", template.hash)
        assert result.usage.calls >= 1 and result.usage.prompt_tokens > 500
        _assert_grounded(result, text)
        # Everything the model said that is not in the article was dropped and reported.
        assert result.dropped == sum("dropped" in w for w in result.warnings)
        again = ExtractionResult.model_validate_json(result.model_dump_json())
        assert again.document == result.document


@pytest.mark.vcr
def test_sentences_strategy_flags_where_model_and_rules_disagree(
    recorded_settings: Settings,
) -> None:
    results = _run_seeds(recorded_settings)  # the embedded default: sentences, code wins
    labelled = 0
    for result, text in results.values():
        assert result.ok, result.error
        assert result.provenance and result.provenance.strategy == "sentences"
        assert result.provenance.prompt_id == "sentence_v1"
        assert result.usage.calls > 1  # one small question per candidate sentence
        _assert_grounded(result, text)
        for event in result.events:
            verdicts = [f for f in event.flags if f == "model_agrees" or f.startswith("disputed")]
            labelled += len(verdicts)
            for flag in verdicts:
                if flag.startswith("disputed"):
                    assert flag.endswith("code wins")
                    assert f"rules read {event.sub_event_type.value}" in flag
    assert labelled > 0


@pytest.mark.vcr
def test_seed_scores_match_committed_baseline(
    recorded_settings: Settings, request: pytest.FixtureRequest
) -> None:
    gold, issues, texts = load_gold_dir(SEEDS / "gold")
    assert not [i for i in issues if i.severity == "error"]
    results = _run_seeds(recorded_settings)
    pred = {doc_id: r.document for doc_id, (r, _) in results.items() if r.document}
    report = evaluate(gold, pred, texts)
    recording = request.config.getoption("--record-mode") not in (None, "none")
    if recording:
        save_baseline(report, BASELINE)
    assert Path(BASELINE).is_file(), "baseline missing: re-record to write it"
    regressions = compare_to_baseline(report, load_baseline(BASELINE), tolerance=0.0)
    assert regressions == []
    # Grounding is enforced, so every kept quote is in the article.
    assert report.metrics["evidence.grounding_rate"] in (None, 1.0)
