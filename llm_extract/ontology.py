"""ACLED's event ontology and UCDP-style vocabularies, verbatim.

The strings are ACLED's own so that output can be exported to, and compared with,
ACLED data without a mapping table. Each sub-event type belongs to exactly one event
type, which lets code (not the model) derive the event type from the sub-event type.
"""

from __future__ import annotations

from enum import Enum


class EventType(str, Enum):
    """ACLED's six event types."""

    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC_DEVELOPMENTS = "Strategic developments"


class SubEventType(str, Enum):
    """ACLED's 25 sub-event types."""

    # Battles
    ARMED_CLASH = "Armed clash"
    GOVERNMENT_REGAINS_TERRITORY = "Government regains territory"
    NON_STATE_OVERTAKES_TERRITORY = "Non-state actor overtakes territory"
    # Explosions/Remote violence
    CHEMICAL_WEAPON = "Chemical weapon"
    AIR_DRONE_STRIKE = "Air/drone strike"
    SUICIDE_BOMB = "Suicide bomb"
    SHELLING = "Shelling/artillery/missile attack"
    REMOTE_EXPLOSIVE = "Remote explosive/landmine/IED"
    GRENADE = "Grenade"
    # Violence against civilians
    SEXUAL_VIOLENCE = "Sexual violence"
    ATTACK = "Attack"
    ABDUCTION = "Abduction/forced disappearance"
    # Protests
    PEACEFUL_PROTEST = "Peaceful protest"
    PROTEST_WITH_INTERVENTION = "Protest with intervention"
    EXCESSIVE_FORCE = "Excessive force against protesters"
    # Riots
    VIOLENT_DEMONSTRATION = "Violent demonstration"
    MOB_VIOLENCE = "Mob violence"
    # Strategic developments
    AGREEMENT = "Agreement"
    ARRESTS = "Arrests"
    CHANGE_TO_GROUP = "Change to group/activity"
    DISRUPTED_WEAPONS_USE = "Disrupted weapons use"
    HEADQUARTERS_ESTABLISHED = "Headquarters or base established"
    LOOTING = "Looting/property destruction"
    NON_VIOLENT_TRANSFER = "Non-violent transfer of territory"
    OTHER = "Other"


SUB_EVENT_TYPES: dict[EventType, tuple[SubEventType, ...]] = {
    EventType.BATTLES: (
        SubEventType.ARMED_CLASH,
        SubEventType.GOVERNMENT_REGAINS_TERRITORY,
        SubEventType.NON_STATE_OVERTAKES_TERRITORY,
    ),
    EventType.EXPLOSIONS: (
        SubEventType.CHEMICAL_WEAPON,
        SubEventType.AIR_DRONE_STRIKE,
        SubEventType.SUICIDE_BOMB,
        SubEventType.SHELLING,
        SubEventType.REMOTE_EXPLOSIVE,
        SubEventType.GRENADE,
    ),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (
        SubEventType.SEXUAL_VIOLENCE,
        SubEventType.ATTACK,
        SubEventType.ABDUCTION,
    ),
    EventType.PROTESTS: (
        SubEventType.PEACEFUL_PROTEST,
        SubEventType.PROTEST_WITH_INTERVENTION,
        SubEventType.EXCESSIVE_FORCE,
    ),
    EventType.RIOTS: (SubEventType.VIOLENT_DEMONSTRATION, SubEventType.MOB_VIOLENCE),
    EventType.STRATEGIC_DEVELOPMENTS: (
        SubEventType.AGREEMENT,
        SubEventType.ARRESTS,
        SubEventType.CHANGE_TO_GROUP,
        SubEventType.DISRUPTED_WEAPONS_USE,
        SubEventType.HEADQUARTERS_ESTABLISHED,
        SubEventType.LOOTING,
        SubEventType.NON_VIOLENT_TRANSFER,
        SubEventType.OTHER,
    ),
}

EVENT_TYPE_OF: dict[SubEventType, EventType] = {
    sub: event for event, subs in SUB_EVENT_TYPES.items() for sub in subs
}


def event_type_of(sub_event_type: SubEventType | str) -> EventType:
    """The one ACLED event type a sub-event type belongs to."""
    return EVENT_TYPE_OF[SubEventType(sub_event_type)]


class ActorType(str, Enum):
    """ACLED's inter codes 1-8, plus `other`."""

    STATE_FORCES = "state_forces"  # 1
    REBEL_GROUP = "rebel_group"  # 2
    POLITICAL_MILITIA = "political_militia"  # 3
    IDENTITY_MILITIA = "identity_militia"  # 4
    RIOTERS = "rioters"  # 5
    PROTESTERS = "protesters"  # 6
    CIVILIANS = "civilians"  # 7
    EXTERNAL_FORCES = "external_forces"  # 8
    OTHER = "other"


INTER_CODE: dict[ActorType, int] = {
    ActorType.STATE_FORCES: 1,
    ActorType.REBEL_GROUP: 2,
    ActorType.POLITICAL_MILITIA: 3,
    ActorType.IDENTITY_MILITIA: 4,
    ActorType.RIOTERS: 5,
    ActorType.PROTESTERS: 6,
    ActorType.CIVILIANS: 7,
    ActorType.EXTERNAL_FORCES: 8,
    ActorType.OTHER: 0,
}


class Outcome(str, Enum):
    """What happened to the people a casualty record counts."""

    KILLED = "killed"
    INJURED = "injured"
    ABDUCTED = "abducted"
    MISSING = "missing"
    DISPLACED = "displaced"
    ARRESTED = "arrested"


class VictimType(str, Enum):
    CIVILIANS = "civilians"
    COMBATANTS = "combatants"
    MIXED = "mixed"
    UNKNOWN = "unknown"


class DatePrecision(str, Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"
