"""Ground model-given quotes and names in the article text.

A quote only counts as evidence if it can be found in the article, and the offsets must
point into the ORIGINAL text so a reader (or the evaluator) can slice the passage out.
Alignment is tried from cheapest and strictest to loosest: exact `str.find`, then a match
after folding (whitespace incl. NBSP, curly quotes, dashes, ellipsis, case, diacritics),
then rapidfuzz's partial alignment for longer quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rapidfuzz import fuzz

from llm_extract.models import AlignmentStatus, Span
from llm_extract.text import fold, fold_with_map, split_sentences

MIN_FUZZY_CHARS = 12
"""Shorter quotes are too easy to match by accident, so they never align fuzzily."""

_QUOTE_MARKS = "\"' "
_EDGE_PUNCT = "\"'.,;:!?()[] -"
_SHORT_CAPS = re.compile(r"[A-Z0-9]{1,4}")


def _span_from_folded(
    quote: str,
    text: str,
    index: list[int],
    start: int,
    end: int,
    status: AlignmentStatus,
    score: float,
) -> Span:
    """Map a folded [start, end) back to the original text, trimming edge whitespace.

    Fuzzy windows may begin or end inside a word; they are widened to whole words.
    """
    o_start = index[start]
    o_end = index[end - 1] + 1
    if status is AlignmentStatus.FUZZY:
        while o_start > 0 and text[o_start - 1].isalnum() and text[o_start].isalnum():
            o_start -= 1
        while o_end < len(text) and text[o_end - 1].isalnum() and text[o_end].isalnum():
            o_end += 1
    while o_start < o_end and text[o_start].isspace():
        o_start += 1
    while o_end > o_start and text[o_end - 1].isspace():
        o_end -= 1
    return Span(quote=quote, start=o_start, end=o_end, status=status, score=score)


def align(quote: str, text: str, *, threshold: float = 85.0) -> Span:
    """Find `quote` in `text`; `text[span.start:span.end]` is the grounded passage.

    Status is `exact` (verbatim), `normalized` (equal after folding, or after trimming
    quotation marks and edge punctuation the model added), `fuzzy` (rapidfuzz partial
    alignment scoring at least `threshold`, quotes of at least 12 characters only) or
    `not_found` (offsets None).
    """
    if not quote or not quote.strip() or not text:
        return Span(quote=quote, status=AlignmentStatus.NOT_FOUND)
    pos = text.find(quote)
    if pos >= 0:
        return Span(
            quote=quote,
            start=pos,
            end=pos + len(quote),
            status=AlignmentStatus.EXACT,
            score=100.0,
        )
    folded_text, index = fold_with_map(text)
    folded_quote = fold(quote)
    if not folded_quote or not folded_text:
        return Span(quote=quote, status=AlignmentStatus.NOT_FOUND)
    candidates = (folded_quote, folded_quote.strip(_QUOTE_MARKS), folded_quote.strip(_EDGE_PUNCT))
    for candidate in dict.fromkeys(candidates):
        if not candidate:
            continue
        pos = folded_text.find(candidate)
        if pos >= 0:
            return _span_from_folded(
                quote,
                text,
                index,
                pos,
                pos + len(candidate),
                AlignmentStatus.NORMALIZED,
                100.0,
            )
    if len(folded_quote) < MIN_FUZZY_CHARS:
        return Span(quote=quote, status=AlignmentStatus.NOT_FOUND)
    result = fuzz.partial_ratio_alignment(folded_quote, folded_text, score_cutoff=threshold)
    if result is None or result.dest_end <= result.dest_start:
        return Span(quote=quote, status=AlignmentStatus.NOT_FOUND)
    return _span_from_folded(
        quote,
        text,
        index,
        result.dest_start,
        result.dest_end,
        AlignmentStatus.FUZZY,
        round(float(result.score), 2),
    )


def _word_pattern(tokens: list[str]) -> str:
    """Tokens joined so that hyphens, spaces and light punctuation between them may vary."""
    return r"\W{0,3}".join(re.escape(t) for t in tokens)


def find_mention(name: str, text: str) -> Span:
    """Whether a name (actor or place) occurs in `text` as whole words: its first occurrence.

    Case, diacritics, quotes and hyphen/space differences are folded ("al-Nusra Front"
    finds "Al Nusra Front"), but short all-capital names such as "IS" or "UN" are matched
    case-sensitively so they do not match the words "is" or "un-". No fuzzy matching:
    a name either occurs or it does not. An exact occurrence is preferred to a folded one.
    """
    found = next(_exact_mentions(name, text), None)
    if found is None and not _SHORT_CAPS.fullmatch(name.strip() if name else ""):
        found = next(_folded_mentions(name, text), None)
    return found or Span(quote=name, status=AlignmentStatus.NOT_FOUND)


def find_mentions(name: str, text: str) -> list[Span]:
    """Every occurrence of a name in `text`, in order, matched as `find_mention` matches."""
    if _SHORT_CAPS.fullmatch(name.strip() if name else ""):
        return list(_exact_mentions(name, text))
    return list(_folded_mentions(name, text))


def _exact_mentions(name: str, text: str) -> Iterator[Span]:
    stripped = name.strip() if name else ""
    if not stripped or not text:
        return
    for m in re.finditer(rf"(?<!\w){re.escape(stripped)}(?!\w)", text):
        yield Span(
            quote=name, start=m.start(), end=m.end(), status=AlignmentStatus.EXACT, score=100.0
        )


def _folded_mentions(name: str, text: str) -> Iterator[Span]:
    tokens = re.findall(r"\w+", fold(name.strip())) if name else []
    if not tokens or not text:
        return
    folded_text, index = fold_with_map(text)
    for m in re.finditer(rf"(?<!\w){_word_pattern(tokens)}(?!\w)", folded_text):
        yield _span_from_folded(
            name, text, index, m.start(), m.end(), AlignmentStatus.NORMALIZED, 100.0
        )


MIN_PART_CHARS = 25


def align_salvage(quote: str, text: str, *, threshold: float = 85.0) -> Span:
    """Align a quote; failing that, its longest sentence the article really contains.

    Small models often copy a real sentence and then keep writing. The copied sentence is
    good evidence and the invented rest is not, so keep the part that aligns and let the
    caller replace the quote with the article's own words.
    """
    span = align(quote, text, threshold=threshold)
    if span.status is not AlignmentStatus.NOT_FOUND:
        return span
    best: Span | None = None
    for sentence in split_sentences(quote):
        part = sentence.text
        if len(part) < MIN_PART_CHARS:
            continue
        found = align(part, text, threshold=threshold)
        if found.start is None or found.end is None:
            continue
        if best is None or (found.end - found.start) > ((best.end or 0) - (best.start or 0)):
            best = found
    if best is None:
        return span
    return best.model_copy(update={"quote": quote})
