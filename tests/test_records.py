"""User records: an `Event` subclass with added fields goes through the whole pipeline.

The model path runs against the fake server (a test double), which answers the added
fields with fixed values; the rules path runs on the seeds. Nothing here claims quality.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field, field_validator, model_validator
from typer.testing import CliRunner

from llm_extract import Actor, Event, Extractor, Settings
from llm_extract.assemble import assemble
from llm_extract.cli import app
from llm_extract.draft import Draft
from llm_extract.errors import ConfigurationError
from llm_extract.models import Evidence, ExtractionResult
from llm_extract.prompts import load_template
from llm_extract.records import Records, draft_model
from llm_extract.schemas import generate_schemas
from llm_extract.writers import open_writer
from tests.fake_server import SAMPLE_TEXT, FakeServer, settings_for

ROOT = Path(__file__).resolve().parent.parent


class ArmedEvent(Event):
    weapon: str | None = Field(None, description="The weapon used, as the article names it.")
    claimed_by: Evidence | None = None


class ArmedActor(Actor):
    role: str | None = None


class OtherEvent(Event):
    weapon: int | None = None  # same name, another type: another schema


class RequiredEvent(Event):
    weapon: str


ARMED = Records(event=ArmedEvent, actor=ArmedActor)


def test_default_records_change_nothing_sent() -> None:
    """The default records give the shipped Draft class itself and no prompt lines, so
    requests (and the recorded cassettes) stay byte-identical."""
    default = Records()
    assert draft_model(default) is Draft
    assert draft_model(None) is Draft
    assert default.prompt_lines() == ""
    assert default.fingerprint() is None
    template = load_template("extract_v1")
    assert template.with_record_fields(default.prompt_lines()) is template
    assert Settings(backend="rules").records == default


def test_extended_draft_asks_for_the_added_fields() -> None:
    schema = draft_model(ARMED).model_json_schema()
    event = schema["$defs"]["DraftEvent"]
    assert event["required"][-2:] == ["weapon", "claimed_by"]  # required, nullable
    assert event["properties"]["claimed_by"]["anyOf"][0]["maxLength"] == 600
    assert "verbatim" in event["properties"]["claimed_by"]["description"]
    assert event["properties"]["weapon"]["description"].startswith("The weapon used")
    assert "role" in schema["$defs"]["DraftActor"]["properties"]
    assert schema["title"] == "Draft" and schema["description"] == Draft.__doc__
    assert "weapon" in generate_schemas(ARMED)["Event"]["properties"]
    assert "weapon" not in generate_schemas()["Event"]["properties"]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"event": RequiredEvent}, "needs a default"),
        (["llm_extract.models:Document"], "subclasses none"),
        (["no_such_module_xyz:Thing"], "cannot import"),
        ([ArmedEvent, OtherEvent], "two event classes"),
    ],
)
def test_unusable_records_are_configuration_errors(given: Any, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Records.model_validate(given)


def test_a_field_named_like_a_csv_column_is_refused() -> None:
    clash = type("Clash", (Event,), {"__annotations__": {"notes": "str | None"}, "notes": None})
    with pytest.raises(ConfigurationError, match="CSV column 'notes'"):
        Records(event=clash)
    fields = {"__annotations__": {"actor2_role": "str | None"}, "actor2_role": None}
    event = type("Ev", (Event,), fields)
    with pytest.raises(ConfigurationError, match="CSV column 'actor2_role'"):
        Records(event=event, actor=ArmedActor)  # ArmedActor.role is written as actor2_role


def test_records_by_name_and_round_trip_through_settings() -> None:
    ref = f"{__name__}:ArmedEvent"
    named = Records.model_validate([ref])
    assert named.event is ArmedEvent and named.actor is Actor
    settings = Settings(backend="rules", records=[ref])
    assert settings.masked()["records"]["event"] == ref


def test_cache_key_follows_the_classes(tmp_path: Path) -> None:
    def key(recs: Records | None) -> str:
        settings = Settings(backend="rules", cache_dir=tmp_path, runlog=False)
        if recs is not None:
            settings.records = recs
        with Extractor(settings) as ex:
            return ex.cache_key(_article())

    base, armed, other = key(None), key(ARMED), key(Records(event=OtherEvent))
    assert len({base, armed, other}) == 3
    assert key(Records(event=ArmedEvent, actor=ArmedActor)) == armed  # stable


def _article() -> Any:
    from llm_extract.extract import as_article

    return as_article(SAMPLE_TEXT, doc_id="d1")


def _extract_with(server: FakeServer, tmp_path: Path, **kw: Any) -> ExtractionResult:
    settings = settings_for(server, tmp_path, strategy="single", records=ARMED, **kw)
    with Extractor(settings) as ex:
        return ex.extract(_article())


def test_model_fills_added_fields_and_evidence_is_grounded(tmp_path: Path) -> None:
    extras = {"weapon": "mortar", "claimed_by": "residents  FLED"}  # retyped by the model
    with FakeServer(event_extras=extras) as server:
        result = _extract_with(server, tmp_path)
        body = server.model_requests[-1].body
    sent = json.dumps(body)
    assert '"weapon"' in sent and '"claimed_by"' in sent  # in the schema sent
    system = body["messages"][0]["content"]
    assert "Each event also has weapon: The weapon used" in system
    assert result.ok, result.error
    event = result.events[0]
    assert isinstance(event, ArmedEvent)
    assert event.weapon == "mortar"
    assert event.claimed_by == "Residents fled"  # the article's own words
    span = next(s for s in event.spans if getattr(s, "field", None) == "claimed_by")
    assert SAMPLE_TEXT[span.start : span.end] == "Residents fled"
    assert any(n.path == "events[0].claimed_by" for n in result.normalisations)
    assert result.provenance is not None
    assert (
        result.provenance.schema_hash != Extractor(Settings(backend="rules")).provenance.schema_hash
    )


def test_ungrounded_evidence_field_is_dropped_or_flagged(tmp_path: Path) -> None:
    extras = {"weapon": None, "claimed_by": "the Islamic State said it did it"}
    with FakeServer(event_extras=extras) as server:
        dropped = _extract_with(server, tmp_path / "a")
        kept = _extract_with(server, tmp_path / "b", keep_ungrounded=True)
    assert dropped.events[0].claimed_by is None  # type: ignore[attr-defined]
    assert any("claimed_by" in w and "not found" in w for w in dropped.warnings)
    assert kept.events[0].claimed_by == extras["claimed_by"]  # type: ignore[attr-defined]
    assert "ungrounded_claimed_by" in kept.events[0].flags


def test_cache_hit_gives_back_the_users_class(tmp_path: Path) -> None:
    with FakeServer(event_extras={"weapon": "mortar", "claimed_by": None}) as server:
        first = _extract_with(server, tmp_path)
        again = _extract_with(server, tmp_path)
        assert len(server.model_requests) == 1
    assert again.cached and not first.cached
    assert isinstance(again.events[0], ArmedEvent) and again.events[0].weapon == "mortar"


def test_resuming_a_csv_keeps_the_added_columns(tmp_path: Path) -> None:
    with FakeServer(event_extras={"weapon": "mortar", "claimed_by": None}) as s:
        result = _extract_with(s, tmp_path)
    out = tmp_path / "out.csv"
    with open_writer(out, "csv", extra_columns=("weapon", "claimed_by")) as writer:
        writer.write(result)
    with open_writer(out, "csv", resume=True, extra_columns=("weapon", "claimed_by")) as w:
        assert w.done == {result.doc_id}
    with out.open(newline="") as handle:
        assert [r["weapon"] for r in csv.DictReader(handle)] == ["mortar"]


class ShelledEvent(Event):
    """A user's own post-hook: the rules cannot fill `weapon`, a validator can."""

    weapon: str | None = None

    @model_validator(mode="after")
    def _weapon(self) -> ShelledEvent:
        if self.weapon is None and any("shell" in e.lower() for e in self.evidence):
            self.weapon = "artillery"
        return self


