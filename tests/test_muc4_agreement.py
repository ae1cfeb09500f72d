"""Checking stage of `bench muc4`: date, place and deaths of paired records against keys.

Records and keys are invented; each expected count follows from the rules in the module
docstring of `llm_extract/muc4/agreement.py` read by a person, not from running it.
"""

from __future__ import annotations

import datetime as dt

from llm_extract.models import DateRange, Event, Location
from llm_extract.muc4.agreement import Agreement, compare, document_agreement
from llm_extract.muc4.keys import KeyDate, KeyTemplate
from llm_extract.muc4.mapping import MucTemplate
from llm_extract.ontology import EventType, SubEventType

D = dt.date


def record(
    start: dt.date | None, end: dt.date | None, place: Location, deaths: int | None
) -> MucTemplate:
    event = Event(
        id="e1",
        event_type=EventType.VIOLENCE_AGAINST_CIVILIANS,
        sub_event_type=SubEventType.ATTACK,
        evidence=["guerrillas attacked the town"],
        date=DateRange(start=start, end=end),
        location=place,
    )
    template = {"incident_type": "attack", "PerpInd": [["guerrillas"]]}
    return MucTemplate(template=template, event=event, deaths=deaths)


def key(number: str, **kw: object) -> KeyTemplate:
    return KeyTemplate(
        doc_id="DEV-MUC3-0001",
        number=number,
        optional=False,
        incident_type="attack",
        roles={"PerpInd": [["guerrillas"]]},
        **kw,  # type: ignore[arg-type]
    )


def test_each_check_counts_only_where_the_key_gives_a_value() -> None:
    # date in the key's range, country folded equal, place by admin1, deaths differ
    agrees = compare(
        record(D(1990, 1, 16), D(1990, 1, 16), Location(name="X", admin1="San Salvador",
               country="El Salvador"), deaths=2),
        key("1", dates=[KeyDate(D(1990, 1, 15), D(1990, 1, 21))], country="EL SALVADOR",
            places=["SAN SALVADOR"], deaths=3),
    )  # fmt: skip
    # no date on the record; the key has no country, no places and no number of deaths
    no_date = compare(
        record(None, None, Location(name="Bogotá"), deaths=None),
        key("2", dates=[KeyDate(None, D(1990, 1, 21))]),
    )
    # "on or before": ends before the key's day but starts more than 60 days earlier
    too_old = compare(
        record(D(1989, 10, 1), D(1990, 1, 20), Location(country="Peru"), deaths=0),
        key("3", dates=[KeyDate(None, D(1990, 1, 21))], country="COLOMBIA", deaths=0),
    )
    total = Agreement()
    for one in (agrees, no_date, too_old):
        total.add(one)
    assert total.as_json() == {
        "pairs": 3,
        "date": {"agree": 1, "checked": 3, "share": 1 / 3},
        "country": {"agree": 1, "checked": 2, "share": 0.5},
        "place": {"agree": 1, "checked": 1, "share": 1.0},
        "deaths": {"agree": 1, "checked": 2, "share": 0.5},
    }


def test_a_document_without_records_or_keys_checks_nothing() -> None:
    one = record(D(1990, 1, 16), D(1990, 1, 16), Location(country="Peru"), deaths=1)
    empty = {"agree": 0, "checked": 0, "share": None}
    assert document_agreement([one], []).as_json() == {
        "pairs": 0,
        "date": empty,
        "country": empty,
        "place": empty,
        "deaths": empty,
    }
    paired = document_agreement([one], [key("1", country="PERU")]).as_json()
    assert paired["pairs"] == 1
    assert paired["country"] == {"agree": 1, "checked": 1, "share": 1.0}
