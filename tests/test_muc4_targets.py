"""MUC-4 mapping: physical targets from the evidence's parse, and who is no perpetrator.

The target rows are real sentences from bench/realdev, as written and lower-cased as
MUC-4's wire copy is, with the target a reader sees in each; the perpetrator test uses
an invented record (not real text), labelled so. One test reports every failing row.
"""

from __future__ import annotations

from llm_extract.models import Actor, Document, Event
from llm_extract.muc4.mapping import to_templates
from llm_extract.muc4.targets import targets
from llm_extract.ontology import ActorType, EventType, SubEventType

# (real sentence from bench/realdev, the physical target a reader sees in it, or None)
ROWS: list[tuple[str, str | None]] = [
    (
        "In Kunduz province, four suicide bombers stormed an army recruitment center Sunday, "
        "killing at least three soldiers and two other people.",
        "army recruitment center",
    ),
    (
        "Also in southern Afghanistan, a roadside bomb in Kandahar blew up a civilian car, "
        "killing the driver and wounding four children.",
        "civilian car",
    ),
    (
        "I am outraged and deeply saddened by the assault on our Consulate in Peshawar.",
        "consulate",
    ),
    (
        "At least 20 Somali government soldiers were killed and 18 others were wounded when "
        "al-Shabab raided a military base south of Mogadishu, security sources told VOA Somali.",
        None,
    ),
]


def _event(quote: str) -> Event:
    return Event(
        id="e1",
        event_type=EventType.VIOLENCE_AGAINST_CIVILIANS,
        sub_event_type=SubEventType.ATTACK,
        evidence=[quote],
    )


def test_targets_are_what_the_violent_verb_or_attack_noun_hit() -> None:
    failures: list[str] = []
    for sentence, want in ROWS:
        for text in (sentence, sentence.lower()):
            got = [t[0].casefold() for t in targets(_event(text))]
            expected = [want] if want else []
            if got != expected:
                failures.append(f"{text[:50]!r}: got {got}, want {expected}")
    assert not failures, "\n".join(failures)


def test_a_government_actor_is_no_perpetrator_but_its_forces_are() -> None:
    # invented record: the rules put a political body and an army on the attacking side
    gov = Actor(id="a1", name="Government of Riverland", actor_type=ActorType.STATE_FORCES,
                mentions=["the government"])  # fmt: skip
    army = Actor(id="a2", name="Military Forces of Riverland",
                 actor_type=ActorType.STATE_FORCES, mentions=["the army"])  # fmt: skip
    event = _event("The army and the government attacked the village.")
    event.actor1 = ["a1", "a2"]
    doc = Document(doc_id="d1", actors=[gov, army], events=[event])
    (template,) = [t.template for t in to_templates(doc)]
    assert template["PerpOrg"] == [["the army"]]
