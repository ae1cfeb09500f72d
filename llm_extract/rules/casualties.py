"""Casualty clauses: an outcome word (killed, wounded, abducted...) and its count phrase.

A count belongs to the outcome word it is written next to: before it in the passive
("Twenty-one civilians were killed", "260,000 people dead") or after it in the active
("killed 35 civilians"). Counts introduced by "including" or "among them" are a
breakdown of another count, not casualties of their own. Figures are read later by
`normalize.parse_count` in the shared assemble stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llm_extract.normalize import find_count_phrase
from llm_extract.normalize.counts import CountMatch, scan_counts
from llm_extract.ontology import Outcome, VictimType
from llm_extract.rules.lexicon import lexicon

MAX_WORDS_BEFORE = 7
MAX_WORDS_AFTER = 3
_BREAKDOWN = re.compile(r"(?:including|among\s+them|among\s+whom|of\s+whom|of\s+them)\s*$", re.I)
_STOP = re.compile(r"[;:]|,\s+(?:while|but|and|as|after|before|when)\b|\bwho\b|\bwhile\b", re.I)
_BETWEEN_BEFORE = re.compile(
    r"^(?:[\s,]|(?:were|was|have|has|had|been|are|is|be|being|reportedly|reported|also|"
    r"allegedly|confirmed|believed|said|to|left|people|persons|civilians|of|them|all|"
    r"either|or|and|in|total|killed|others|other)\b|[\w'-]+(?=\s+(?:were|was|have|has)\b))*$",
    re.I,
)


_POSTNOMINAL = frozenset(
    {"dead", "died", "death", "deaths", "perished", "human losses", "fatalities"}
)
_PASSIVE_GAP = re.compile(
    r"(?:[\s,]|\b(?:people|persons|civilians|others|were|was|have|has|had|been|are|is|"
    r"reportedly|also|all|both)\b)*",
    re.I,
)


@dataclass(frozen=True)
class CasualtyClause:
    """One casualty a sentence reports."""

    outcome: Outcome
    count_text: str
    start: int
    """Offset of the count phrase in the sentence."""
    trigger_start: int
    victim_type: VictimType
    aggregate: bool
    """A total over many events or a whole war, not one incident."""


def _words(text: str) -> int:
    return len(re.findall(r"[\w'-]+", text))


def _before_ok(sentence: str, cm: CountMatch, trigger: int) -> bool:
    gap = sentence[cm.end : trigger]
    if _STOP.search(gap) or _words(gap) > MAX_WORDS_BEFORE:
        return False
    if lexicon().any_outcome.search(gap):
        return False
    return not _BREAKDOWN.search(sentence[max(0, cm.start - 20) : cm.start])


def _after_ok(sentence: str, cm: CountMatch, trigger_end: int) -> bool:
    gap = sentence[trigger_end : cm.start]
    if _STOP.search(gap) or "," in gap or _words(gap) > MAX_WORDS_AFTER:
        return False
    return not _BREAKDOWN.search(sentence[max(0, cm.start - 20) : cm.start])


def _victims(text: str) -> VictimType:
    lex = lexicon()
    civilian = lex.civilian.search(text) is not None
    combatant = lex.combatant.search(text) is not None or "both sides" in text.casefold()
    if civilian and combatant:
        return VictimType.MIXED
    if civilian:
        return VictimType.CIVILIANS
    if combatant:
        return VictimType.COMBATANTS
    return VictimType.UNKNOWN


def _phrase(sentence: str, cm: CountMatch, limit: int) -> str:
    window = sentence[cm.start : max(cm.end, limit)]
    window = re.split(r"[;:()]|,(?!\d{3})|\s+(?:were|was|have|has|had|are|is)\b", window)[0]
    phrase = find_count_phrase(window) or sentence[cm.start : cm.end]
    return phrase.strip()[:80]


def find_casualties(sentence: str) -> list[CasualtyClause]:
    """Every (outcome, count) the sentence reports, in order; each count used once."""
    lex = lexicon()
    counts = scan_counts(sentence)
    used: set[int] = set()
    out: list[CasualtyClause] = []
    aggregate = lex.aggregate.search(sentence) is not None
    triggers = sorted(
        (m.start(), m.end(), outcome)
        for outcome, regex in lex.outcomes.items()
        for m in regex.finditer(sentence)
    )
    for t_start, t_end, outcome in triggers:
        inside = [c for c in counts if c.start >= t_start and c.end <= t_end]
        after = inside or [c for c in counts if c.start >= t_end and _after_ok(sentence, c, t_end)]
        before = [c for c in counts if c.end <= t_start and _before_ok(sentence, c, t_start)]
        after = [c for c in after if c.start not in used]
        before = [c for c in before if c.start not in used]
        word = sentence[t_start:t_end].casefold()
        chosen: CountMatch | None = None
        limit = 0
        passive = bool(before) and (
            word in _POSTNOMINAL
            or _PASSIVE_GAP.fullmatch(sentence[before[-1].end : t_start]) is not None
        )
        if after and not passive:
            chosen, limit = after[0], min(len(sentence), after[0].end + 40)
        elif before:
            chosen, limit = before[-1], t_start
        if chosen is None:
            continue
        used.add(chosen.start)
        phrase = _phrase(sentence, chosen, limit)
        context = sentence[min(chosen.start, t_start) : max(chosen.end + 40, t_end)]
        out.append(
            CasualtyClause(
                outcome=outcome,
                count_text=phrase,
                start=chosen.start,
                trigger_start=t_start,
                victim_type=_victims(phrase)
                if _victims(phrase) is not VictimType.UNKNOWN
                else _victims(context),
                aggregate=aggregate,
            )
        )
    return out
