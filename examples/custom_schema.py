"""Your own record fields: an `Event` subclass with `weapon` and `claimed_by`, offline.

    python examples/custom_schema.py                      # rules, no model, about 2 s
    python examples/custom_schema.py --backend embedded   # the local model fills them

It extracts the two seed articles with `Settings(records=Records(event=ArmedEvent))`,
prints each event's added fields, and writes a CSV whose last columns are `weapon` and
`claimed_by`. The CLI equivalent is
`llm-extract run seeds/ --records examples/custom_schema.py:ArmedEvent -o out.csv`.

Who fills the added fields, honestly:

- With the `rules` backend (the default here) no model runs, and the rules know nothing
  of `weapon` or `claimed_by`: both keep their defaults (None). `weapon` is then filled
  by the class's own validator below, a post-hook you write, from the words of the
  event's evidence ("shelling" -> artillery). That is this file's keyword table, not
  extraction; `claimed_by` stays None.
- With a model backend and the `single` strategy (`--backend embedded`, or any server),
  the schema sent to the model asks for both fields and the system prompt says what
  they are; `claimed_by` is typed `Evidence`, so its quote is grounded in the article
  (the article's own words kept, with offsets in the event's spans) or dropped with a
  warning. The validator still runs after, for what the model left empty. No recorded
  cassette covers this schema (cassettes are real recordings of the default schema's
  requests), so this path runs the model live; the embedded SmolLM2-135M fills them
  poorly, as it does everything (README: "Be honest about the embedded model").
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

from pydantic import Field, model_validator

from llm_extract import Event, Evidence, Extractor, Records, Settings
from llm_extract.writers import open_writer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
WEAPON_WORDS = {
    "shelling": "artillery",
    "artillery": "artillery",
    "missile": "missiles",
    "air strike": "aircraft",
    "airstrike": "aircraft",
    "warplane": "aircraft",
    "raids": "aircraft",
    "bombard": "artillery",
    "bomb": "explosives",
    "rifle": "small arms",
}


class ArmedEvent(Event):
    """An ACLED event plus what it was fought with and who claimed it."""

    weapon: str | None = Field(None, description="The weapon or means used, as named.")
    claimed_by: Evidence | None = Field(
        None, description="The words saying who claimed responsibility, if anyone did."
    )

    @model_validator(mode="after")
    def _weapon_from_evidence(self) -> ArmedEvent:
        """The post-hook: runs on every record, whatever backend made it."""
        if self.weapon is None:
            said = " ".join(self.evidence).lower()
            self.weapon = next((w for k, w in WEAPON_WORDS.items() if k in said), None)
        return self


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="rules")
    args = parser.parse_args()
    settings = Settings(
        backend=args.backend,
        strategy=None if args.backend == "rules" else "single",
        records=Records(event=ArmedEvent),
        cache=False,
        runlog=False,
    )
    results = []
    with Extractor(settings) as extractor:
        for path in sorted(SEEDS.glob("*.txt")):
            result = extractor.extract(path.read_text(encoding="utf-8"), doc_id=path.stem)
            results.append(result)
            for event in result.events:
                assert isinstance(event, ArmedEvent)
                print(
                    f"{path.stem[:3]} {event.id:<3} {event.sub_event_type.value:<36} "
                    f"weapon={event.weapon!s:<10} claimed_by={event.claimed_by}"
                )
            for warning in result.warnings:
                print(f"  warning: {warning}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "events.csv"
        with open_writer(out, "csv", extra_columns=settings.records.extra_columns) as writer:
            for result in results:
                writer.write(result)
        with out.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
    print("CSV columns end with:", ", ".join(header[-5:]))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
