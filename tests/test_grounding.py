"""Quotes and names are grounded with offsets into the original article text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_extract.grounding import align, find_mention
from llm_extract.models import AlignmentStatus
from llm_extract.normalize import fold

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DOC_000 = "000_4c7802ff51b8819f"
DOC_003 = "003_083b7cf5f0b80020"


def _text(doc_id: str) -> str:
    return (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")


def _gold_quotes(doc_id: str) -> list[str]:
    gold = json.loads((SEEDS / "gold" / f"{doc_id}.gold.json").read_text(encoding="utf-8"))
    quotes = [q for event in gold["events"] for q in event["evidence"]]
    return quotes + [c["evidence"] for c in gold["casualties"]]


@pytest.mark.parametrize("doc_id", [DOC_000, DOC_003])
def test_every_gold_evidence_quote_aligns_exactly(doc_id: str) -> None:
    text = _text(doc_id)
    for quote in _gold_quotes(doc_id):
        span = align(quote, text)
        assert span.status is AlignmentStatus.EXACT, quote
        assert span.start is not None and span.end is not None
        assert text[span.start : span.end] == quote


def test_quote_typed_with_plain_spaces_aligns_over_nbsp_in_seed_003() -> None:
    text = _text(DOC_003)
    quote = (
        "The Syrian Observatory for Human Rights reported Monday morning that intense "
        "clashes had raged overnight"
    )
    assert quote not in text  # the article has U+00A0 around "reported"
    span = align(quote, text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert span.start is not None and span.end is not None
    passage = text[span.start : span.end]
    assert "\u00a0" in passage
    assert passage.replace("\u00a0", " ") == quote


def test_nbsp_quote_from_a_second_passage_in_seed_003() -> None:
    text = _text(DOC_003)
    quote = "the Beirut-based network claimed in a report filed late Sunday night"
    span = align(quote, text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end].replace("\u00a0", " ") == quote


def test_curly_quotes_and_dashes_in_the_quote_match_straight_ones_in_the_text() -> None:
    text = 'He said "the town fell" - a major blow.'
    span = align("He said “the town fell” — a major blow.", text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert (span.start, span.end) == (0, len(text))


def test_straight_quote_and_hyphen_match_em_dash_and_curly_text() -> None:
    text = "brigades—including Al-Nusra Front and “Ahrar al-Sham”—as well"
    span = align('brigades-including Al-Nusra Front and "Ahrar al-Sham"', text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end] == "brigades—including Al-Nusra Front and “Ahrar al-Sham”"


def test_three_dots_match_the_ellipsis_character() -> None:
    text = "intensive shelling by regime forces… amid an advance"
    span = align("shelling by regime forces... amid an advance", text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end] == "shelling by regime forces… amid an advance"


def test_quotation_marks_the_model_added_around_a_quote_are_ignored() -> None:
    text = _text(DOC_003)
    quote = "“The clashes have coincided with dozens of strikes by Russian warplanes”"
    span = align(quote, text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end] == quote.strip("“”")


def test_case_difference_is_normalized() -> None:
    text = "Syrian regime troops took control of SALMA."
    span = align("took control of Salma", text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert span.start is not None
    assert text[span.start : span.end] == "took control of SALMA"


def test_offsets_stay_right_after_characters_that_fold_to_several() -> None:
    # "ß" folds to "ss" and the ellipsis to "...": offsets must still point into the original
    text = "Die Straße… und “THE TOWN OF SALMA” fell"
    span = align('the town of salma" fell', text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert span.start is not None and span.end is not None
    assert text[span.start : span.end] == "THE TOWN OF SALMA” fell"


def test_quote_with_a_diacritic_present_in_the_text_aligns_exactly() -> None:
    text = "Raids hit Maʿarrat al-Nuʿmān, a town in Idlib province."
    span = align("Maʿarrat al-Nuʿmān", text)
    assert span.status is AlignmentStatus.EXACT
    assert span.start is not None
    assert text[span.start : span.end] == "Maʿarrat al-Nuʿmān"


def test_diacritics_missing_from_the_quote_are_folded() -> None:
    text = "Fighting near Jisr al-Shughūr continued."
    span = align("near Jisr al-Shughur continued", text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert span.start is not None
    assert text[span.start : span.end] == "near Jisr al-Shughūr continued"


def test_a_different_transliteration_is_not_aligned() -> None:
    text = _text(DOC_000)
    span = align("Ma'arrat al-Nu‘man", text)
    assert span.status is AlignmentStatus.NOT_FOUND
    assert span.start is None and span.end is None


def test_fuzzy_alignment_for_a_slightly_misquoted_passage() -> None:
    text = _text(DOC_000)
    quote = "Twenty one civilians were killed in Russian raid on Maaret al-Numan"
    span = align(quote, text)
    assert span.status is AlignmentStatus.FUZZY
    assert span.score is not None and span.score >= 85
    assert span.start is not None and span.end is not None
    passage = text[span.start : span.end]
    assert "Russian raids on Maaret al-Numan" in passage
    assert fold(passage).startswith("twenty")


def test_fuzzy_threshold_is_respected() -> None:
    text = _text(DOC_000)
    quote = "Twenty one civilians were killed in Russian raid on Maaret al-Numan"
    assert align(quote, text, threshold=99.5).status is AlignmentStatus.NOT_FOUND


def test_short_quotes_never_align_fuzzily() -> None:
    text = _text(DOC_000)
    assert align("Salmx town", text).status is AlignmentStatus.NOT_FOUND


def test_absent_and_empty_quotes_are_not_found() -> None:
    text = _text(DOC_000)
    for quote in ("", "   ", "Houthi rebels shelled the port of Hodeidah on Friday evening"):
        span = align(quote, text)
        assert span.status is AlignmentStatus.NOT_FOUND
        assert span.start is None and span.end is None
        assert span.quote == quote


def test_find_mention_is_word_bounded_and_folds_case_and_hyphens() -> None:
    text = "Opposition forces - including the al-Nusra Front - hold Salmaville."
    span = find_mention("Al Nusra Front", text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert span.start is not None
    assert text[span.start : span.end] == "al-Nusra Front"
    assert find_mention("Salma", text).status is AlignmentStatus.NOT_FOUND
    exact = find_mention("Opposition forces", text)
    assert exact.status is AlignmentStatus.EXACT and exact.start == 0


def test_find_mention_short_acronyms_are_case_sensitive() -> None:
    text = "Russia claims it is in Syria to fight Islamic State (IS) militants."
    span = find_mention("IS", text)
    assert span.status is AlignmentStatus.EXACT
    assert span.start is not None
    assert text[span.start : span.end] == "IS"
    assert find_mention("IS", "Russia claims it is in Syria.").status is AlignmentStatus.NOT_FOUND


def test_find_mention_folds_diacritics_and_nbsp() -> None:
    text = "talks in Genève\u00a0Switzerland"
    span = find_mention("Geneve Switzerland", text)
    assert span.status is AlignmentStatus.NORMALIZED
    assert span.start is not None
    assert text[span.start : span.end] == "Genève\u00a0Switzerland"


def test_find_mention_on_seed_actor_mentions() -> None:
    text = _text(DOC_003)
    for name in ("Hezbollah", "NDF", "Ahrar al-Sham", "Russia's Air Force", "Assad's forces"):
        assert find_mention(name, text).status is AlignmentStatus.EXACT, name
    assert find_mention("al-nusra front", text).status is AlignmentStatus.NORMALIZED


def test_find_mentions_gives_every_occurrence_folded_but_short_capitals_exact() -> None:
    from llm_extract.grounding import find_mentions

    text = "Al-Nusra Front fighters... The al Nusra front said; UN staff left an un-lit road. UN."
    assert [text[s.start : s.end] for s in find_mentions("al-Nusra Front", text)] == [
        "Al-Nusra Front",
        "al Nusra front",
    ]
    assert [s.start for s in find_mentions("UN", text)] == [52, 82]
    assert find_mentions("Hezbollah", text) == []
