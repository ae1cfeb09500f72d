"""Casualty figures: count phrases to UCDP-style low / best / high (seeds/gold/FORMAT.md).

The model is asked for the phrase, code reads the figure: the quantities are found by
`quantities.scan_counts`; here the head count of a phrase is chosen (people nouns first),
groups counted one by one with no total are summed, and a model's figure is checked
against its quote.
"""

from __future__ import annotations

import re

from llm_extract.models import Count
from llm_extract.normalize.quantities import (
    PEOPLE,
    PEOPLE_SINGULAR,
    CountMatch,
    number_value,
    scan_counts,
)
from llm_extract.text.language import alternation, english

__all__ = [
    "CountMatch",
    "count_supported",
    "find_count_phrase",
    "number_value",
    "parse_count",
    "scan_counts",
    "victim_groups",
]

_WORDS = english().vocabulary()["normalize"]
_COUNT_WORDS: dict[str, list[str]] = _WORDS["counts"]
_PEOPLE_AFTER_RE = re.compile(
    rf"(?:\s+of)?(?:\s+(?!(?:{alternation(_COUNT_WORDS['not_before_people'])})\b)"
    rf"[A-Za-z][\w'-]*){{0,2}}?\s+(?:{PEOPLE})\b",
    re.IGNORECASE,
)
_FUNCTION_WORDS = frozenset(_WORDS["function_words"])
"""Words that end the noun phrase after a quantity ("five were killed", "ten of them")."""


def _phrase_end(text: str, cm: CountMatch) -> tuple[int, bool]:
    """Where the noun phrase after a quantity ends, and whether it names people."""
    if cm.singular:
        return cm.end, True
    m = _PEOPLE_AFTER_RE.match(text, cm.end)
    if m:
        return m.end(), True
    end = cm.end
    for _ in range(2):
        w = re.match(r"\s+([A-Za-z][\w'-]*)", text[end:])
        if not w or w.group(1).lower() in _FUNCTION_WORDS:
            break
        end += w.end()
    return end, False


def _best_match(text: str) -> tuple[CountMatch, int] | None:
    """The quantity most likely to be the head count: people nouns first, then figures."""
    ranked: list[tuple[int, int, int, CountMatch, int]] = []
    for cm in scan_counts(text):
        end, people = _phrase_end(text, cm)
        ranked.append((0 if people else 1, 1 if cm.vague else 0, cm.start, cm, end))
    if not ranked:
        return None
    best = min(ranked, key=lambda r: r[:3])
    return best[3], best[4]


_PEOPLE_TAIL = re.compile(rf"(?:\s+[A-Za-z][\w'-]*)?\s+(?:{PEOPLE})", re.IGNORECASE)
_GROUP_JOIN = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def victim_groups(phrase: str) -> list[tuple[str, Count]]:
    """The groups of a phrase that counts several kinds of people with no total.

    "10 soldiers and two civilian drivers" gives ("soldiers", 10) and ("civilian drivers",
    2). Every part must be a figure followed by its people noun, so a clause, a
    breakdown ("including three children") or a vague part ("dozens") gives no groups.
    """
    parts = [p for p in _GROUP_JOIN.split((phrase or "").strip().rstrip(".,;")) if p]
    if len(parts) < 2:
        return []
    groups: list[tuple[str, Count]] = []
    for part in parts:
        found = _best_match(part)
        if found is None:
            return []
        cm, end = found
        rest = part[end:]
        if rest.strip() and not _PEOPLE_TAIL.fullmatch(rest):  # "two civilian drivers"
            return []
        if cm.vague or part[: cm.start].strip() or not _phrase_end(part, cm)[1]:
            return []
        label = part[cm.end :].strip() if not cm.singular else part
        label = re.sub(r"^(?:an?|one|of)\s+", "", label, flags=re.IGNORECASE)
        groups.append((label, Count(low=cm.low, best=cm.best, high=cm.high, text=part)))
    return groups


def _sum(values: list[int | None]) -> int | None:
    """Sum of the groups' figures for one bound; unknown if any group leaves it unknown."""
    known = [v for v in values if v is not None]
    return sum(known) if len(known) == len(values) else None


_OUTCOME_VERB = rf"(?:{alternation(_COUNT_WORDS['outcome_stems'])})(?:ed|ing)"
_SHARED = re.compile(rf"\s*{_OUTCOME_VERB}\s+and\s+{_OUTCOME_VERB}\s", re.IGNORECASE)
"""Two outcome verbs sharing one count ("killed and injured hundreds", "killing and
wounding several people"): the phrase gives neither outcome a figure."""
_ONE_PERSON = re.compile(
    rf"(?:{alternation(_COUNT_WORDS['definite'])})\s+(?:[A-Za-z][\w'-]*\s+)?"
    rf"(?:{PEOPLE_SINGULAR}|{alternation(_COUNT_WORDS['one_person_nouns'])})",
    re.IGNORECASE,
)
"""One definite person ("the driver", "the other bomber"): a count of one."""


def parse_count(text: str) -> Count:
    """Read a count phrase into a Count following FORMAT.md's table; `text` kept verbatim.

    Phrases with no figure ("several", "a large amount of human losses", "48 hours") give
    a Count whose low/best/high are all None. A phrase that counts several groups with no
    total ("three rebels and a soldier") gives their sum.
    """
    if _SHARED.match(text or ""):
        return Count(text=text)  # "killed and injured hundreds": how many of each is unsaid
    if _ONE_PERSON.fullmatch((text or "").strip()):
        return Count(low=1, best=1, high=1, text=text)
    groups = victim_groups(text or "")
    if groups:
        counts = [count for _, count in groups]
        return Count(
            low=_sum([c.low for c in counts]),
            best=_sum([c.best for c in counts]),
            high=_sum([c.high for c in counts]),
            text=text,
        )
    found = _best_match(text or "")
    if found is None or found[0].vague:
        return Count(text=text or "")
    cm = found[0]
    return Count(low=cm.low, best=cm.best, high=cm.high, text=text)


def find_count_phrase(clause: str) -> str | None:
    """The count phrase in a casualty clause, verbatim: in "Twenty-one civilians were killed
    in Russian raids" it is "Twenty-one civilians". None when the clause has no quantity."""
    found = _best_match(clause or "")
    if found is None:
        return None
    cm, end = found
    return clause[cm.start : end].strip()


def count_supported(count: Count, quote: str) -> bool:
    """Whether `quote` states the figure `count.best` (so a model's number is not invented).

    A figure is supported when some quantity in the quote reads as that best value, or
    the value lies within a range the quote gives, or the count is the sum of groups the
    quote names one by one. A count with no best figure is supported when the quote gives
    no figure either, only a vague quantity or none.
    """
    groups = victim_groups(count.text)
    if groups and all(g.text.casefold() in (quote or "").casefold() for _, g in groups):
        return True  # stated group by group: "three rebels and a soldier" supports 4
    matches = scan_counts(quote or "")
    if count.best is None:
        return all(m.vague for m in matches)
    for m in matches:
        if m.best == count.best:
            return True
        if m.low is not None and m.high is not None and m.low <= count.best <= m.high:
            return True
    return False
