"""Reading stage for the raw answer keys: what each key template says of date, place,
deaths and role fillers, so the records' date, location and deaths can be checked.

The key format is MUC-4's: templates of numbered slots ("2.  INCIDENT: DATE  30 DEC 89"),
a value starting at the column after the slot name, continuation lines for further
fillers, `;` comment lines, `*` for an irrelevant document and `-` for an empty slot.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from llm_extract.muc4.corpus import MONTHS

_SLOT = re.compile(r"^\s*(\d+)\.\s+[A-Z ]+:[A-Z ]+?(?:\s{2,}|$)(.*)$")
_QUOTED = re.compile(r'"((?:\\.|[^"\\])*)"')
_DATE = re.compile(r"(\d{1,2}) ([A-Z]{3}) (\d{2})")

# Slot numbers of the MUC-4 template (template-doc-part1, section 2.0).
ID, TEMPLATE, DATE, LOCATION, TYPE = 0, 1, 2, 3, 4
INSTRUMENT_ID, PERP_IND, PERP_ORG, PHYS_TGT_ID = 6, 9, 10, 12
HUM_TGT_NAME, HUM_TGT_DESC, HUM_TGT_NUMBER, HUM_TGT_EFFECT = 18, 19, 21, 23
_ROLE_SLOTS = {
    "PerpInd": PERP_IND,
    "PerpOrg": PERP_ORG,
    "Target": PHYS_TGT_ID,
    "Victim": HUM_TGT_NAME,
    "Weapon": INSTRUMENT_ID,
}


@dataclass(frozen=True)
class KeyDate:
    """One reading of the date slot: on a day, between two days, or on or before a day."""

    start: dt.date | None  # None: "on or before `end`"
    end: dt.date


@dataclass
class KeyTemplate:
    """The parts of one answer-key template the benchmark compares with records."""

    doc_id: str
    number: str
    optional: bool
    incident_type: str
    dates: list[KeyDate] = field(default_factory=list)  # alternatives, any may hold
    country: str | None = None
    places: list[str] = field(default_factory=list)  # named places below the country
    deaths: int | None = None  # None: the key gives no usable number
    roles: dict[str, list[list[str]]] = field(default_factory=dict)

    def as_template(self) -> dict[str, object]:
        """In GTT's prediction shape, to pair records with key templates."""
        return {"incident_type": self.incident_type, **self.roles}


def _to_date(day: str, mon: str, yy: str) -> dt.date | None:
    month = MONTHS.get(mon)
    try:
        return dt.date(1900 + int(yy), month, int(day)) if month else None
    except ValueError:
        return None


def parse_dates(value: str) -> list[KeyDate]:
    """Alternatives split on "/": "D", "D - D" (between) and "- D" (on or before)."""
    out: list[KeyDate] = []
    for part in value.split("/"):
        part = part.strip().strip("()").strip()
        days = [_to_date(*m.groups()) for m in _DATE.finditer(part)]
        found = [d for d in days if d]
        if not found:
            continue
        if len(found) >= 2:
            out.append(KeyDate(min(found[:2]), max(found[:2])))
        elif part.startswith("-"):
            out.append(KeyDate(None, found[0]))
        else:
            out.append(KeyDate(found[0], found[0]))
    return out


def parse_location(value: str) -> tuple[str | None, list[str]]:
    """Country and the named places under it: "PERU: LIMA (CITY): MIRAFLORES (...)"."""
    names: list[str] = []
    value = re.sub(r"\s\([A-Z][A-Z ]*\)", "", value)  # place kinds: "LIMA (CITY)"
    for piece in re.split(r":|\s-\s|/", value):
        name = piece.strip().strip("()?").strip()
        if name and name not in ("-", "*"):
            names.append(name)
    if not names:
        return None, []
    country = names[0]
    places = [n for n in dict.fromkeys(names[1:]) if n != country]  # alternatives repeat it
    return country, places


def _number(text: str) -> tuple[int, int] | None:
    text = text.strip().lstrip("~").strip()
    span = re.fullmatch(r"(\d+)\s*-\s*(\d+)", text)
    if span:
        return int(span[1]), int(span[2])
    return (int(text), int(text)) if text.isdigit() else None


def parse_deaths(numbers: Iterable[str], effects: Iterable[str]) -> int | None:
    """Sum of the counts of the human targets whose effect is DEATH (best = low end).

    0 when no target died; None when a dead target's number is not a figure (PLURAL).
    """
    dead: set[str] = set()
    for line in effects:
        head, _, rest = line.partition(":")
        if "DEATH" in head and "NO DEATH" not in head and "NO INJURY OR DEATH" not in head:
            dead.update(_QUOTED.findall(rest))
    if not dead:
        return 0
    by_target: dict[str, tuple[int, int] | None] = {}
    for line in numbers:
        head, _, rest = line.partition(":")
        for target in _QUOTED.findall(rest):
            by_target[target] = _number(head)
    total = 0
    for target in dead:
        figure = by_target.get(target)
        if figure is None:
            return None
        total += figure[0]
    return total


def _entities(lines: Iterable[str]) -> list[list[str]]:
    """One entity per filler line; alternatives ("A" / "B") are its mentions."""
    out = []
    for line in lines:
        mentions = [m.replace('\\"', '"').strip() for m in _QUOTED.findall(line)]
        if mentions:
            out.append(mentions)
    return out


def _slots(chunk: str) -> dict[int, list[str]]:
    slots: dict[int, list[str]] = {}
    current: int | None = None
    for line in chunk.splitlines():
        if line.startswith(";") or not line.strip():
            continue
        match = _SLOT.match(line)
        if match:
            current = int(match[1])
            slots.setdefault(current, []).append(match[2].strip())
        elif current is not None:
            slots[current].append(line.strip())
    return slots


def parse_template(chunk: str) -> KeyTemplate | None:
    """One key template; None for the `*` entry of a document with no incident."""
    slots = _slots(chunk)
    ident = (slots.get(ID) or [""])[0].split("(")[0].strip()
    number = (slots.get(TEMPLATE) or ["*"])[0]
    if not ident or number.startswith("*"):
        return None
    country, places = parse_location(" ".join(slots.get(LOCATION, [])))
    return KeyTemplate(
        doc_id=ident,
        number=number.split()[0],
        optional="OPTIONAL" in number,
        incident_type=" ".join(slots.get(TYPE, [""])).strip().lower(),
        dates=parse_dates(" ".join(slots.get(DATE, []))),
        country=country,
        places=places,
        deaths=parse_deaths(slots.get(HUM_TGT_NUMBER, []), slots.get(HUM_TGT_EFFECT, [])),
        roles={role: _entities(slots.get(n, [])) for role, n in _ROLE_SLOTS.items()},
    )


def iter_key_templates(text: str) -> Iterator[KeyTemplate]:
    """Every template of one key file (a new template starts at slot 0)."""
    for chunk in re.split(r"\n(?=\s*0\.\s+MESSAGE: ID)", text):
        template = parse_template(chunk)
        if template is not None:
            yield template


def read_keys(paths: Iterable[Path]) -> dict[str, list[KeyTemplate]]:
    """doc id -> its key templates, over all key files of a split."""
    out: dict[str, list[KeyTemplate]] = {}
    for path in paths:
        for template in iter_key_templates(path.read_text(encoding="latin-1")):
            out.setdefault(template.doc_id, []).append(template)
    return out
