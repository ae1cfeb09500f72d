"""Casualty clauses: an outcome word (killed, wounded, abducted...) and its count phrase.

Each outcome word governs the one count phrase of its own clause, the way a reader pairs
them: a passive or post-nominal outcome ("11 soldiers were killed", "left 12 dead") takes
its subject, the count written before it; an active one ("killing seven passengers",
"wounding six others") takes its object, the count right after it, unless that count is
the subject of a verb of its own ("... and 20 others surrendered": surrendering, fleeing
or being rescued is no casualty, `non_outcomes` in the lexicon). A count phrase stops
where the next count or outcome word begins, so "seven passengers and wounding six
others" is two phrases. Subjects joined by "and" ("10 soldiers and two civilian drivers
were killed") are one casualty whose phrase names every group. Counts introduced by
"including" or "among them" are a breakdown of another count, not casualties of their
own. Figures are read later by `normalize.parse_count` in the shared assemble stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from llm_extract.normalize import find_count_phrase
from llm_extract.normalize.counts import CountMatch, scan_counts
from llm_extract.ontology import Outcome, VictimType
from llm_extract.rules.lexicon import lexicon, word_regex
from llm_extract.rules.victims import Victims, parse_victims
from llm_extract.text import Parsed

MAX_WORDS_BEFORE = 7
MAX_WORDS_AFTER = 3
_BREAKDOWN = re.compile(r"(?:including|among\s+them|among\s+whom|of\s+whom|of\s+them)\s*$", re.I)
_STOP = re.compile(r"[;:]|,\s+(?:while|but|and|as|after|before|when)\b|\bwho\b|\bwhile\b", re.I)
_AUX = (
    r"were|was|are|is|be|been|being|have|has|had|got|get|reportedly|also|all|both|"
    r"allegedly|later|subsequently|confirmed|believed|feared|said|thought|to"
)
_PASSIVE_BEFORE = re.compile(
    rf"\b(?:were|was|are|is|be|been|being|got|get)(?:\s+(?:{_AUX}))*\s+$", re.I
)
"""A be-auxiliary right before the outcome word: passive ("were killed"), count before."""
_SUBJECT_VERB = re.compile(rf"^\s+(?:{_AUX})\b", re.I)
"""An auxiliary right after a count phrase: the count is a subject, not an object."""
_COORDINATED = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+)$", re.I)
_CLAUSE_END = re.compile(
    r"[;:()]|,(?!\d{3})|\s+(?:were|was|have|has|had|are|is|and|or|but|while|who|which|when|"
    r"after|before|as)\b",
    re.I,
)

_NOUN_AFTER = re.compile(r"\s+(of\s+(?:them|whom)|[a-z][a-z'-]{2,}s|others)\b")
"""A plural head noun (or "of them") that completes a count phrase."""
_PASSIVE_GAP = re.compile(
    r"(?:[\s,]|\b(?:people|persons|civilians|others|were|was|have|has|had|been|are|is|"
    r"reportedly|also|all|both)\b)*",
    re.I,
)


@lru_cache(maxsize=1)
def _phrases() -> dict[str, frozenset[str]]:
    """Word lists of the count phrases (`lexicons.json`, "count_phrases")."""
    raw: dict[str, list[str]] = lexicon().raw["count_phrases"]
    return {k: frozenset(v) for k, v in raw.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def _non_outcomes() -> re.Pattern[str]:
    return word_regex(lexicon().raw.get("non_outcomes", []))


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


def _breakdown(sentence: str, cm: CountMatch) -> bool:
    return _BREAKDOWN.search(sentence[max(0, cm.start - 20) : cm.start]) is not None


def _before_ok(sentence: str, cm: CountMatch, trigger: int) -> bool:
    gap = sentence[cm.end : trigger]
    if _STOP.search(gap) or _words(gap) > MAX_WORDS_BEFORE:
        return False
    if lexicon().any_outcome.search(gap) or _non_outcomes().search(gap):
        return False
    return not _breakdown(sentence, cm)


class _Phrases:
    """Count phrases of one sentence: each runs from its figure to the end of its noun
    phrase, never past the next count or outcome word."""

    def __init__(self, sentence: str, counts: list[CountMatch], triggers: list[int]) -> None:
        self.sentence = sentence
        self.counts = counts
        self.triggers = triggers

    def end(self, cm: CountMatch) -> int:
        s = self.sentence
        limit = min(len(s), cm.end + 60)
        for c in self.counts:
            if c.start >= cm.end and not (c.vague and not s[cm.end : c.start].strip()):
                limit = min(limit, c.start)
                break
        limit = min([limit, *(t for t in self.triggers if t >= cm.end)])
        window = s[cm.start : limit]
        stop = _CLAUSE_END.search(window, cm.end - cm.start)
        if stop:
            window = window[: stop.start()]
        phrase = find_count_phrase(window)
        end = cm.start + len(phrase.rstrip()) if phrase and window.startswith(phrase) else cm.end
        for _ in range(2):  # the head noun after a modifier: "two civilian drivers"
            m = _NOUN_AFTER.match(s, end)
            if (
                m is None
                or m.end() > cm.start + len(window)
                or m.group(1).casefold() in _phrases()["function_words"]
            ):
                break
            end = m.end()
        return end

    def covered(self, first: CountMatch, last: CountMatch) -> list[int]:
        """Starts of every count inside the phrase ("six" and "others" in "six others")."""
        end = self.end(last)
        return [c.start for c in self.counts if first.start <= c.start < end]

    def text(self, first: CountMatch, last: CountMatch | None = None) -> str:
        end = self.end(last or first)
        return self.sentence[first.start : end].strip()[:80]


def _victims(text: str) -> VictimType:
    lex = lexicon()
    civilian = lex.word("civilian").search(text) is not None
    combatant = lex.word("combatant").search(text) is not None or "both sides" in text.casefold()
    if civilian and combatant:
        return VictimType.MIXED
    if civilian:
        return VictimType.CIVILIANS
    if combatant:
        return VictimType.COMBATANTS
    return VictimType.UNKNOWN


def _nearest_victims(text: str) -> VictimType:
    """The kind of the last people noun in `text` ("the insurgents, killing 11 of them")."""
    lex = lexicon()
    last: tuple[int, VictimType] | None = None
    for regex, kind in (
        (lex.word("civilian"), VictimType.CIVILIANS),
        (lex.word("combatant"), VictimType.COMBATANTS),
    ):
        for m in regex.finditer(text):
            if last is None or m.start() > last[0]:
                last = (m.start(), kind)
    return last[1] if last else VictimType.UNKNOWN


def _group(sentence: str, before: list[CountMatch], phrases: _Phrases) -> list[CountMatch]:
    """The subject counts joined by "and" or commas that end at `before[-1]`."""
    group = [before[-1]]
    for cm in reversed(before[:-1]):
        joint = sentence[phrases.end(cm) : group[0].start]
        if (
            not _COORDINATED.match(joint)
            or _breakdown(sentence, cm)
            or _partitive(sentence, group[0])
        ):
            break
        group.insert(0, cm)
    return group


def _partitive(sentence: str, cm: CountMatch) -> bool:
    """ "many of them": a part of the count before it, not another group."""
    return re.match(r"\s+of\s+(?:them|whom|those)\b", sentence[cm.end :], re.I) is not None


def _attributive(sentence: str, t_end: int) -> bool:
    """An outcome word used as an adjective ("displaced farmers", "wounded soldiers")
    describes people; it reports no casualty of the count before it."""
    lex = lexicon()
    rest = sentence[t_end:]
    m = re.match(r"\s+", rest)
    if m is None:
        return False
    start = t_end + m.end()
    return any(r.match(sentence, start) for r in (lex.word("civilian"), lex.word("combatant")))


def _object_ok(sentence: str, cm: CountMatch, trigger_end: int, phrases: _Phrases) -> bool:
    """A count right after an active outcome word is its object, unless a verb of its own
    follows ("killing three, and 20 others surrendered")."""
    gap = sentence[trigger_end : cm.start]
    if _STOP.search(gap) or "," in gap or _words(gap) > MAX_WORDS_AFTER:
        return False
    if _breakdown(sentence, cm):
        return False
    rest = sentence[phrases.end(cm) :]
    if _SUBJECT_VERB.match(rest):
        return False
    return not _non_outcomes().match(rest.lstrip())


def find_casualties(sentence: str, parsed: Parsed | None = None) -> list[CasualtyClause]:
    """Every (outcome, count) the sentence reports, in order; each count used once.

    With the sentence's parse, the phrases the grammar gives (`victims`) widen or add
    to the patterns' ones (see `_with_parse`)."""
    out = _from_patterns(sentence)
    if parsed is None:
        return out
    return _with_parse(sentence, out, parse_victims(parsed))


