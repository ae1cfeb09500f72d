"""Quantities in text: every number phrase that may count people, and its figures.

"Twenty-one" is 21, "more than 120" is 120 with no upper bound, "dozens" is its base
unit 12, "a soldier" is 1, "several" is a quantity with no figure. Numbers that are not
counts of people (years, dates, "48 hours", "50 kilometers", ages, ordinals) are skipped,
so a casualty clause can be scanned as a whole. Reading a count phrase into a `Count`
(which quantity is the head count, groups, sums) is `counts`'s.
"""

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from dateutil.parser import parserinfo

from llm_extract.text.language import alternation, english

_WORDS = english().vocabulary()["normalize"]
"""The language's words for quantities (data/lexicons.json, "normalize")."""
_NUMBERS: dict[str, dict[str, int]] = _WORDS["numbers"]
_SMALL = _NUMBERS["values"]
_MULTIPLIERS = _NUMBERS["multipliers"]
_BIG = _NUMBERS["scales"]
_VAGUE_UNITS: dict[str, Any] = _WORDS["vague_units"]
_VAGUE_UNIT: dict[str, int] = {**_VAGUE_UNITS["plural"], **_VAGUE_UNITS["singular"]}

_PEOPLE_PLURAL = alternation(_WORDS["people"]["plural"])
PEOPLE_SINGULAR = alternation(_WORDS["people"]["singular"])
PEOPLE = rf"(?:{_PEOPLE_PLURAL}|{PEOPLE_SINGULAR})"

# Words after a number that make it a measure, a time span or a date, not a head count.
_UNITS = frozenset(_WORDS["measure_words"])
_MONTHS = "|".join(name for names in parserinfo.MONTHS for name in names)  # dateutil's table
LOWERCASE_MONTHS = frozenset(_WORDS["lowercase_month_words"])
"""Month names that are also English words ("may", "march"): months only when capitalised."""
_MONTH_RE = re.compile(rf"(?:{_MONTHS})\.?", re.IGNORECASE)

_NUM_WORD = alternation(sorted([*_SMALL, *_MULTIPLIERS, *_BIG], key=len, reverse=True))
_W = rf"(?:{_NUM_WORD})(?![\w])"
# "and" joins number words only after a scale word: "one hundred and twenty", not "ten and 15"
_AFTER_SCALE = r"(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion))"
_WORD_NUM = (
    r"(?:(?:half\s+)?an?\s+(?=(?:dozen|hundred|thousand|million|billion)\b))?"
    rf"{_W}(?:(?:{_AFTER_SCALE}\s+and\s+|[\s-]+){_W})*"
)
_DIGIT_NUM = (
    r"(?:\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?)(?![\w%])(?![:/]\d)"
    r"(?:\s+(?:hundred|thousand|million|billion)\b)?"
)
_NUM = rf"(?:{_DIGIT_NUM}|{_WORD_NUM})"

_QUALIFIERS: dict[str, list[str]] = _WORDS["count_qualifiers"]
_LOWER = alternation(_QUALIFIERS["lower"])
_APPROX = alternation(_QUALIFIERS["approx"])
_UPPER = alternation(_QUALIFIERS["upper"])
_EXTRA = alternation(_QUALIFIERS["extra"])
_QUAL = rf"(?:(?P<lower>{_LOWER})|(?P<approx>{_APPROX})|(?P<upper>{_UPPER}))"
_START = r"(?<![\w.,$£€#/:\-])"

_NUMERIC_RE = re.compile(
    rf"{_START}(?:(?P<extra>{_EXTRA})\s+)?(?:{_QUAL}\s+)?"
    r"(?:(?P<between>between|from)\s+)?"
    rf"(?P<n1>{_NUM})"
    r"(?:(?(between)(?:\s+and\s+|\s*[-–—]\s*|\s+to\s+)|(?:\s*[-–—]\s*|\s+to\s+|\s+or\s+))"
    rf"(?P<n2>{_NUM}))?",
    re.IGNORECASE,
)
_MULTIPLIER_RE = re.compile(
    rf"{_START}(?:(?P<extra>{_EXTRA})\s+)?(?:{_QUAL}\s+)?"
    rf"(?:(?P<vm>{alternation(_VAGUE_UNITS['plural'])})"
    rf"(?:\s+of\s+(?P<vm2>{alternation(_VAGUE_UNITS['of'])}))?"
    rf"|(?:{alternation(_VAGUE_UNITS['quantifiers'])})\s+"
    rf"(?P<vs>{alternation(_VAGUE_UNITS['singular'])})s?)\b",
    re.IGNORECASE,
)
_ONE = alternation(_WORDS["one_person"])
_SINGULAR_RE = re.compile(
    rf"(?<![\w])(?:{_ONE})\s+(?:\w[\w'-]*\s+)?(?:{PEOPLE_SINGULAR})\b", re.IGNORECASE
)
_VAGUE_RE = re.compile(rf"(?<![\w])(?:{alternation(_WORDS['vague_quantities'])})\b", re.IGNORECASE)
_NEXT_WORD_RE = re.compile(r"[\s-]*([A-Za-z][\w'.]*|%)")
_PREV_WORD_RE = re.compile(r"([A-Za-z][\w'.]*)[\s,]*$")


class _Kind(Enum):
    NUMBER = "number"
    MULTIPLIER = "multiplier"
    SINGULAR = "singular"
    VAGUE = "vague"


