"""The built-in exporters (`llm-extract export --format NAME`): whole-run outputs.

An exporter is a function from an `ExportInput` (the run's documents, their texts, a title
and a way to warn) to the text written to `-o`. Plugins add their own through the
`llm_extract.exporters` entry-point group; streaming per-document writers are a different
contract and live in `llm_extract.formats`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from llm_extract.consolidate import consolidate
from llm_extract.export.geojson import to_geojson
from llm_extract.export.html import build_review_page
from llm_extract.models import Document
from llm_extract.normalize import Gazetteer


def _ignore(_message: str) -> None:
    return None


@dataclass(frozen=True)
class ExportInput:
    """What an exporter gets: documents in doc_id order, texts by doc_id, a title, and
    the gazetteer the user configured (None: the process's choice)."""

    docs: list[Document]
    texts: Mapping[str, str] = field(default_factory=dict)
    title: str = "llm-extract review"
    warn: Callable[[str], None] = _ignore
    gazetteer: Gazetteer | None = None


Exporter = Callable[[ExportInput], str]


def geojson(run: ExportInput) -> str:
    """Events as a GeoJSON FeatureCollection."""
    return json.dumps(to_geojson(run.docs, run.gazetteer), indent=1, ensure_ascii=False)


def html(run: ExportInput) -> str:
    """The static review page with highlighted evidence (needs the article texts)."""
    missing = sum(1 for d in run.docs if d.doc_id not in run.texts)
    if missing:
        run.warn(f"warning: no article text for {missing} document(s); pass --texts DIR")
    merged = consolidate(run.docs, run.gazetteer)
    return build_review_page(run.docs, run.texts, consolidated=merged, title=run.title)
