"""Count phrases read as FORMAT.md's low / best / high table says."""

from __future__ import annotations

import pytest

from llm_extract.models import Count
from llm_extract.normalize import count_supported, find_count_phrase, parse_count, victim_groups

# (phrase, low, best, high): FORMAT.md's Count table row by row, then seed phrases.
Row = tuple[str, int | None, int | None, int | None]
TABLE: list[Row] = [
    ("21 civilians", 21, 21, 21),
    ("Twenty-one civilians", 21, 21, 21),
    ("two dozen", 24, 24, 24),
    ("more than 120", 120, 120, None),
    ("over 120", 120, 120, None),
    ("at least 120", 120, 120, None),
    ("around 20", 20, 20, None),
    ("about 20", 20, 20, None),
    ("some 20", 20, 20, None),
    ("nearly 20", 20, 20, 20),
    ("as many as 20", 20, 20, 20),
    ("up to 20", 20, 20, 20),
    ("between 10 and 15", 10, 10, 15),
    ("10-15", 10, 10, 15),
    ("10 to 15", 10, 10, 15),
    ("dozens", 12, 12, None),
    ("tens", 10, 10, None),
    ("hundreds", 100, 100, None),
    ("thousands", 1000, 1000, None),
    ("millions", 1_000_000, 1_000_000, None),
    ("several", None, None, None),
    ("many", None, None, None),
    ("numerous", None, None, None),
    ("a large amount of human losses", None, None, None),
    ("others", None, None, None),
]
SEED_PHRASES: list[Row] = [
    ("260,000", 260_000, 260_000, 260_000),
    ("more than 260,000 people dead", 260_000, 260_000, None),
    ("one child", 1, 1, 1),
    ("Another 14 civilians", 14, 14, 14),
    ("two paramedics", 2, 2, 2),
    ("two media activists", 2, 2, 2),
    ("three children", 3, 3, 3),
    ("35 civilians", 35, 35, 35),
    ("more than 120 air strikes", 120, 120, None),
    ("140 Russian airstrikes", 140, 140, 140),
]
TRICKY: list[Row] = [
    ("10–15 people", 10, 10, 15),  # en dash
    ("between ten and fifteen", 10, 10, 15),
    ("one hundred and twenty", 120, 120, 120),
    ("1.5 million", 1_500_000, 1_500_000, 1_500_000),
    ("half a dozen", 6, 6, 6),
    ("over a dozen", 12, 12, None),
    ("tens of thousands", 10_000, 10_000, None),
    ("hundreds of thousands of people", 100_000, 100_000, None),
    ("several hundred", 100, 100, None),
    ("a child", 1, 1, 1),
    ("a 10-year-old boy", 1, 1, 1),
    ("At least 5 may have died", 5, 5, None),  # "may" is not the month
    ("2016 civilians", 2016, 2016, 2016),  # a year-like figure followed by people
]


@pytest.mark.parametrize(("phrase", "low", "best", "high"), TABLE + SEED_PHRASES + TRICKY)
def test_parse_count(phrase: str, low: int | None, best: int | None, high: int | None) -> None:
    count = parse_count(phrase)
    assert (count.low, count.best, count.high) == (low, best, high)
    assert count.text == phrase


@pytest.mark.parametrize(
    "phrase",
    [
        "2016",
        "mid-2012",
        "in 2012",
        "48 hours",
        "over 48 hours",
        "50 kilometers",
        "850 meters above sea level",
        "13 January, 2016",
        "Aug. 22, 2020",
        "March 27",
        "25 January",
        "first",
        "the 21st",
        "AK-47",
        "at 10:30",
        "no one",
        "20 percent",
        "",
    ],
)
def test_things_that_are_not_counts_of_people(phrase: str) -> None:
    count = parse_count(phrase)
    assert (count.low, count.best, count.high) == (None, None, None)
    assert count.text == phrase


