"""Casualty numbers from the parse: the numeral the outcome verb or noun governs.

Each row is a short invented test input written in the style of wire reports (not a real
article) with the (outcome, best) pairs CONVENTIONS.md gives it: "at least N" is N,
groups counted one by one with no total add up, a count two outcome verbs share gives
neither a figure, one definite person ("the driver") is one. The rules' draft goes through
`parse_count` as any draft does. One test reports every failing row.
"""

from __future__ import annotations

import datetime as dt

from llm_extract.normalize import parse_count
from llm_extract.rules import build_draft

CASUALTIES: list[tuple[str, set[tuple[str, int | None]]]] = [
    (
        "Four gunmen stormed an army recruitment centre in Kunduz on Sunday, killing at least "
        "three soldiers and two other people.",
        {("killed", 5)},
    ),
    (
        "At least 20 soldiers were killed and 18 others were wounded when al-Shabab raided a "
        "military base near Baidoa on Sunday.",
        {("killed", 20), ("injured", 18)},
    ),
    (
        "The suicide bombing in Kabul on Tuesday claimed the lives of more than a dozen "
        "civilians, officials said.",
        {("killed", 12)},
    ),
    (
        "The death toll from Monday's bombing of a market in Maiduguri rose to 40, police said.",
        {("killed", 40)},
    ),
    (
        "Gunmen attacked a market in Mopti on Friday, killing and wounding dozens of traders.",
        {("killed", None), ("injured", None)},
    ),
    (
        "A roadside bomb hit a car in Kandahar on Monday, killing the driver and wounding four "
        "children.",
        {("killed", 1), ("injured", 4)},
    ),
    (
        "Warplanes pounded the village of Kafr Nabl on Sunday, killing 6 civilians.",
        {("killed", 6)},
    ),
    (
        "Gun attacks near the city of Karak have left seven people dead, police said on Sunday.",
        {("killed", 7)},
    ),
]


def _casualties(text: str) -> set[tuple[str, int | None]]:
    draft = build_draft(text, dt.date(2021, 3, 8))
    return {(c.outcome.value, parse_count(c.count_text).best) for c in draft.casualties}


def test_casualty_counts_come_from_the_phrase_the_outcome_governs() -> None:
    wrong = [
        (text[:60], want, got) for text, want in CASUALTIES if (got := _casualties(text)) != want
    ]
    assert wrong == []
