"""JSON Schemas of the public record types, for users and for drift checks.

The schemas are generated from the pydantic models, never written by hand, so the
committed `schemas/` folder can be compared with `generate_schemas()` to catch a model
change that was not published.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from llm_extract.draft import Draft
from llm_extract.models import Actor, Casualty, Document, Event, ExtractionResult
from llm_extract.records import Records, draft_model

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMA_TYPES: dict[str, type[BaseModel]] = {
    "Event": Event,
    "Actor": Actor,
    "Casualty": Casualty,
    "Document": Document,
    "ExtractionResult": ExtractionResult,
    "Draft": Draft,
}


def schema_filename(name: str) -> str:
    """`ExtractionResult` -> `extraction_result.schema.json`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() + ".schema.json"


def generate_schemas(records: Records | None = None) -> dict[str, dict[str, Any]]:
    """One JSON Schema per top-level type, keyed by type name (`Draft` is model-facing);
    with `records`, the user's record classes and the draft they extend replace the base
    ones (`Document` and `ExtractionResult` keep the base records)."""
    types = dict(SCHEMA_TYPES)
    if records is not None and not records.is_default:
        types.update(
            Event=records.event,
            Actor=records.actor,
            Casualty=records.casualty,
            Draft=draft_model(records),
        )
    out: dict[str, dict[str, Any]] = {}
    for name, model in types.items():
        schema = model.model_json_schema()
        out[name] = {"$schema": JSON_SCHEMA_DIALECT, **schema}
    return out


def dump_schema(schema: dict[str, Any]) -> str:
    """The canonical text of a schema file: pydantic's key order, indented, final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: str | Path, records: Records | None = None) -> list[Path]:
    """Write every schema to `directory` (created if missing); returns the files written."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in generate_schemas(records).items():
        path = folder / schema_filename(name)
        path.write_text(dump_schema(schema), encoding="utf-8")
        written.append(path)
    return written
