"""Find the date expression in a sentence, verbatim, for `normalize.resolve_date`.

The resolver turns a phrase into a range; this module only finds the phrase. Patterns
are tried from most to least specific (a full date beats a weekday beats "recently"),
so "on Tuesday, 12 January 2016" gives the explicit date.
"""

from __future__ import annotations

import re

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


def find_date_phrase(sentence: str) -> str | None:
    """The most specific date expression in `sentence`, verbatim; None if it has none."""
    for regex in _PATTERNS:
        m = regex.search(sentence)
        if m:
            return m.group(0).strip()
    return None
