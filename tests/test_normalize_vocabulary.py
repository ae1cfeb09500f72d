"""The normalisers' English words are language data, and every listed word does its job.

Each test walks one list of `english().vocabulary()["normalize"]` and reports every entry
that fails, so a word added to data/lexicons.json is checked the day it is added. Entries
that are patterns rather than words ("travell?ers", "pro-\\S+") are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from llm_extract.evaluate.matching import fold_place
from llm_extract.normalize import (
    actor_info,
    find_count_phrase,
    normalize_location,
    parse_count,
    resolve_date,
)
from llm_extract.normalize.quantities import number_value, scan_counts
from llm_extract.text import english

WORDS: dict[str, Any] = english().vocabulary()["normalize"]
WEDNESDAY = dt.date(2024, 3, 6)


def _plain(entries: list[str]) -> list[str]:
    """The entries that are literal words or phrases, not patterns."""
    return [e for e in entries if re.fullmatch(r"[\w' -]+", e)]


def test_number_words_have_their_values() -> None:
    numbers = WORDS["numbers"]
    table = {**numbers["values"], **numbers["multipliers"], **numbers["scales"]}
    wrong = [(w, number_value(w), v) for w, v in table.items() if number_value(w) != v]
    wrong += [
        (f"two {w}", number_value(f"two {w}"), 2 * v)
        for w, v in {**numbers["multipliers"], **numbers["scales"]}.items()
        if number_value(f"two {w}") != 2 * v
    ]
    assert not wrong, wrong


def test_people_nouns_make_a_head_count_and_measure_words_do_not() -> None:
    wrong: list[tuple[str, str, object]] = []
    for noun in _plain(WORDS["people"]["plural"]):
        phrase = find_count_phrase(f"Officials said 12 {noun} were hurt.")
        if phrase != f"12 {noun}" or parse_count(phrase).best != 12:
            wrong.append(("people", noun, phrase))
    for noun in _plain(WORDS["people"]["singular"]):
        if parse_count(f"a {noun}").best != 1:
            wrong.append(("one person", noun, parse_count(f"a {noun}")))
    for unit in _plain(WORDS["measure_words"]):
        if scan_counts(f"They walked 12 {unit} to the camp."):
            wrong.append(("measure", unit, scan_counts(f"12 {unit}")))
    assert not wrong, wrong


def test_qualifiers_bound_the_figure() -> None:
    wanted = {"lower": (20, None), "approx": (20, None), "upper": (20, 20), "extra": (20, 20)}
    wrong: list[tuple[str, str, object]] = []
    for kind, (best, high) in wanted.items():
        for word in _plain(WORDS["count_qualifiers"][kind]):
            count = parse_count(f"{word} 20 civilians")
            if (count.best, count.high) != (best, high):
                wrong.append((kind, word, count))
    for word in _plain(WORDS["vague_quantities"]):
        count = parse_count(f"{word} civilians")
        if count.best is not None or not scan_counts(f"{word} civilians"):
            wrong.append(("vague", word, count))
    assert not wrong, wrong


def test_relative_days_and_count_words_resolve_against_the_report_date() -> None:
    offsets = {"day_before_yesterday": -2, "yesterday": -1, "today": 0, "tomorrow": 1}
    wrong: list[tuple[str, str, object]] = []
    for day, phrases in WORDS["dates"]["relative_days"].items():
        for phrase in _plain(phrases) or ["the day before yesterday"]:
            got = resolve_date(phrase, WEDNESDAY)
            start = WEDNESDAY + dt.timedelta(days=offsets.get(day, -1))
            if got.start != start or got.end != (WEDNESDAY if day == "last_night" else start):
                wrong.append((day, phrase, got))
    for word in _plain(WORDS["dates"]["counts"]):  # a window ending on the report's day
        got = resolve_date(f"within {word} days", WEDNESDAY)
        if got.start is None or got.start > WEDNESDAY or got.end != WEDNESDAY:
            wrong.append(("count", word, got))
    assert not wrong, wrong


def test_descriptors_are_peeled_off_actor_names() -> None:
    houthis = actor_info("Houthis")
    assert houthis is not None
    peel = WORDS["actor_descriptors"]
    wrong = [
        name
        for name in [
            *(f"Iran-{w} Houthis" for w in _plain(peel["backed"])),
            *(f"{w} Houthis" for w in _plain(peel["leading"])),
            *(f"Houthi {w}" for w in _plain(peel["trailing"])),
        ]
        if (found := actor_info(name)) is None or found.name != houthis.name
    ]
    assert not wrong, wrong


def test_place_words_around_a_name_leave_the_place() -> None:
    words = WORDS["places"]
    names = [
        *(f"{w} Idlib" for w in _plain(words["leads"])),
        *(f"the {w} of Idlib" for w in _plain(words["area_of"])),
        *(f"Idlib {w}" for w in _plain(words["kind_suffixes"])),
    ]
    wrong: list[tuple[str, object]] = [
        (n, loc) for n in names if (loc := normalize_location(n)).admin1 != "Idlib"
    ]
    wrong += [
        (w, fold_place(f"the {w} of Salma"))
        for w in _plain(words["kinds_of"])
        if fold_place(f"the {w} of Salma") != "salma"
    ]
    text = "Jets struck Kafr Zita, in the central {} of Hama, on Monday."
    wrong += [
        (w, loc)
        for w in _plain(words["admin_units"])
        if (loc := normalize_location("Kafr Zita", text.format(w))).admin1 != "Hama"
    ]
    assert not wrong, wrong


def test_count_words_mark_shared_outcomes_and_one_definite_person() -> None:
    words = WORDS["counts"]
    wrong: list[tuple[str, object]] = [
        (phrase, count)
        for stem in _plain(words["outcome_stems"])
        if (count := parse_count(phrase := f"{stem}ed and wounded hundreds")).high is not None
        or count.best is not None
    ]
    # The spellings news uses, doubled consonants included: no figure for either outcome.
    wrong += [
        (phrase, count)
        for phrase in [
            "kidnapped and killed three villagers",
            "kidnapping and killing three villagers",
            "abducted and killed three villagers",
            "killed and wounded hundreds",
        ]
        if (count := parse_count(phrase)).best is not None or count.high is not None
    ]
    wrong += [
        (phrase, count)
        for det in _plain(words["definite"])
        for noun in ["driver", *_plain(words["one_person_nouns"])]
        if (count := parse_count(phrase := f"{det} other {noun}")).best != 1
    ]
    assert not wrong, wrong
