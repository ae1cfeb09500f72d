"""Find the date expression in a sentence, verbatim, for `normalize.resolve_date`.

The resolver turns a phrase into a range; this module only finds the phrase. Patterns
are tried from most to least specific (a full date beats a weekday beats "recently"),
so "on Tuesday, 12 January 2016" gives the explicit date.

A date inside a reporting clause ("the army said in a statement on Monday", "told
reporters on Monday", "announced Tuesday that...") dates the report, not the event, and so does a
sentence-initial date followed by a reporting verb ("On Sunday, the army announced ..."),
so `find_date_phrase` skips it; `reporting_date_phrase` returns it. A date written before
the reporting clause ("Gunmen killed five people on Monday, police said") is the event's.
"""

from __future__ import annotations

import re
from functools import lru_cache

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_NUM = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty-four|"
    r"forty-eight|few|couple of)"
)

_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"\b\d{4}-\d{2}-\d{2}\b",
        rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b",
        rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b",
        rf"\b(?:(?:late|early)\s+)?(?:(?:on|last|this|past|next)\s+)?{_WEEKDAY}"
        r"(?:\s+(?:morning|afternoon|evening|night))?(?:\s+night)?\b",
        rf"\b(?:on\s+)?{_MONTH}\s+{_DAY}\b(?!,?\s*\d)",
        rf"\b(?:on\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?![\w,]*\s*\d)",
        r"(?i:\b(?:the\s+day\s+before\s+yesterday|yesterday|today|tonight|last\s+night|"
        r"overnight|this\s+(?:morning|afternoon|evening))\b)",
        rf"(?i:\b{_NUM}\s+(?:days?|weeks?)\s+ago\b)",
        rf"(?i:\b(?:over|in|within|during|for)\s+the\s+(?:past|last|previous)\s+(?:{_NUM}\s+)?"
        r"(?:hours?|days?|weeks?)\b)",
        rf"(?i:\b(?:over|in|within|during|for)\s+(?:{_NUM})\s+(?:hours|days)\b)",
        r"(?i:\b(?:last|this|previous|past)\s+(?:week|weekend)\b|\b(?:over|at|during)\s+the\s+"
        r"weekend\b|\b(?:earlier|later)\s+this\s+week\b)",
        r"(?i:\bin\s+the\s+past\s+hours\b)",
        r"(?i:\b(?:last|this|previous)\s+month\b)",
        rf"\b(?:in|early|mid|late|since|during)[\s-]+(?:early\s+|late\s+|mid-?)?{_MONTH}"
        rf"(?:,?\s+{_YEAR})?\b",
        r"(?i:\b(?:in\s+)?recent\s+(?:days|weeks|months|years)\b|\brecently\b)",
        rf"(?i:\b(?:in|since|during|mid-|early|late)\s*{_YEAR}\b)",
        r"(?i:\b(?:last|this)\s+year\b)",
    )
)


_REPORTING = re.compile(
    r"(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bbe )(?<!\bis )(?<!\bare )"
    r"\b(?:said|says|told(?:\s+[\w'-]+){1,3}?|announced|stated|added|reported|confirmed|"
    r"tweeted|wrote|posted|disclosed|revealed|declared|briefed(?:\s+[\w'-]+){1,2}?|"
    r"(?:in|at|during)\s+(?:a|an|its|his|her|their)\s+(?:[\w'-]+\s+){0,2}?"
    r"(?:statement|communiqu[ée]|briefing|(?:press|news)\s+conference|interview|video))"
    r"(?:\s+(?:in|at|to|during|via|through)\s+[^,.;:()]{1,40}?)?(?:\s+on)?\s*$",
    re.IGNORECASE,
)
"""Text just before a date that makes the date the report's: a reporting verb and what
may follow it (where, to whom, in what form), then the date."""


_LEADING_REPORT = re.compile(
    r"^\s*,?\s*(?:[\w'’.-]+\s+){1,4}?(?:said|says|announced|stated|reported|confirmed|"
    r"told|claimed|declared|disclosed|revealed|tweeted)\b",
    re.IGNORECASE,
)
"""Text just after a sentence-initial date that makes it the report's: its subject and a
reporting verb ("On Sunday, the army announced that ...")."""
_SENTENCE_START = re.compile(r"^\W*(?:on\s+|late\s+|early\s+)?$", re.IGNORECASE)


def _reported(sentence: str, start: int, end: int) -> bool:
    if _REPORTING.search(sentence[max(0, start - 120) : start]) is not None:
        return True
    return bool(_SENTENCE_START.match(sentence[:start]) and _LEADING_REPORT.match(sentence[end:]))


@lru_cache(maxsize=1024)
def _phrases(sentence: str) -> tuple[tuple[str, bool], ...]:
    """Every pattern's first event date and first reporting date, most specific first.

    Cached: the rules ask each sentence for its event date and its report's date."""
    out: list[tuple[str, bool]] = []
    for regex in _PATTERNS:
        kinds: set[bool] = set()
        for m in regex.finditer(sentence):
            reported = _reported(sentence, m.start(), m.end())
            if reported not in kinds:
                kinds.add(reported)
                out.append((m.group(0).strip(), reported))
    return tuple(out)


def find_date_phrase(sentence: str) -> str | None:
    """The most specific date expression of the events in `sentence`, verbatim; None if
    it has none (a date of the report alone is not the events')."""
    return next((p for p, reported in _phrases(sentence) if not reported), None)


def reporting_date_phrase(sentence: str) -> str | None:
    """The date of the statement or report the sentence cites, if it gives one."""
    return next((p for p, reported in _phrases(sentence) if reported), None)
