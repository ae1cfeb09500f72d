"""The one sentence splitter: spaCy's parse, with character offsets into the article.

Evidence must be a verbatim slice of the article, so every sentence keeps its start and
end offsets into the original text (`text[s.start:s.end] == s.text`). Each line of the
article (a paragraph, headline, dateline or caption; a line wrapped mid-sentence joins
the next) is parsed on its own, so a headline with no full stop never runs into the body;
within a line, spaCy's dependency parse decides where sentences end, which copes with
abbreviations, initials and quotes without a hand-kept list. The parse is kept with each
sentence (`Parsed`) so rules read lemmas, entities and syntax from the same analysis,
and the last few articles' analyses are cached, so the rules, chunking and grounding
parse an article once.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from llm_extract.text.language import Language, english

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MAX_BLOCK_CHARS = 20_000
"""A longer line (no line breaks in a whole report) is parsed in pieces cut at whitespace,
which bounds the parser's memory."""

_BLOCK = re.compile(r"[^\n]+")
_CREDIT = re.compile(r"[\[(][^\])]{1,60}[\])]\s*$")
_END = (".", "!", "?", "…", ":", ";")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its verbatim text and where it sits in the article."""

    text: str
    start: int
    end: int
    block: int
    """Index of the line (paragraph, headline or caption) the sentence belongs to."""
    headline: bool = False
    """True for a line that does not end like prose (titles, datelines, captions), in an
    article that has prose lines too."""


@dataclass(frozen=True)
class Parsed:
    """A sentence with its spaCy span (tokens, lemmas, entities, dependency parse)."""

    sentence: Sentence
    span: Span
    base: int
    """Index in `span.doc` of the sentence's first character."""

    def at(self, token: Token) -> int:
        """Offset of `token` in `sentence.text`."""
        return int(token.idx) - self.base

    def end_of(self, token: Token) -> int:
        """Offset just after `token` in `sentence.text`."""
        return int(token.idx) + len(token.text) - self.base


def _is_headline(line: str) -> bool:
    stripped = line.strip().rstrip("\"'”’")
    if _CREDIT.search(stripped):
        return True  # photo captions end with a credit: "(AFP)", "[Reuters]"
    return not stripped.endswith(_END)


def blocks(text: str) -> list[tuple[int, str]]:
    """Lines as (offset, text); a line wrapped mid-sentence joins the next one."""
    out: list[tuple[int, str]] = []
    wrap = False
    for m in _BLOCK.finditer(text):
        line = m.group(0)
        if not line.strip():
            continue
        if wrap and out and line.lstrip()[:1].islower():
            start, _ = out[-1]
            out[-1] = (start, text[start : m.end()])
        else:
            out.append((m.start(), line))
        gap_after = text[m.end() : m.end() + 2]
        wrap = gap_after[:1] == "\n" and gap_after[1:2] not in ("\n", "\r")
    return out


def _pieces(offset: int, block: str) -> list[tuple[int, str]]:
    """A block cut at whitespace into parts of at most `MAX_BLOCK_CHARS`."""
    out: list[tuple[int, str]] = []
    start = 0
    while len(block) - start > MAX_BLOCK_CHARS:
        cut = block.rfind(" ", start + 1, start + MAX_BLOCK_CHARS)
        cut = cut if cut > start else start + MAX_BLOCK_CHARS
        out.append((offset + start, block[start:cut]))
        start = cut
    out.append((offset + start, block[start:]))
    return out


def _continues(previous: str, piece: str, cased: bool = True) -> bool:
    """A piece the parser cut off that a reader would not: it starts in lower case after
    no sentence-final mark ("al-Assad, etc. and"), or is bare punctuation. In text that
    has lost its capitals (`cased` False: MUC-4's wire copy) a lower-case start says
    nothing, so a piece after a full stop is a sentence of its own."""
    if not any(ch.isalnum() for ch in piece):
        return True
    ends = ("!", "?", "…") if cased else ("!", "?", "…", ".")
    return piece[:1].islower() and not previous.rstrip("\"'”’)]").endswith(ends)


