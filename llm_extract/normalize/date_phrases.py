"""The English phrases `dates` reads: full, partial and relative date expressions.

Month and weekday names come from dateutil's parser tables; count words, the words that
lead a month name, relative days and planning words from the language's vocabulary
(data/lexicons.json, "normalize"/"dates"); the rest is the wording FORMAT.md's Dates
rules name ("ago", "last week", "over the weekend", "recently", ...).
"""

from __future__ import annotations

import re

from dateutil.parser import parserinfo

from llm_extract.text.language import alternation, english

_WORDS = english().vocabulary()["normalize"]
_DATES = _WORDS["dates"]
LOWERCASE_MONTHS = frozenset(_WORDS["lowercase_month_words"])
"""Month names that are also English words ("may", "march"): months only when capitalised."""
INFO = parserinfo()
_MONTH_NAMES = sorted((n for names in INFO.MONTHS for n in names), key=len, reverse=True)
_WEEKDAY_NAMES = sorted((n for names in INFO.WEEKDAYS for n in names), key=len, reverse=True)
MONTH = r"(?:" + "|".join(_MONTH_NAMES) + r")\b\.?"
WEEKDAY = r"\b(?P<wd>" + "|".join(n for n in _WEEKDAY_NAMES if len(n) > 3) + r")\b"
DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]\d\d|20\d\d)"
NUMBER = rf"\d+|{alternation(_DATES['counts'])}"
_I = re.IGNORECASE

ISO_RE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
MDY_RE = re.compile(rf"\b(?P<mon>{MONTH})\s+(?P<d>{DAY}),?\s+(?P<y>{YEAR})\b", _I)
DMY_RE = re.compile(
    rf"\b(?P<d>{DAY})\s+(?:of\s+)?(?P<mon>{MONTH}),?\s+(?P<y>{YEAR})\b",
    _I,
)
MD_RE = re.compile(rf"\b(?P<mon>{MONTH})\s+(?P<d>{DAY})\b(?!,?\s*\d)", _I)
DM_RE = re.compile(rf"\b(?P<d>{DAY})\s+(?:of\s+)?(?P<mon>{MONTH})(?!\w)(?!,?\s*\d)", _I)
MY_RE = re.compile(rf"\b(?P<mon>{MONTH}),?\s+(?:of\s+)?(?P<y>{YEAR})\b", _I)
M_REL_YEAR_RE = re.compile(
    rf"\b(?P<mon>{MONTH})\s+(?:of\s+)?(?P<rel>last|this|next|the\s+previous|the\s+same)\s+year\b",
    _I,
)
M_RE = re.compile(
    rf"\b(?P<pre>{alternation(_DATES['month_leads'])})[\s-]+(?:early\s+|late\s+|mid-?)?"
    rf"(?P<mon>{MONTH})(?!\w)",
    _I,
)
WEEKDAY_RE = re.compile(rf"(?:\b(?P<mod>last|next|this|past|previous)\s+)?{WEEKDAY}", _I)
SINCE_RE = re.compile(r"\bsince\b(?P<rest>.*)", _I | re.DOTALL)
AGO_RE = re.compile(rf"\b(?P<n>{NUMBER})[\s-]+(?P<unit>day|week)s?\s+ago\b", _I)
WINDOW_RE = re.compile(
    rf"(?:\b(?P<n>{NUMBER})[\s-]+|\b(?P<past>past|last|previous)\s+)"
    rf"(?P<unit>hour|day|week|month)s?\b",
    _I,
)
WEEK_RE = re.compile(
    r"\b(?P<which>last|previous|this|next|past)\s+(?P<unit>week|weekend)\b"
    r"|\b(?P<over>over|at|during)\s+the\s+weekend\b"
    r"|\b(?P<earlier>earlier|later)\s+this\s+week\b",
    _I,
)
RELDAY_RE = re.compile(
    "|".join(
        rf"\b(?P<{day}>{alternation(words)})\b" for day, words in _DATES["relative_days"].items()
    ),
    _I,
)
"""One named group per relative day: day_before_yesterday, yesterday, today, last_night,
tomorrow."""
RECENT_VAGUE_RE = re.compile(r"\brecent\s+(?:months|years)\b", _I)
RECENT_RE = re.compile(r"\brecent(?:ly)?\b|\blately\b", _I)
REL_MONTH_RE = re.compile(r"\b(?P<which>last|previous|past|this|next)\s+month\b", _I)
REL_YEAR_RE = re.compile(r"\b(?P<which>last|previous|past|this|next)\s+year\b", _I)
YEAR_RE = re.compile(rf"(?<![\d,.])(?P<y>{YEAR})(?!\d)(?!,\d)(?!\s*(?:people|civilians)\b)", _I)
PLANNED_RE = re.compile(rf"\b(?:{alternation(_DATES['planned'])})\b", _I)
