"""Sentence splitting keeps offsets exact and survives news-copy punctuation.

All texts here are short invented test inputs, not real articles.
"""

from __future__ import annotations

from llm_extract.sentences import candidate_sentences, is_candidate, split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_slice_back_to_each_sentence() -> None:
    text = "Title line\n\nFirst one.  Second\u00a0one!\nThird? Yes."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Title line",
        "First one.",
        "Second\u00a0one!",
        "Third?",
        "Yes.",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_abbreviations_and_initials_do_not_end_a_sentence() -> None:
    text = "On Aug. 22 Gen. Smith met U.N. envoys in St. Paul. They left."
    assert texts(text) == ["On Aug. 22 Gen. Smith met U.N. envoys in St. Paul.", "They left."]


def test_initialism_ends_a_sentence_before_a_typical_opener() -> None:
    assert texts("Aid came from the U.S. The convoy arrived.") == [
        "Aid came from the U.S.",
        "The convoy arrived.",
    ]


def test_ellipsis_followed_by_lowercase_continues_the_sentence() -> None:
    assert texts("Shelling went on… amid an advance. Then calm.") == [
        "Shelling went on… amid an advance.",
        "Then calm.",
    ]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = 'He said: "We will hold the line." Officials disagreed.'
    assert texts(text) == ['He said: "We will hold the line."', "Officials disagreed."]


def test_nbsp_after_full_stop_splits() -> None:
    assert texts("One.\u00a0Two.") == ["One.", "Two."]


def test_headlines_and_captions_are_flagged() -> None:
    text = "Town falls to rebels\n\nRebels took the town. (AFP)\n\nThe army retreated."
    flags = [(s.text, s.headline) for s in split_sentences(text)]
    assert ("Town falls to rebels", True) in flags
    assert ("The army retreated.", False) in flags
    assert all(h for t, h in flags if t in ("Rebels took the town.", "(AFP)"))


def test_wrapped_headline_is_one_sentence() -> None:
    text = "Rebels advance on\nthe northern town\n\nBody text here."
    assert texts(text)[0] == "Rebels advance on\nthe northern town"


def test_candidates_need_an_event_or_casualty_word() -> None:
    assert is_candidate("Two soldiers were killed in clashes.")
    assert is_candidate("Protesters marched to parliament.")
    assert not is_candidate("The weather was mild and the market was busy.")


def test_candidates_fire_on_the_rules_lemma_triggers_not_only_listed_word_forms() -> None:
    # inflections and phrasal verbs no word list spells out, read by lemma from the parse
    text = (
        "Police nabbed 14 suspected smugglers in Kano on Friday.\n\n"
        "Troops were rounding up young men in the market of Gao.\n\n"
        "Troops will not nab anyone, the general said.\n\n"
        "The weather was mild and the market was busy."
    )
    assert [s.text[:20] for s in candidate_sentences(text)] == [
        "Police nabbed 14 sus",
        "Troops were rounding",
    ]


def test_candidate_sentences_drop_repeated_lines() -> None:
    text = "Clashes erupted in the town\n\nClashes erupted in the town\n\nThe sky was clear."
    found = candidate_sentences(text)
    assert [s.text for s in found] == ["Clashes erupted in the town"]
    assert found[0].start == 0


def test_text_without_capitals_still_ends_sentences_at_full_stops() -> None:
    """Real dev reports (bench/realdev), each prose line lower-cased as MUC-4's wire copy
    is: every full stop that ends a sentence in the cased line ends one in the lower-cased
    line too (a lower-case start after a full stop says nothing where nothing is cased)."""
    from pathlib import Path

    realdev = Path(__file__).resolve().parent.parent / "bench" / "realdev"
    failures: list[str] = []
    for path in sorted(realdev.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip().endswith("."):
                continue
            cased = split_sentences(line)
            lowered = {s.end for s in split_sentences(line.lower())}
            for s in cased[:-1]:
                if s.text.endswith(".") and s.end not in lowered:
                    failures.append(f"{path.name}: {s.text[-60:]!r}")
    assert not failures, "\n".join(failures)