def _clause_victims(sentence: str, phrase: str, start: int, end: int) -> VictimType:
    victims = _victims(phrase)
    if victims is VictimType.UNKNOWN:
        victims = _victims(sentence[max(0, start - 40) : end + 40])
    return victims


def _with_parse(
    sentence: str, clauses: list[CasualtyClause], found: list[Victims]
) -> list[CasualtyClause]:
    """The patterns' clauses, each widened to the phrase the parse gives its outcome
    where that phrase holds it and more figures ("three soldiers" -> "three soldiers and
    two other people", "others" -> "18 others") or a count two outcomes share ("killed
    and injured hundreds"); and the parse's clauses the patterns missed ("claimed the
    lives of ...", "the death toll rose to 40", "killing the driver")."""
    out = list(clauses)
    aggregate = lexicon().word("aggregate").search(sentence) is not None
    for v in found:
        overlapping = [
            i
            for i, c in enumerate(out)
            if c.start < v.end and v.start < c.start + len(c.count_text)
        ]
        same = [i for i in overlapping if out[i].outcome is v.outcome]
        if same:
            i = same[0]
            c = out[i]
            extra = sentence[v.start : c.start]
            wider = c.count_text in v.text and len(v.text) > len(c.count_text)
            if v.shared or (wider and (not extra.strip() or scan_counts(extra))):
                victims = _clause_victims(sentence, v.text, v.start, v.end)
                out[i] = replace(c, count_text=v.text[:80], start=v.start, victim_type=victims)
            continue
        if overlapping and not v.shared:
            continue  # the patterns gave this phrase to another outcome
        out.append(
            CasualtyClause(
                outcome=v.outcome,
                count_text=v.text[:80],
                start=v.start,
                trigger_start=v.trigger_start,
                victim_type=_clause_victims(sentence, v.text, v.start, v.end),
                aggregate=aggregate,
            )
        )
    return sorted(out, key=lambda c: (c.start, c.trigger_start))


