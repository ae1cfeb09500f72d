"""Sentence stage: the article's sentences (text layer) and the likely event reports.

Splitting lives in the text layer (`llm_extract.text`: spaCy's parse, offsets into the
article kept). Candidate selection is a cheap keyword screen (the trigger and casualty
words of `data/lexicons.json`), so a per-sentence strategy only spends model calls on
sentences that may report an event.
"""

from __future__ import annotations

import re
from functools import lru_cache

from llm_extract.text import Sentence, split_sentences

__all__ = ["Sentence", "candidate_sentences", "is_candidate", "split_sentences"]


@lru_cache(maxsize=1)
def _cue() -> re.Pattern[str]:
    from llm_extract.rules.lexicon import lexicon  # lazy: rules imports this module

    return lexicon().cue


def is_candidate(sentence: str) -> bool:
    """Whether a sentence may report an event or casualties (a trigger or outcome word)."""
    return _cue().search(sentence) is not None


def candidate_sentences(text: str) -> list[Sentence]:
    """The sentences of `text` worth extracting from, each once (repeated lines dropped)."""
    seen: set[str] = set()
    out: list[Sentence] = []
    for sentence in split_sentences(text):
        key = " ".join(sentence.text.casefold().split())
        if key in seen or not is_candidate(sentence.text):
            continue
        seen.add(key)
        out.append(sentence)
    return out
