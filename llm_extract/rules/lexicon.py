"""Trigger lexicons: the data file `llm_extract/data/lexicons.json`, compiled once.

The words live in data so they can be read, reviewed against ACLED's codebook and
extended without touching code; this module only turns each list into one regular
expression that matches whole words, case-insensitively. `WORD_LISTS` says which list of
the file each named pattern compiles: the file's "word_lists" table (name -> dotted path),
checked against `WordList` when the file is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any, Literal, get_args

from llm_extract.ontology import Outcome, SubEventType

_I = re.IGNORECASE

WordList = Literal[
    "strike", "bare_hits", "air_cues", "ground_cues", "territory", "territory_objects",
    "excessive_force", "intervention", "violent", "harm", "civilian", "combatant", "aggregate",
    "habitual", "stance",
]  # fmt: skip
BeforeList = Literal["strike_not_after", "irrealis", "factual_before_to", "passive_before"]
_BOUNDED = r"(?<![\w-])(?:{})\s+$"
BEFORE_LISTS: dict[BeforeList, tuple[tuple[str, ...], str]] = {
    "strike_not_after": (("strike_words", "not_after"), r"(?:{})[\s-]*$"),
    "irrealis": (("irrealis",), _BOUNDED),
    "factual_before_to": (("factual_before_to",), r"(?:{})\s+$"),
    "passive_before": (("passive_before",), _BOUNDED),
}
"""Patterns matched at the end of the words just before a trigger ("plans to", "was"):
the list's path in the data file and the template its alternatives fill."""


def word_regex(patterns: Iterable[str], *, flags: int = _I) -> re.Pattern[str]:
    """One regex matching any of `patterns` as whole words (longest alternatives first)."""
    ordered = sorted(set(patterns), key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x")
    body = "|".join(f"(?:{p})" for p in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", flags)


def _before_regex(patterns: Iterable[str], template: str) -> re.Pattern[str]:
    """Any of `patterns` ending the text, as `template` (one of `BEFORE_LISTS`) says."""
    return re.compile(template.format("|".join(patterns)), _I)


@dataclass(frozen=True)
class Lexicon:
    """Every compiled trigger list the rules use."""

    raw: dict[str, Any]
    sub_events: dict[SubEventType, re.Pattern[str]]
    words: dict[WordList, re.Pattern[str]]
    before: dict[BeforeList, re.Pattern[str]]
    non_state_types: frozenset[str]
    verb_forms: frozenset[str]
    outcomes: dict[Outcome, re.Pattern[str]]
    any_outcome: re.Pattern[str]
    role_after: re.Pattern[str]
    """Matches at a trigger's end when a role noun follows it ("vigilante leader")."""
    precedence: tuple[SubEventType, ...]
    cue: re.Pattern[str]

    def word(self, name: WordList) -> re.Pattern[str]:
        """The whole-word pattern of the list `name` (see `WORD_LISTS`)."""
        return self.words[name]

    def ends(self, name: BeforeList, text: str) -> bool:
        """Whether `text` (the words before a trigger) ends with the list `name`'s words."""
        return self.before[name].search(text) is not None


def _raw() -> dict[str, Any]:
    text = files("llm_extract").joinpath("data/lexicons.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _at(raw: dict[str, Any], path: tuple[str, ...]) -> list[str]:
    node: Any = raw
    for key in path:
        node = node[key]
    return [str(p) for p in node]


def _word_lists(raw: dict[str, Any]) -> dict[WordList, re.Pattern[str]]:
    """Each `WordList` name compiled from the list its dotted path in "word_lists" names."""
    table: dict[str, str] = {k: v for k, v in raw["word_lists"].items() if not k.startswith("_")}
    names: tuple[WordList, ...] = get_args(WordList)
    if set(table) != set(names):
        raise ValueError(f"lexicons.json word_lists must name exactly {sorted(names)}")
    return {name: word_regex(_at(raw, tuple(table[name].split(".")))) for name in names}


def _all_triggers(node: Any) -> list[str]:
    """Every string listed under a key named "triggers", anywhere in the file."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "triggers" and isinstance(value, list):
                out.extend(str(v) for v in value)
            else:
                out.extend(_all_triggers(value))
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped lexicons, compiled (cached: the file is read once per process)."""
    raw = _raw()
    all_outcome_words = [p for v in raw["casualties"].values() for p in v]
    return Lexicon(
        raw=raw,
        sub_events={
            SubEventType(name): word_regex(spec["triggers"])
            for name, spec in raw["sub_events"].items()
        },
        words=_word_lists(raw),
        before={
            name: _before_regex(_at(raw, path), template)
            for name, (path, template) in BEFORE_LISTS.items()
        },
        non_state_types=frozenset(raw["territory"]["non_state_types"]),
        verb_forms=frozenset(raw["verb_forms"]),
        outcomes={Outcome(k): word_regex(v) for k, v in raw["casualties"].items()},
        any_outcome=word_regex(all_outcome_words),
        role_after=re.compile(rf"[\s-]+(?:{'|'.join(raw['role_nouns'])})(?![\w-])", _I),
        precedence=tuple(SubEventType(name) for name in raw["precedence"]),
        cue=word_regex([*_all_triggers(raw), *all_outcome_words]),
    )


@cache
def lemma_sets(section: str) -> dict[str, frozenset[str]]:
    """The word lists of the data file's `lemmas.<section>`, each a set of lemmas under
    its key (entries that are not lists, such as "_why" notes, are left out)."""
    raw: dict[str, Any] = lexicon().raw["lemmas"][section]
    return {k: frozenset(str(w) for w in v) for k, v in raw.items() if isinstance(v, list)}
