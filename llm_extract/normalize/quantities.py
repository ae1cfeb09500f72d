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

from dateutil.parser import parserinfo


def wordset(words: str) -> frozenset[str]:
    """A set from a whitespace-separated word list (keeps long vocabularies readable)."""
    return frozenset(words.split())


_SMALL: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_BIG: dict[str, int] = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_VAGUE_UNIT: dict[str, int] = {
    "tens": 10,
    "dozens": 12,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1_000,
    "millions": 1_000_000,
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
}

_PEOPLE_PLURAL = (
    "people|persons|individuals|civilians|children|kids|babies|infants|women|men|boys|girls|"
    "soldiers|troops|fighters|militants|rebels|insurgents|jihadists|militiamen|gunmen|"
    "attackers|combatants|members|policemen|police(?:\\s+officers)?|officers|guards|"
    "personnel|paramedics|medics|doctors|nurses|activists|journalists|reporters|residents|"
    "villagers|protesters|protestors|demonstrators|students|pupils|teachers|workers|farmers|"
    "worshippers|pilgrims|refugees|migrants|displaced|hostages|prisoners|detainees|"
    "relatives|family\\s+members|victims|casualties|fatalities|deaths|losses|dead|wounded|"
    "injured|bodies|lives|souls|others|commanders|officials|volunteers|aid\\s+workers|"
    "drivers|passengers|travell?ers|shepherds|herders|traders|miners|fishermen|clerics|"
    "imams|priests|engineers|contractors|peacekeepers|guerrillas|recruits|cadets"
)
PEOPLE_SINGULAR = (
    "person|individual|civilian|child|kid|baby|infant|toddler|woman|man|boy|girl|teenager|"
    "soldier|fighter|militant|rebel|insurgent|jihadist|militiaman|gunman|attacker|combatant|"
    "member|policeman|policewoman|officer|guard|paramedic|medic|doctor|nurse|activist|"
    "journalist|reporter|resident|villager|protester|protestor|demonstrator|student|pupil|"
    "teacher|worker|farmer|worshipper|pilgrim|refugee|migrant|hostage|prisoner|detainee|"
    "relative|victim|commander|official|volunteer|driver|shepherd|imam|priest|judge"
)
PEOPLE = rf"(?:{_PEOPLE_PLURAL}|{PEOPLE_SINGULAR})"

# Words after a number that make it a measure, a time span or a date, not a head count.
_UNITS = wordset(
    """
    second seconds minute minutes min mins hour hours hr hrs day days night nights week
    weeks month months year years decade decades century centuries am pm a.m p.m o'clock
    gmt utc km kms kilometer kilometers kilometre kilometres mile miles m meter meters
    metre metres cm mm foot feet ft inch inches yard yards acre acres hectare hectares
    square sq percent per pct kg kilogram kilograms kilo kilos ton tons tonne tonnes pound
    pounds lb lbs gram grams litre litres liter liters gallon gallons barrel barrels dollar
    dollars usd euro euros cent cents degree degrees times time another side sides way hand
    point storey storeys story stories floor floors round rounds mm-caliber caliber calibre
    """
)
_MONTHS = "|".join(name for names in parserinfo.MONTHS for name in names)  # dateutil's table
_MONTH_RE = re.compile(rf"(?:{_MONTHS})\.?", re.IGNORECASE)

_NUM_WORD = (
    "seventeen|thirteen|fourteen|fifteen|sixteen|eighteen|nineteen|eleven|twelve|"
    "seventy|twenty|thirty|forty|fifty|sixty|eighty|ninety|"
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|"
    "hundred|thousand|million|billion|dozen"
)
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

_LOWER = (
    r"more\s+than|well\s+over|just\s+over|over|at\s+least|in\s+excess\s+of|upwards\s+of|"
    r"no\s+fewer\s+than|no\s+less\s+than|not\s+less\s+than|not\s+fewer\s+than|"
    r"a\s+minimum\s+of|above"
)
_APPROX = (
    r"around|about|some|approximately|roughly|an\s+estimated|estimated|approx\.?|circa|"
    r"an\s+approximate"
)
_UPPER = (
    r"nearly|almost|as\s+many\s+as|up\s+to|close\s+to|at\s+most|no\s+more\s+than|"
    r"not\s+more\s+than|fewer\s+than|less\s+than|just\s+under|under|a\s+maximum\s+of|"
    r"as\s+much\s+as"
)
_EXTRA = r"another|a\s+further|an\s+additional|additional|a\s+total\s+of"
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
    r"(?:(?P<vm>tens|dozens|scores|hundreds|thousands|millions)"
    r"(?:\s+of\s+(?P<vm2>thousands|millions))?"
    r"|(?:several|a\s+few|few|many)\s+(?P<vs>dozen|hundred|thousand|million)s?)\b",
    re.IGNORECASE,
)
_SINGULAR_RE = re.compile(
    rf"(?<![\w])(?:an?|a\s+single|one\s+single)\s+(?:\w[\w'-]*\s+)?(?:{PEOPLE_SINGULAR})\b",
    re.IGNORECASE,
)
_VAGUE_RE = re.compile(
    r"(?<![\w])(?:a\s+large\s+(?:amount|number)\s+of|large\s+numbers\s+of|"
    r"an?\s+(?:unknown|unspecified|undetermined|undisclosed)\s+number\s+of|"
    r"a\s+number\s+of|a\s+handful\s+of|a\s+lot\s+of|lots\s+of|a\s+few|several|many|"
    r"numerous|multiple|countless|others)\b",
    re.IGNORECASE,
)
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
        elif tok == "hundred":
            current = (current or 1) * 100
        elif tok == "dozen":
            current = (current or 1) * 12
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
    return word.lower() not in ("may", "march") or word[:1].isupper()


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
