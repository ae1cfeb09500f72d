"""Sentence stage: the article's sentences (text layer) and the likely event reports.

Splitting lives in the text layer (`llm_extract.text`: spaCy's parse, offsets into the
article kept). Candidate selection is the rules' own trigger screen: the lexicons'
patterns (multiword cues, outcome words) and the triggers the parse reads by lemma
(`rules.syntax`: "pounded", "nabbed", "staged rallies", "left seven people dead"), so a
per-sentence strategy asks the model about the same sentences the rules read. A bare harm
word ("attacks", "kill") counts where the parse anchors it to an act as the rules do
(`rules.harm`: "shot 16 peasants", "the August 10 attack on worshipers"), not as a topic
("the murder case").
"""

from __future__ import annotations

from llm_extract.rules.harm import anchored
from llm_extract.rules.lexicon import lexicon
from llm_extract.rules.syntax import HARM, lemma_triggers, outcome_complements
from llm_extract.text import Parsed, Sentence, fold, parse, parse_sentence, split_sentences

__all__ = ["Sentence", "candidate_sentences", "is_candidate", "split_sentences"]


def is_candidate(sentence: str | Parsed) -> bool:
    """Whether a sentence may report an event or casualties: a trigger or outcome word of
    the lexicons, or a trigger or outcome the parse reads by lemma (a bare string is
    parsed here; an article's sentences come parsed from `candidate_sentences`)."""
    text = sentence if isinstance(sentence, str) else sentence.sentence.text
    if lexicon().cue.search(text) is not None:
        return True
    parsed = parse_sentence(text) if isinstance(sentence, str) else sentence
    if any(t.kind != HARM or anchored(parsed, t) for t in lemma_triggers(parsed)):
        return True
    return bool(outcome_complements(parsed))


def candidate_sentences(text: str) -> list[Sentence]:
    """The sentences of `text` worth extracting from, each once (repeated lines dropped)."""
    seen: set[str] = set()
    out: list[Sentence] = []
    for parsed in parse(text):
        sentence = parsed.sentence
        key = fold(sentence.text)
        if key in seen or not is_candidate(parsed):
            continue
        seen.add(key)
        out.append(sentence)
    return out
