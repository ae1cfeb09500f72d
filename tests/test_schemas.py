"""The committed schemas/ folder is generated from the models and must not drift."""

from __future__ import annotations

import json

import pytest

from llm_extract.schemas import dump_schema, generate_schemas, schema_filename
from tests.conftest import ROOT

SCHEMAS = ROOT / "schemas"
REGENERATE = "python -c \"from llm_extract.schemas import write_schemas; write_schemas('schemas')\""


@pytest.mark.parametrize("name", sorted(generate_schemas()))
def test_committed_schema_matches_the_code(name: str) -> None:
    path = SCHEMAS / schema_filename(name)
    assert path.is_file(), f"{path} missing; regenerate with: {REGENERATE}"
    expected = dump_schema(generate_schemas()[name])
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.name} drifted from the models; regenerate with: {REGENERATE}"
    )


def test_no_stale_schema_files() -> None:
    expected = {schema_filename(n) for n in generate_schemas()}
    assert {p.name for p in SCHEMAS.glob("*.schema.json")} == expected


def test_gold_document_schema_knows_acled_types() -> None:
    doc = json.loads((SCHEMAS / "document.schema.json").read_text(encoding="utf-8"))
    assert "Air/drone strike" in json.dumps(doc)
    assert {"doc_id", "actors", "events", "casualties"} <= set(doc["properties"])