def _from_patterns(sentence: str) -> list[CasualtyClause]:
    """The clauses the lexicons' outcome patterns and count phrases give."""
    lex = lexicon()
    counts = scan_counts(sentence)
    used: set[int] = set()
    out: list[CasualtyClause] = []
    aggregate = lex.word("aggregate").search(sentence) is not None
    triggers = sorted(
        (m.start(), m.end(), outcome)
        for outcome, regex in lex.outcomes.items()
        for m in regex.finditer(sentence)
    )
    phrases = _Phrases(sentence, counts, [t[0] for t in triggers])
    for t_start, t_end, outcome in triggers:
        free = [c for c in counts if c.start not in used]
        inside = [c for c in free if c.start >= t_start and c.end <= t_end]
        after = (
            inside
            or [c for c in free if c.start >= t_end and _object_ok(sentence, c, t_end, phrases)][:1]
        )
        before = [c for c in free if c.end <= t_start and _before_ok(sentence, c, t_start)]
        word = sentence[t_start:t_end].casefold()
        passive = _PASSIVE_BEFORE.search(sentence[max(0, t_start - 60) : t_start]) is not None
        adjective = bool(before) and _attributive(sentence, t_end)
        if adjective and not sentence[before[-1].end : t_start].strip():
            adjective = False  # "Five wounded soldiers": the count is the noun phrase's
        subject = (
            bool(before)
            and not adjective
            and (
                passive
                or word in _phrases()["postnominal"]
                or _PASSIVE_GAP.fullmatch(sentence[phrases.end(before[-1]) : t_start]) is not None
            )
        )
        if subject:
            group = _group(sentence, before, phrases)
        elif after and not passive:
            group = after
        else:
            continue
        first, last = group[0], group[-1]
        used.update(phrases.covered(first, last))
        phrase = phrases.text(first, last)
        victims = _victims(phrase)
        if victims is VictimType.UNKNOWN and re.search(r"\bothers?\b", phrase, re.I) and out:
            victims = out[-1].victim_type
        if victims is VictimType.UNKNOWN and re.search(r"\bof\s+(?:them|whom)\b", phrase, re.I):
            victims = _nearest_victims(sentence[: first.start])
        if victims is VictimType.UNKNOWN:
            victims = _victims(sentence[min(first.start, t_start) : max(last.end + 40, t_end)])
        out.append(
            CasualtyClause(
                outcome=outcome,
                count_text=phrase,
                start=first.start,
                trigger_start=t_start,
                victim_type=victims,
                aggregate=aggregate,
            )
        )
    return out