def _cli(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout + result.stderr


def test_rules_run_cli_then_eval_scores_the_base_fields(tmp_path: Path) -> None:
    """`--records` on the CLI: the rules leave added fields at their defaults (here a
    validator fills one), the CSV gets the column, and eval scores exactly as without."""
    seeds = ROOT / "seeds"
    common: list[str | Path] = ["run", seeds, "--backend", "rules", "--no-cache", "-q"]
    code, out = _cli(*common, "-o", tmp_path / "base.jsonl")
    assert code == 0, out
    rec = f"{__name__}:ShelledEvent"
    code, out = _cli(*common, "--records", rec, "-o", tmp_path / "mine.jsonl")
    assert code == 0, out
    code, out = _cli(*common, "--records", rec, "-o", tmp_path / "mine.csv")
    assert code == 0, out
    with (tmp_path / "mine.csv").open(newline="") as handle:
        weapons = [r["weapon"] for r in csv.DictReader(handle) if r["status"] == "ok"]
    assert "artillery" in weapons and "" in weapons  # filled where the evidence says so
    scores = []
    for name in ("base", "mine"):
        code, out = _cli(
            "eval", "--gold", seeds / "gold", "--pred", tmp_path / f"{name}.jsonl", "--json"
        )
        assert code == 0, out
        scores.append(json.loads(out)["metrics"])
    assert scores[0] == scores[1]
    assert scores[0]["events.f1"] > 0


def test_prompts_folder_on_the_cli(tmp_path: Path) -> None:
    folder = tmp_path / "my_prompt"
    folder.mkdir()
    (folder / "system.j2").write_text("Extract events.\n{{ record_fields }}")
    (folder / "user.j2").write_text("<article>\n{{ article }}\n</article>")
    with FakeServer(event_extras={"weapon": "rifle", "claimed_by": None}) as server:
        (tmp_path / "a.txt").write_text(SAMPLE_TEXT)
        code, out = _cli(
            "run", tmp_path / "a.txt", "--backend", "llamacpp", "--base-url", server.base_url,
            "--strategy", "single", "--prompts", folder, "--no-cache",
            "--records", f"{__name__}:ArmedEvent", "-o", tmp_path / "out.jsonl", "-q",
        )  # fmt: skip
        body = server.model_requests[-1].body
    assert code == 0, out
    system = body["messages"][0]["content"]
    assert system.startswith("Extract events.\n- Each event also has weapon")
    line = json.loads((tmp_path / "out.jsonl").read_text())
    assert line["provenance"]["prompt_id"] == "my_prompt"
    assert line["document"]["events"][0]["weapon"] == "rifle"


def test_example_runs_offline(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "custom_schema.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # this checkout's llm_extract
    )
    assert done.returncode == 0, done.stderr
    assert "weapon" in done.stdout and "artillery" in done.stdout


def test_sentences_strategy_leaves_added_fields_at_defaults(tmp_path: Path) -> None:
    """The model only labels sentences there: nothing asks it for the added fields."""
    with FakeServer(event_extras={"weapon": "mortar", "claimed_by": None}) as server:
        settings = settings_for(server, tmp_path, strategy="sentences", records=ARMED)
        with Extractor(settings) as ex:
            result = ex.extract(_article())
        bodies = [json.dumps(r.body) for r in server.model_requests]
    assert result.ok and result.events, result.warnings
    assert bodies and not any('"weapon"' in b or "claimed_by" in b for b in bodies)
    assert all(isinstance(e, ArmedEvent) and e.weapon is None for e in result.events)


def test_records_from_env_and_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = f"{__name__}:ArmedEvent"
    monkeypatch.setenv("LLM_EXTRACT_RECORDS", f"{ref}, {__name__}:ArmedActor")
    assert Settings().records == ARMED
    monkeypatch.delenv("LLM_EXTRACT_RECORDS")
    config = tmp_path / "llm-extract.toml"
    config.write_text(f'records = ["{ref}"]\n')
    monkeypatch.setenv("LLM_EXTRACT_CONFIG", str(config))
    assert Settings().records.event is ArmedEvent


def test_schema_command_shows_the_extended_draft() -> None:
    code, out = _cli("schema", "--records", f"{__name__}:ArmedEvent")
    assert code == 0, out
    schemas = json.loads(out)
    assert "claimed_by" in schemas["Draft"]["$defs"]["DraftEvent"]["properties"]
    assert "claimed_by" in schemas["Event"]["properties"]
    code, out = _cli("schema", "--records", "no_such_module_xyz:Thing")
    assert code == 2 and "cannot import" in out


class QuotedEvent(Event):
    quotes: list[Evidence] = Field(default_factory=list)
    plain: Evidence = ""
    rounds: int | None = Field(None, ge=0)
    weapon: str | None = None

    @field_validator("weapon")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        if value == "death ray":
            raise ValueError("no such weapon")
        return value


def test_assemble_grounds_each_evidence_shape_and_survives_a_rejecting_class() -> None:
    recs = Records(event=QuotedEvent)
    schema = draft_model(recs).model_json_schema()["$defs"]["DraftEvent"]["properties"]
    assert schema["quotes"]["items"]["maxLength"] == 600
    assert schema["rounds"]["anyOf"][0]["minimum"] == 0  # the class's constraint is sent
    event = {
        "evidence": "Fighters clashed with soldiers near Goma on Tuesday.",
        "sub_event_type": "Armed clash",
        **dict.fromkeys(("date_text", "location", "admin1", "country", "fatalities_text")),
        "actor1": [],
        "actor2": [],
        "quotes": ["residents fled", "words the article never had"],
        "plain": "nor this one either",
        "rounds": 3,
        "weapon": None,
    }
    draft = draft_model(recs).model_validate({"actors": [], "casualties": [], "events": [event]})
    built = assemble(draft, doc_id="d", text=SAMPLE_TEXT, records=recs)
    got = built.document.events[0]
    assert isinstance(got, QuotedEvent)
    assert (got.quotes, got.plain, got.rounds) == (["Residents fled"], "", 3)
    assert [getattr(s, "field", None) for s in got.spans] == [None, "quotes"]
    dropped = [w for w in built.warnings if "not found in the article, dropped" in w]
    assert len(dropped) == 2
    death_ray = draft.events[0].model_copy(update={"weapon": "death ray"})
    bad = draft.model_copy(update={"events": [death_ray]})
    rejected = assemble(bad, doc_id="d", text=SAMPLE_TEXT, records=recs)
    kept = rejected.document.events[0]
    assert isinstance(kept, QuotedEvent) and kept.weapon is None and kept.quotes == []
    assert [s for s in kept.spans if getattr(s, "field", None)] == []
    assert any("rejected its added fields" in w for w in rejected.warnings)
