"""The text layer: one offset-keeping sentence splitter, spaCy's analysis, one fold.

Rules, chunking and grounding read text through this package only: `parse` gives each
sentence with its offsets into the article and its spaCy span (tokens, lemmas, named
entities, dependency parse), `fold` compares text, and a `Language` holds the pipeline
and the vocabulary data file (English shipped).
"""

from llm_extract.text.fold import fold, fold_char, fold_with_map, name_key
from llm_extract.text.language import ENGLISH, Language, alternation, english
from llm_extract.text.sentences import (
    Parsed,
    Sentence,
    parse,
    parse_many,
    parse_sentence,
    split_sentences,
)

__all__ = [
    "ENGLISH",
    "Language",
    "Parsed",
    "Sentence",
    "alternation",
    "english",
    "fold",
    "fold_char",
    "fold_with_map",
    "name_key",
    "parse",
    "parse_many",
    "parse_sentence",
    "split_sentences",
]
