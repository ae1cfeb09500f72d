"""Sides from the parse: who carried out the event (actor1) and who was its target (actor2).

Each row is a short invented test input written in the style of wire reports (not a real
article), with the sides an ACLED coder gives it: the agent of the violent verb (its
subject, or the "by" phrase of a passive) is actor1; its object, or the subject of a
passive, is actor2; coordinated names share a side; whoever reports the event ("X said",
"according to X") is no side. One test reports every failing row.
"""

from __future__ import annotations

import datetime as dt

from llm_extract.rules import build_draft

# (sentence, actor1 surfaces, actor2 surfaces); surfaces compared case-insensitively
SIDES: list[tuple[str, set[str], set[str]]] = [
    (
        "Islamist militants attacked an army base in Gao on Friday, killing four soldiers.",
        {"militants"},
        {"army"},
    ),
    (
        "Two soldiers were killed by Al Shabaab fighters near Baidoa on Monday.",
        {"al shabaab"},
        {"soldiers"},
    ),
    (
        "The Taliban ambushed a police convoy in Helmand on Sunday, police said.",
        {"taliban"},
        {"police"},
    ),
    (
        "A police patrol was attacked by Boko Haram in Konduga on Tuesday.",
        {"boko haram"},
        {"police"},
    ),
    (
        "Malian soldiers and French troops clashed with Ansar Dine in Kidal on Monday.",
        {"malian soldiers", "french troops"},
        {"ansar dine"},
    ),
    (
        # the pronoun's antecedent is the one who reports and the one who struck
        "The Nigerian army said it killed 30 Boko Haram fighters in Gwoza on Wednesday.",
        {"nigerian army"},
        {"boko haram"},
    ),
    (
        "Gunmen abducted 12 villagers in Zamfara on Saturday, according to police.",
        {"gunmen"},
        {"villagers"},
    ),
    (
        "Ten soldiers were killed on Sunday when Al Shabaab fighters ambushed a convoy in Lower "
        "Shabelle.",
        {"al shabaab"},
        {"soldiers"},
    ),
    (
        "Police said gunmen killed five farmers in Benue on Monday.",
        {"gunmen"},
        {"farmers"},
    ),
    (
        "Four suicide bombers stormed an army recruitment centre in Kunduz on Sunday, killing "
        "three soldiers.",
        set(),
        {"army"},  # the army and its soldiers are one actor
    ),
    (
        "The United States condemns the Taliban's attack on a checkpoint in Kandahar that "
        "killed 10 Afghan soldiers.",
        {"taliban"},
        {"afghan soldiers"},
    ),
    (
        "Syrian government forces responded with air strikes that killed 20 rebels near Idlib, "
        "the monitor said.",
        {"syrian government forces"},
        {"rebels"},
    ),
    # who investigates, condemns or confirms an attack did not carry it out
    ("Police are investigating the killing of two soldiers in Gao on Monday.", set(), {"soldiers"}),
    (
        "Two soldiers were shot dead in Gao on Monday, it was confirmed by police.",
        set(),
        {"soldiers"},
    ),
    (
        "The government condemned the attack on a police station in Gao on Monday.",
        set(),
        {"police"},
    ),
]


def _sides(text: str) -> tuple[set[str], set[str]]:
    draft = build_draft(text, dt.date(2021, 3, 8))
    a1 = {n.casefold() for e in draft.events for n in e.actor1}
    a2 = {n.casefold() for e in draft.events for n in e.actor2}
    return a1, a2


def _covers(got: set[str], want: set[str]) -> bool:
    """Every expected name is (part of) a surface on that side, and no surface is extra."""
    return all(any(w in g for g in got) for w in want) and all(
        any(w in g for w in want) for g in got
    )


def test_sides_come_from_the_parse() -> None:
    wrong = []
    for text, want1, want2 in SIDES:
        got1, got2 = _sides(text)
        if not (_covers(got1, want1) and _covers(got2, want2)):
            wrong.append((text[:60], (want1, want2), (got1, got2)))
    assert wrong == []
