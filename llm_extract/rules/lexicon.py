"""Trigger lexicons: the data file `llm_extract/data/lexicons.json`, compiled once.

The words live in data so they can be read, reviewed against ACLED's codebook and
extended without touching code; this module only turns each list into one regular
expression that matches whole words, case-insensitively.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from llm_extract.ontology import Outcome, SubEventType

_I = re.IGNORECASE


def word_regex(patterns: Iterable[str], *, flags: int = _I) -> re.Pattern[str]:
    """One regex matching any of `patterns` as whole words (longest alternatives first)."""
    ordered = sorted(set(patterns), key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x")
    body = "|".join(f"(?:{p})" for p in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", flags)


@dataclass(frozen=True)
class Lexicon:
    """Every compiled trigger list the rules use."""

    raw: dict[str, Any]
    sub_events: dict[SubEventType, re.Pattern[str]]
    strike: re.Pattern[str]
    air_cues: re.Pattern[str]
    ground_cues: re.Pattern[str]
    strike_not_after: re.Pattern[str]
    territory: re.Pattern[str]
    territory_objects: re.Pattern[str]
    non_state_types: frozenset[str]
    excessive_force: re.Pattern[str]
    intervention: re.Pattern[str]
    violent: re.Pattern[str]
    harm: re.Pattern[str]
    irrealis: re.Pattern[str]
    factual_before_to: re.Pattern[str]
    outcomes: dict[Outcome, re.Pattern[str]]
    any_outcome: re.Pattern[str]
    civilian: re.Pattern[str]
    combatant: re.Pattern[str]
    aggregate: re.Pattern[str]
    habitual: re.Pattern[str]
    role_after: re.Pattern[str]
    """Matches at a trigger's end when a role noun follows it ("vigilante leader")."""
    precedence: tuple[SubEventType, ...]
    stance: re.Pattern[str]
    cue: re.Pattern[str]


def _raw() -> dict[str, Any]:
    text = files("llm_extract").joinpath("data/lexicons.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


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
    strike = raw["strike_words"]
    territory = raw["territory"]
    protest = raw["protest"]
    outcomes = {Outcome(k): word_regex(v) for k, v in raw["casualties"].items()}
    all_outcome_words = [p for v in raw["casualties"].values() for p in v]
    return Lexicon(
        raw=raw,
        sub_events={
            SubEventType(name): word_regex(spec["triggers"])
            for name, spec in raw["sub_events"].items()
        },
        strike=word_regex(strike["triggers"]),
        air_cues=word_regex(strike["air_cues"]),
        ground_cues=word_regex(strike["ground_cues"]),
        strike_not_after=re.compile(rf"(?:{'|'.join(strike['not_after'])})[\s-]*$", _I),
        territory=word_regex(territory["triggers"]),
        territory_objects=word_regex(territory["objects"]),
        non_state_types=frozenset(territory["non_state_types"]),
        excessive_force=word_regex(protest["excessive_force"]),
        intervention=word_regex(protest["intervention"]),
        violent=word_regex(protest["violent"]),
        harm=word_regex(raw["violence"]["harm_triggers"]),
        irrealis=re.compile(rf"(?<![\w-])(?:{'|'.join(raw['irrealis'])})\s+$", _I),
        factual_before_to=re.compile(rf"(?:{'|'.join(raw['factual_before_to'])})\s+$", _I),
        outcomes=outcomes,
        any_outcome=word_regex(all_outcome_words),
        civilian=word_regex(raw["victims"]["civilian"]),
        combatant=word_regex(raw["victims"]["combatant"]),
        aggregate=word_regex(raw["aggregate"]),
        habitual=word_regex(raw["habitual"]),
        role_after=re.compile(rf"[\s-]+(?:{'|'.join(raw['role_nouns'])})(?![\w-])", _I),
        precedence=tuple(SubEventType(name) for name in raw["precedence"]),
        stance=word_regex(raw["stance"]),
        cue=word_regex([*_all_triggers(raw), *all_outcome_words]),
    )
