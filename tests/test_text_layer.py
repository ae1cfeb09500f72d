"""The text layer: one spaCy-backed sentence splitter with offsets, shared by rules,
chunking and grounding.

Texts are the two seed articles (real) and short invented test inputs.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from llm_extract.chunking import sentence_spans
from llm_extract.errors import ConfigurationError
from llm_extract.grounding import align_salvage
from llm_extract.text import Language, english, parse, parse_many, split_sentences

SEEDS = sorted(Path(__file__).resolve().parents[1].joinpath("seeds").glob("*.txt"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_every_sentence_and_token_offset_slices_the_article(path: Path) -> None:
    text = path.read_text("utf-8")
    parsed = parse(text)
    assert len(parsed) > 5
    bad = []
    for p in parsed:
        s = p.sentence
        if text[s.start : s.end] != s.text:
            bad.append(("sentence", s.text[:40]))
        for token in p.span:
            if s.text[p.at(token) : p.end_of(token)] != token.text:
                bad.append(("token", token.text))
    assert not bad


def test_sentences_keep_order_and_do_not_overlap() -> None:
    text = SEEDS[0].read_text("utf-8")
    spans = [(s.start, s.end) for s in split_sentences(text)]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_a_text_with_no_prose_line_is_read_as_the_report_itself() -> None:
    # a one-line description with no full stop is the report, not a headline over nothing
    alone = split_sentences("Rebels seized the town of Kidal on Monday")
    assert [s.headline for s in alone] == [False]
    with_body = split_sentences("Rebels seize Kidal\n\nRebels seized the town on Monday.")
    assert [s.headline for s in with_body] == [True, False]


def test_lemmas_and_entities_come_with_the_sentence() -> None:
    (p,) = parse("Over 110 people were arrested in Dhaka on Monday.")
    lemmas = {t.text: t.lemma_ for t in p.span}
    assert lemmas["arrested"] == "arrest"
    assert "Dhaka" in {e.text for e in p.span.ents}


def test_a_parse_is_cached_and_a_batch_gives_the_same_sentences() -> None:
    texts = ["Troops shelled the hill. Two died.", "Protesters marched in Lagos."]
    assert parse(texts[0])[0].span is parse(texts[0])[0].span
    batch = parse_many(texts)
    assert [[p.sentence for p in ps] for ps in batch] == [split_sentences(t) for t in texts]


def test_chunking_and_grounding_use_the_same_splitter() -> None:
    text = SEEDS[1].read_text("utf-8")
    starts = [s.start for s in split_sentences(text)]
    assert [s for s, _ in sentence_spans(text)][1:] == starts[1:]
    first = max((s.text for s in split_sentences(text)), key=len)
    invented = " Then a long invented sentence follows that no article ever said." * 6
    span = align_salvage(first + invented, text)
    assert span.start is not None and text[span.start : span.end] == first


def test_a_missing_pipeline_is_a_configuration_error() -> None:
    missing = Language(
        code="xx", pipeline="no_such_spacy_pipeline", vocabulary_file="data/lexicons.json"
    )
    with pytest.raises(ConfigurationError, match="no_such_spacy_pipeline"):
        missing.nlp()
    assert english().vocabulary()["sub_events"]
