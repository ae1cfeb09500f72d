"""Checking stage: do the records' date, location and deaths agree with the answer keys?

CEAF-REE scores only role fillers. The answer keys also give each incident's date, place
and human targets' fate, which the records carry too. A record template is compared with
the key template that the same best pairing (as in scoring, run against the raw keys'
templates) joins it to; unpaired templates are not compared. Agreement means:

- date: the key's day lies in the record's date range; for a key range ("15 JAN 90 -
  21 JAN 90") the two ranges overlap; for "- 21 JAN 90" (on or before, the key's default
  when the text gives no date) the record's range ends on or before that day and starts
  no more than 60 days before it (MUC-4's "recent" incidents are at most two months old).
  Any of the key's alternatives may hold. A record without a date disagrees.
- location: country when the record's country is the key's (case and accents folded);
  place when the record's place name or first-level division is one of the places the
  key names under the country.
- deaths: the record's fatality figure (best) equals the key's, which is the sum of the
  numbers of the human targets whose effect is DEATH (0 when none died); compared only
  where the key's figure is a number (not PLURAL).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from llm_extract.muc4.keys import KeyDate, KeyTemplate
from llm_extract.muc4.mapping import MucTemplate
from llm_extract.muc4.scoring import best_pairing, pred_templates
from llm_extract.text.fold import fold as text_fold

RECENT_DAYS = 60


CHECKS = ("date", "country", "place", "deaths")


@dataclass
class Check:
    """One check over paired templates: how many it applied to, and how many agreed."""

    agree: int = 0
    checked: int = 0

    def add(self, other: Check) -> None:
        self.agree += other.agree
        self.checked += other.checked

    def record(self, agrees: bool) -> None:
        self.checked += 1
        self.agree += int(agrees)

    def as_json(self) -> dict[str, object]:
        share = self.agree / self.checked if self.checked else None
        return {"agree": self.agree, "checked": self.checked, "share": share}


@dataclass
class Agreement:
    """Counts over the record templates paired with a key template, one `Check` a field
    (as `Score` keeps one `Counts` a slot)."""

    pairs: int = 0
    checks: dict[str, Check] = field(default_factory=lambda: {c: Check() for c in CHECKS})

    def add(self, other: Agreement) -> None:
        self.pairs += other.pairs
        for name, check in other.checks.items():
            self.checks[name].add(check)

    def as_json(self) -> dict[str, object]:
        return {"pairs": self.pairs, **{n: c.as_json() for n, c in self.checks.items()}}


def fold(text: str | None) -> str:
    """The text layer's fold (case, accents, spacing): "Bogotá" == "BOGOTA"."""
    return text_fold(text) if text else ""


def date_agrees(start: dt.date | None, end: dt.date | None, key: KeyDate) -> bool:
    if start is None and end is None:
        return False
    lo = start or end
    hi = end or start
    assert lo is not None and hi is not None
    if key.start is None:  # on or before key.end, and recent
        return hi <= key.end and lo >= key.end - dt.timedelta(days=RECENT_DAYS)
    return lo <= key.end and hi >= key.start


def compare(record: MucTemplate, key: KeyTemplate) -> Agreement:
    """Agreement counts for one paired record and key template."""
    out = Agreement(pairs=1)
    event, checks = record.event, out.checks
    if key.dates:
        dates = (event.date.start, event.date.end)
        checks["date"].record(any(date_agrees(*dates, d) for d in key.dates))
    if key.country:
        checks["country"].record(fold(event.location.country) == fold(key.country))
    if key.places:
        named = {fold(event.location.name), fold(event.location.admin1)} - {""}
        checks["place"].record(bool(named & {fold(p) for p in key.places}))
    if key.deaths is not None:
        checks["deaths"].record(record.deaths is not None and record.deaths == key.deaths)
    return out


def document_agreement(records: list[MucTemplate], keys: list[KeyTemplate]) -> Agreement:
    """Pair one document's record templates with its key templates, then compare pairs."""
    total = Agreement()
    if not records or not keys:
        return total
    pairing = best_pairing(
        pred_templates([r.template for r in records]),
        pred_templates([k.as_template() for k in keys]),
    )
    for i, j in pairing.items():
        total.add(compare(records[i], keys[j]))
    return total