@dataclass(frozen=True)
class CountMatch:
    """One quantity found in a text: where it is and the figures it stands for."""

    start: int
    end: int
    low: int | None
    best: int | None
    high: int | None
    kind: _Kind

    @property
    def vague(self) -> bool:
        """A quantity with no figure ("several", "others")."""
        return self.best is None

    @property
    def singular(self) -> bool:
        """One person named by an article ("a soldier"), not by a number."""
        return self.kind is _Kind.SINGULAR


def number_value(phrase: str) -> int | None:
    """Value of a number phrase: "Twenty-one" 21, "two dozen" 24, "1.5 million" 1500000."""
    tokens = re.findall(r"\d[\d,]*(?:\.\d+)?|[a-z]+", phrase.lower())
    if not tokens:
        return None
    if tokens[0] == "half":
        inner = number_value(" ".join(tokens[1:]))
        return None if inner is None else inner // 2
    total = 0.0
    current = 0.0
    seen = False
    for tok in tokens:
        if tok == "and":
            continue
        if tok in ("a", "an"):
            current = current or 1
            continue
        seen = True
        if tok[0].isdigit():
            current += float(tok.replace(",", ""))
        elif tok in _SMALL:
            current += _SMALL[tok]
        elif tok in _MULTIPLIERS:  # "hundred", "dozen"
            current = (current or 1) * _MULTIPLIERS[tok]
        elif tok in _BIG:
            total += (current or 1) * _BIG[tok]
            current = 0
        else:
            return None
    return round(total + current) if seen else None


def _next_word(text: str, pos: int) -> str:
    m = _NEXT_WORD_RE.match(text, pos)
    return m.group(1).rstrip(".") if m else ""


def _prev_word(text: str, pos: int) -> str:
    m = _PREV_WORD_RE.search(text[max(0, pos - 40) : pos])
    return m.group(1).rstrip(".") if m else ""


def _is_month(word: str) -> bool:
    """Month names and abbreviations; "may" and "march" only when capitalised."""
    if not _MONTH_RE.fullmatch(word):
        return False
    return word.lower() not in LOWERCASE_MONTHS or word[:1].isupper()


def _is_people_count(text: str, m: re.Match[str], n_end: int) -> bool:
    """False for numbers that measure time, distance or money, or that are dates or years."""
    n1 = m.group("n1")
    nxt = _next_word(text, n_end)
    if nxt.lower() in _UNITS or nxt == "%" or _is_month(nxt):
        return False
    prev = _prev_word(text, m.start("n1"))
    if _is_month(prev):
        return False
    if n1.isdigit() and len(n1) == 4 and 1800 <= int(n1) <= 2100:
        return re.fullmatch(PEOPLE, nxt, re.IGNORECASE) is not None
    return not (n1.lower() == "one" and prev.lower() == "no")


def _numeric_match(text: str, m: re.Match[str]) -> CountMatch | None:
    n_end = m.end("n2") if m.group("n2") else m.end("n1")
    if not _is_people_count(text, m, n_end):
        return None
    first = number_value(m.group("n1"))
    if first is None:
        return None
    second = number_value(m.group("n2")) if m.group("n2") else None
    if second is not None:
        lo, hi = sorted((first, second))
        return CountMatch(m.start(), m.end(), lo, lo, hi, _Kind.NUMBER)
    if m.group("lower") or m.group("approx"):
        return CountMatch(m.start(), m.end(), first, first, None, _Kind.NUMBER)
    return CountMatch(m.start(), m.end(), first, first, first, _Kind.NUMBER)


def _multiplier_match(m: re.Match[str]) -> CountMatch:
    unit = (m.group("vm") or m.group("vs")).lower()
    value = _VAGUE_UNIT[unit]
    if m.group("vm2"):
        value *= _VAGUE_UNIT[m.group("vm2").lower()]
    return CountMatch(m.start(), m.end(), value, value, None, _Kind.MULTIPLIER)


def scan_counts(text: str) -> list[CountMatch]:
    """Every quantity of people-like things in `text`, left to right, without overlaps.

    Where matches overlap the longer one wins, then figures over vague words ("several
    hundred" is the base unit 100, "as many as 20" is 20, not "many").
    """
    found: list[CountMatch] = []
    for m in _NUMERIC_RE.finditer(text):
        cm = _numeric_match(text, m)
        if cm is not None:
            found.append(cm)
    found.extend(_multiplier_match(m) for m in _MULTIPLIER_RE.finditer(text))
    found.extend(
        CountMatch(m.start(), m.end(), 1, 1, 1, _Kind.SINGULAR) for m in _SINGULAR_RE.finditer(text)
    )
    found.extend(
        CountMatch(m.start(), m.end(), None, None, None, _Kind.VAGUE)
        for m in _VAGUE_RE.finditer(text)
    )
    priority = {_Kind.NUMBER: 0, _Kind.MULTIPLIER: 1, _Kind.SINGULAR: 2, _Kind.VAGUE: 3}
    kept: list[CountMatch] = []
    for cm in sorted(found, key=lambda c: (-(c.end - c.start), priority[c.kind], c.start)):
        if all(cm.end <= k.start or cm.start >= k.end for k in kept):
            kept.append(cm)
    return sorted(kept, key=lambda c: c.start)
