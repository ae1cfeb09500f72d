"""Groups an article defines by name and acronym ("the X Liberation Front (XLF)").

The first test reads a real seed sentence (seeds/000), lower-cased as MUC-4's wire copy
is; the others are short invented test inputs (not real articles) for a group no table
knows, labelled so. Expected values come from reading the sentences, not from a run.
"""

from __future__ import annotations

from pathlib import Path

from llm_extract.ontology import ActorType
from llm_extract.rules import build_draft
from llm_extract.rules.defined_groups import defined_groups, group_mentions
from llm_extract.text import parse

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_4c7802ff51b8819f.txt"


def test_a_name_the_table_knows_keeps_the_tables_actor_and_common_word_acronyms_stay_words() -> (
    None
):
    line = next(x for x in SEED.read_text(encoding="utf-8").splitlines() if "(IS)" in x)
    lowered = line.lower()  # "russia claims it is in syria to fight islamic state (is) ..."
    parsed = parse(lowered)
    groups = defined_groups(parsed, "Syria")
    assert [(g.name, g.acronym, g.info.name) for g in groups] == [
        ("islamic state", "is", "Islamic State")
    ]
    failures: list[str] = []
    for p in parsed:
        text = p.sentence.text
        for m in group_mentions(p, groups):
            if text[m.start : m.end] != "islamic state":
                failures.append(f"{text[m.start : m.end]!r} at {m.start} in {text[:60]!r}")
    assert not failures, "\n".join(failures)


# Invented test inputs (not real text): a group no table knows, in upper and lower case.
INVENTED = (
    "Guerrillas of the Invented Liberation Front (ILF) blew up a bridge in Riverton on "
    "Monday, killing two soldiers. The ILF later claimed responsibility for the attack."
)


def test_an_unknown_defined_group_is_one_armed_actor_in_either_case() -> None:
    failures: list[str] = []
    for text in (INVENTED, INVENTED.lower()):
        draft = build_draft(text)
        named = [a for a in draft.actors if "liberation front" in a.name.lower()]
        if len(named) != 1 or named[0].actor_type is not ActorType.REBEL_GROUP:
            failures.append(f"{text[:30]!r}: actors {[(a.name, a.actor_type) for a in named]}")
        first = draft.events[0] if draft.events else None
        if first is None or not any("liberation front" in n.lower() for n in first.actor1):
            failures.append(f"{text[:30]!r}: first event's actor1 {first and first.actor1}")
    assert not failures, "\n".join(failures)


def test_a_defined_name_with_nothing_armed_about_it_is_no_actor() -> None:
    # invented test input: a trade union defined with its acronym, nothing armed
    text = "the invented workers confederation (iwc) called a strike in riverton on monday."
    assert defined_groups(parse(text), None) == []