@pytest.mark.parametrize(
    ("clause", "phrase"),
    [
        (
            "Twenty-one civilians were killed in Russian raids on Maaret al-Numan, "
            "an opposition-held town in Idlib province, it said.",
            "Twenty-one civilians",
        ),
        (
            "On Tuesday, Russian strikes killed 35 civilians in the provinces of Idlib, "
            "in Syria's northwest, and Aleppo, in the north, the Observatory said.",
            "35 civilians",
        ),
        (
            "Another 14 civilians, including three children, were killed in Russian raids "
            "on Manbij, a town in Aleppo province held by the Islamic State group (IS)",
            "Another 14 civilians",
        ),
        (
            "a full-fledged war that has left more than 260,000 people dead",
            "more than 260,000 people",
        ),
        ("forced millions from their homes", "millions"),
        (
            '"Information suggests that there have been a large amount of human losses in '
            'the ranks of both sides," the Observatory added.',
            "a large amount of human losses",
        ),
        ("The toll included two paramedics, two media activists and one child.", "two paramedics"),
        ("In the attack on 13 January 2016, at least 7 soldiers died", "at least 7 soldiers"),
        # the people count wins over a figure of strikes or hours
        (
            "Over 48 hours, 120 air strikes killed nearly 40 people in Jisr al-Shughur",
            "nearly 40 people",
        ),
    ],
)
def test_find_count_phrase(clause: str, phrase: str) -> None:
    assert find_count_phrase(clause) == phrase
    assert phrase in clause


def test_find_count_phrase_none_without_a_quantity() -> None:
    assert find_count_phrase("Since 2012, Salma had been the main bastion") is None
    assert find_count_phrase("Russian strikes hit the town over 48 hours") is None


def test_parse_count_of_a_whole_clause_reads_the_people_figure() -> None:
    count = parse_count("Russia conducted 120 air strikes over 48 hours, killing 35 civilians")
    assert count.best == 35


def test_count_supported_accepts_figures_the_quote_states() -> None:
    quote = "Another 14 civilians, including three children, were killed in Russian raids on Manbij"
    assert count_supported(Count(low=14, best=14, high=14, text="Another 14 civilians"), quote)
    assert count_supported(Count(low=3, best=3, high=3), quote)
    assert count_supported(Count(low=21, best=21, high=21), "Twenty-one civilians were killed")
    assert count_supported(Count(best=12), "dozens of people were wounded")


def test_count_supported_rejects_invented_or_misread_figures() -> None:
    quote = "Russia conducted more than 120 air strikes over 48 hours"
    assert not count_supported(Count(best=48), quote)  # a duration, not a count
    assert not count_supported(Count(best=2016), "in January 2016 the town fell")
    assert not count_supported(Count(best=20), "Twenty-one civilians were killed")
    assert count_supported(Count(best=120), quote)


def test_count_supported_within_a_stated_range() -> None:
    assert count_supported(Count(low=10, best=12, high=15), "between 10 and 15 people died")
    assert not count_supported(Count(best=16), "between 10 and 15 people died")


def test_count_without_a_figure_is_supported_only_by_a_vague_quote() -> None:
    vague = "there have been a large amount of human losses in the ranks of both sides"
    assert count_supported(Count(text="a large amount of human losses"), vague)
    assert count_supported(Count(), "civilians were killed")
    assert not count_supported(Count(), "35 civilians were killed")


@pytest.mark.parametrize(
    ("phrase", "low", "best", "high", "groups"),
    [
        (
            "10 soldiers and two civilian drivers",
            10 + 2,
            12,
            12,
            [("soldiers", 10), ("civilian drivers", 2)],
        ),
        ("three rebels and a soldier", 4, 4, 4, [("rebels", 3), ("soldier", 1)]),
        (
            "five children, two women and a man",
            8,
            8,
            8,
            [("children", 5), ("women", 2), ("man", 1)],
        ),
        (
            "at least 10 soldiers and two civilians",
            12,
            12,
            None,
            [("soldiers", 10), ("civilians", 2)],
        ),
    ],
)
def test_groups_counted_one_by_one_sum_to_the_casualty_count(
    phrase: str, low: int, best: int, high: int | None, groups: list[tuple[str, int]]
) -> None:
    """FORMAT.md: the count is how many; a breakdown the article gives goes to victim_groups."""
    count = parse_count(phrase)
    assert (count.low, count.best, count.high, count.text) == (low, best, high, phrase)
    assert [(label, c.best) for label, c in victim_groups(phrase)] == groups
    assert count_supported(count, f"The attack killed {phrase}, officials said.")


@pytest.mark.parametrize(
    "phrase",
    [
        "two paramedics",
        "12 civilians were killed and 20 wounded",
        "several soldiers and two civilians",
        "including three children",
        "killing 5 and wounding 11 others",
    ],
)
def test_one_group_a_clause_or_a_vague_part_is_not_a_breakdown(phrase: str) -> None:
    assert victim_groups(phrase) == []
