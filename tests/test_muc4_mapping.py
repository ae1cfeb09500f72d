"""Records -> MUC-4 templates: the type table, the roles, and documents with no event.

The records are written by hand (invented), so each expected template follows from the
mapping rules in `llm_extract/muc4/mapping.py` read by a person, not from running it.
"""

from __future__ import annotations

from typing import Any

from llm_extract.models import Actor, Casualty, Count, Document, Event
from llm_extract.muc4.mapping import INCIDENT_TYPE, is_people, to_templates
from llm_extract.ontology import ActorType, EventType, Outcome, SubEventType, VictimType


def event(eid: str, sub: SubEventType, evidence: str, **kw: Any) -> Event:
    return Event(
        id=eid,
        event_type=EventType(_event_type(sub)),
        sub_event_type=sub,
        evidence=[evidence],
        **kw,
    )


def _event_type(sub: SubEventType) -> str:
    from llm_extract.ontology import event_type_of

    return event_type_of(sub).value


ILF = Actor(
    id="a1",
    name="Invented Liberation Front",
    actor_type=ActorType.REBEL_GROUP,
    mentions=["ILF", "guerrillas", "Invented Liberation Front", "the guerrillas"],
)
ARMY = Actor(id="a2", name="Military Forces of Riverland", mentions=["the army"])
MAYOR = Actor(
    id="a3", name="Ana Torres", actor_type=ActorType.CIVILIANS, mentions=["Ana Torres", "mayor"]
)
VILLAGERS = Actor(id="a4", name="Civilians", actor_type=ActorType.CIVILIANS, mentions=["villagers"])


def test_every_acled_sub_event_type_has_a_decision() -> None:
    assert set(INCIDENT_TYPE) == set(SubEventType)


def test_people_or_body() -> None:
    people = ["guerrillas", "unidentified gunmen", "THE TERRORISTS", "soldiers"]
    bodies = ["FMLN", "the army", "Invented Liberation Front", "death squad"]
    wrong = [m for m in people if not is_people(m)] + [m for m in bodies if is_people(m)]
    assert not wrong


def test_roles_types_and_filters() -> None:
    doc = Document(
        doc_id="x",
        actors=[ILF, ARMY, MAYOR, VILLAGERS],
        events=[
            # bombing: perpetrator mentions split into people and body; weapons from evidence
            event(
                "e1",
                SubEventType.REMOTE_EXPLOSIVE,
                "Guerrillas of the ILF set off a car bomb and dynamite outside the bank.",
                actor1=["a1"],
            ),
            # kidnapping with a named victim (actor2)
            event("e2", SubEventType.ABDUCTION, "Gunmen kidnapped Ana Torres.", actor2=["a3"]),
            # attack whose evidence says it burned: arson
            event("e3", SubEventType.ATTACK, "The rebels burned the town hall.", actor1=["a1"]),
            # arrests are not a MUC-4 incident
            event("e4", SubEventType.ARRESTS, "The army arrested two rebels.", actor1=["a2"]),
            # a clash is an attack; a group is never a Victim (GTT's Victim holds names)
            event(
                "e5",
                SubEventType.ARMED_CLASH,
                "Crossfire between the army and rebels killed villagers.",
                actor1=["a2"],
                actor2=["a4"],
            ),
            # not violent: no template
            event("e6", SubEventType.PEACEFUL_PROTEST, "Students marched.", actor1=[]),
            # the same template again: kept once
            event("e7", SubEventType.GRENADE, "A grenade hit the bank.", actor1=["a1"]),
            event("e8", SubEventType.GRENADE, "The grenade hit the bank.", actor1=["a1"]),
        ],
        casualties=[
            Casualty(
                id="c1",
                event="e5",
                outcome=Outcome.KILLED,
                count=Count(low=3, best=3, high=3, text="three villagers"),
                victim_type=VictimType.CIVILIANS,
            )
        ],
    )
    got = [(t.event.id, t.template) for t in to_templates(doc)]
    empty: dict[str, list[list[str]]] = {"Target": [], "Victim": [], "Weapon": []}
    expected = [
        (
            "e1",
            {
                "incident_type": "bombing",
                "PerpInd": [["guerrillas"]],
                "PerpOrg": [["ILF"]],
                **empty,
                "Weapon": [["car bomb"], ["dynamite"]],
            },
        ),
        (
            "e2",
            {
                "incident_type": "kidnapping",
                "PerpInd": [],
                "PerpOrg": [],
                **empty,
                "Victim": [["Ana Torres"]],
            },
        ),
        (
            "e3",
            {
                "incident_type": "arson",
                "PerpInd": [["guerrillas"]],
                "PerpOrg": [["ILF"]],
                **empty,
                "Target": [["town hall"]],  # what the evidence says was burned
            },
        ),
        (
            "e5",
            {"incident_type": "attack", "PerpInd": [], "PerpOrg": [["the army"]], **empty},
        ),
        (
            "e7",
            {
                "incident_type": "bombing",
                "PerpInd": [["guerrillas"]],
                "PerpOrg": [["ILF"]],
                **empty,
                "Target": [["bank"]],  # what the grenade hit
                "Weapon": [["grenade"]],
            },
        ),
    ]
    assert got == expected
    deaths = {t.event.id: t.deaths for t in to_templates(doc)}
    assert deaths == {"e1": 0, "e2": 0, "e3": 0, "e5": 3, "e7": 0}


def test_no_event_no_template() -> None:
    assert to_templates(Document(doc_id="empty", actors=[ILF])) == []
