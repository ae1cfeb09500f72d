"""Sentence stage: split an article into sentences with offsets, and pick likely reports.

Evidence must be a verbatim slice of the article, so every sentence keeps its start and
end offsets into the original text (`text[s.start:s.end] == s.text`). Splitting is
rule-based and tuned for news copy: abbreviations ("Aug.", "Gen.", "U.N."), initials,
ellipses, closing quotes, non-breaking spaces, and headline or caption lines with no
final full stop (each line of the article is a block of its own). Candidate selection is
a cheap keyword screen (the trigger and casualty words of `data/lexicons.json`), so a
per-sentence strategy only spends model calls on sentences that may report an event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


def _wordset(words: str) -> frozenset[str]:
    """A set from a whitespace-separated word list (keeps long vocabularies readable)."""
    return frozenset(words.split())


# Words that end with a full stop without ending the sentence.
ABBREVIATIONS = _wordset(
    """
    mr mrs ms dr prof gen lt col maj capt cpt sgt cpl adm brig cmdr gov sen rep rev fr sr jr
    st mt ft no nos vs etc inc ltd co corp dept univ est approx fig al pres amb hon
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
# After an initialism ("U.S.", "U.N.") a sentence ends only if a typical opener follows.
_OPENERS = _wordset(
    """
    the a an he she it they we i in on at but and this that these those there his her their
    its our after before when while meanwhile however according earlier later some many
    """
)

_BLOCK = re.compile(r"[^\n]+")
# End punctuation, optional closing quotes/brackets, then whitespace (NBSP included).
_BOUNDARY = re.compile(r"(?:[.!?]+|…|\.\.\.)[\"'”’»)\]]*(?=[\s\u00a0]+)")
_NEXT = re.compile(r"[\s\u00a0]+([\"'“‘«(\[]?)(\S*)")
_PREV_WORD = re.compile(r"([\w.]+)$")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?$")
_CREDIT = re.compile(r"[\[(][^\])]{1,60}[\])]\s*$")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its verbatim text and where it sits in the article."""

    text: str
    start: int
    end: int
    block: int
    """Index of the line (paragraph, headline or caption) the sentence belongs to."""
    headline: bool = False
    """True for a line that does not end like prose (titles, datelines, captions)."""


def _is_boundary(block: str, end: int) -> bool:
    """Whether the punctuation ending at `end` closes a sentence."""
    punct = block[:end].rstrip("\"'”’»)]")
    nxt = _NEXT.match(block, end)
    if nxt is None:
        return True
    opener, word = nxt.group(1), nxt.group(2)
    first = word[:1]
    if not first:
        return True
    if punct.endswith(("…", "...")):
        return bool(opener) or first.isupper()
    if first.islower() and not opener:
        return False  # "al-Assad, etc. and" / "2 p.m. local time"
    if punct.endswith("."):
        prev = _PREV_WORD.search(punct[:-1])
        token = prev.group(1) if prev else ""
        if token.lower().rstrip(".") in ABBREVIATIONS:
            return False
        if _INITIALISM.fullmatch(token + ".") or (len(token) == 1 and token.isupper()):
            return word.strip("\"'“‘«(").lower() in _OPENERS
    return True


def _split_block(block: str, offset: int, index: int) -> list[Sentence]:
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(block):
        if not _is_boundary(block, m.end()):
            continue
        out.extend(_piece(block, start, m.end(), offset, index))
        start = m.end()
    out.extend(_piece(block, start, len(block), offset, index))
    return out


def _piece(block: str, start: int, end: int, offset: int, index: int) -> list[Sentence]:
    raw = block[start:end]
    lead = len(raw) - len(raw.lstrip())
    body = raw.strip()
    if not body:
        return []
    s = offset + start + lead
    return [Sentence(text=body, start=s, end=s + len(body), block=index)]


def _is_headline(line: str) -> bool:
    stripped = line.strip().rstrip("\"'”’")
    if _CREDIT.search(stripped):
        return True  # photo captions end with a credit: "(AFP)", "[Reuters]"
    return not stripped.endswith((".", "!", "?", "…", ":", ";"))


def _blocks(text: str) -> list[tuple[int, str]]:
    """Lines as (offset, text); a line wrapped mid-sentence joins the next one."""
    blocks: list[tuple[int, str]] = []
    wrap = False
    for m in _BLOCK.finditer(text):
        line = m.group(0)
        if not line.strip():
            continue
        if wrap and blocks and line.lstrip()[:1].islower():
            start, _ = blocks[-1]
            blocks[-1] = (start, text[start : m.end()])
        else:
            blocks.append((m.start(), line))
        gap_after = text[m.end() : m.end() + 2]
        wrap = gap_after[:1] == "\n" and gap_after[1:2] not in ("\n", "\r")
    return blocks


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of `text` in order; offsets index the original string."""
    out: list[Sentence] = []
    for index, (offset, line) in enumerate(_blocks(text)):
        headline = _is_headline(line)
        for sentence in _split_block(line, offset, index):
            out.append(
                sentence if not headline else Sentence(**{**sentence.__dict__, "headline": True})
            )
    return out


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