def _trim(span: Span) -> Span:
    """The span without the whitespace tokens at its edges (outside the sentence text)."""
    first, last = span.start, span.end
    while first < last - 1 and span.doc[first].is_space:
        first += 1
    while last - 1 > first and span.doc[last - 1].is_space:
        last -= 1
    return span.doc[first:last]


def _sentences(doc: Doc, offset: int, index: int, headline: bool) -> list[Parsed]:
    text = doc.text
    cased = any(ch.isupper() for ch in text)
    out: list[Parsed] = []
    for sent in doc.sents:
        raw = text[sent.start_char : sent.end_char]
        body = raw.strip()
        if not body:
            continue
        base = sent.start_char + len(raw) - len(raw.lstrip())
        if out and _continues(out[-1].sentence.text, body, cased):
            prev = out[-1]
            span = _trim(doc[prev.span.start : sent.end])
            joined = text[prev.base : base + len(body)]
            merged = replace(prev.sentence, text=joined, end=offset + base + len(body))
            out[-1] = Parsed(merged, span, prev.base)
            continue
        start = offset + base
        sentence = Sentence(body, start, start + len(body), index, headline)
        out.append(Parsed(sentence, _trim(sent), base))
    return out


def parse_many(texts: Iterable[str], language: Language | None = None) -> list[list[Parsed]]:
    """Every sentence of each text, parsed in one `nlp.pipe` batch (for many articles)."""
    nlp = (language or english()).nlp()
    jobs: list[tuple[int, int, int, bool, str]] = []  # text no, block no, offset, head, text
    for t, text in enumerate(texts):
        found = blocks(text)
        heads = [_is_headline(line) for _, line in found]
        prose = not all(heads)  # no line reads as prose: the whole text is the report
        for b, (offset, line) in enumerate(found):
            for start, piece in _pieces(offset, line):
                jobs.append((t, b, start, heads[b] and prose, piece))
    n_texts = max((j[0] for j in jobs), default=-1) + 1
    out: list[list[Parsed]] = [[] for _ in range(n_texts)]
    docs = nlp.pipe(j[4] for j in jobs)
    for (t, b, start, head, _), doc in zip(jobs, docs, strict=True):
        out[t].extend(_sentences(doc, start, b, head))
    return out


@lru_cache(maxsize=16)
def _parse_cached(text: str, language: Language) -> tuple[Parsed, ...]:
    parsed = parse_many([text], language)
    found = tuple(parsed[0]) if parsed else ()
    _remember(found, language)
    return found


RECENT_SENTENCES = 4096
"""Sentences of recently parsed articles kept by text, so a rule handed a bare sentence
of an article reads the article's parse instead of parsing it again."""
_recent: dict[tuple[str, str], Parsed] = {}
_recent_lock = threading.Lock()


def _remember(found: Iterable[Parsed], language: Language) -> None:
    with _recent_lock:
        for p in found:
            _recent[(language.pipeline, p.sentence.text)] = p
        while len(_recent) > RECENT_SENTENCES:
            del _recent[next(iter(_recent))]


def parse(text: str, language: Language | None = None) -> list[Parsed]:
    """Every sentence of `text` with its parse (the last 16 texts' parses are cached)."""
    return list(_parse_cached(text, language or english()))


@lru_cache(maxsize=512)
def _parse_one(text: str, language: Language) -> Parsed:
    doc = language.nlp()(text)
    return Parsed(Sentence(text, 0, len(text), 0), doc[:], 0)


def parse_sentence(text: str, language: Language | None = None) -> Parsed:
    """`text` parsed as one sentence, offsets relative to it (for rules called on a bare
    sentence rather than an article): the parse of a recently parsed article's sentence
    when `text` is one, else `text` parsed on its own."""
    lang = language or english()
    found = _recent.get((lang.pipeline, text))
    return found if found is not None else _parse_one(text, lang)


def split_sentences(text: str, language: Language | None = None) -> list[Sentence]:
    """Every sentence of `text` in order; offsets index the original string."""
    return [p.sentence for p in parse(text, language)]
