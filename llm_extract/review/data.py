"""Stage 1 of the review page: read what is to be reviewed and build the page's data.

The page can open three things: a run (JSONL of `ExtractionResult`, each line maybe with
its article text), a review export (the bundle the page itself downloads), or a gold
folder written by `review import`. Whatever it opens, each document becomes a
`ReviewDoc`: its records, the article text if known, what extraction dropped or warned
about, and the decisions of an earlier review (so a review can be reopened).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from llm_extract.evaluate.loading import GOLD_SUFFIX, load_gold_dir
from llm_extract.export.html import TYPE_CLASS, actor_spans, casualty_spans, event_spans
from llm_extract.models import Actor, Casualty, Document, Event, ExtractionResult
from llm_extract.ontology import SUB_EVENT_TYPES, ActorType, DatePrecision, Outcome, VictimType

BUNDLE_FORMAT = "llm-extract-review"
BUNDLE_VERSION = 1
REVIEW_KEY = "review"  # top-level key of a gold file holding the review's decisions
KINDS = {"events": "e", "actors": "a", "casualties": "c"}


class ReviewInputError(ValueError):
    """The file given to review cannot be read as a run, an export or a gold folder."""


@dataclass
class ReviewDoc:
    """One article on the review page."""

    document: Document
    text: str | None = None
    warnings: list[str] = field(default_factory=list)
    dropped: int = 0
    error: str | None = None
    provenance: dict[str, Any] | None = None

    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    @property
    def review(self) -> dict[str, Any]:
        """Decisions of an earlier review kept in the gold file (empty for a run)."""
        extra = self.document.model_extra or {}
        found = extra.get(REVIEW_KEY)
        return found if isinstance(found, dict) else {}

    @classmethod
    def from_result(cls, result: ExtractionResult) -> ReviewDoc:
        """A run line; a failed document still comes with its text so it can be annotated."""
        error = f"{result.error.stage}: {result.error.message}" if result.error else None
        return cls(
            document=result.document or Document(doc_id=result.doc_id),
            text=result.text,
            warnings=list(result.warnings),
            dropped=result.dropped,
            error=error if result.status == "error" else None,
            provenance=result.provenance.model_dump(mode="json") if result.provenance else None,
        )


def _parse(data: Any, where: str) -> ReviewDoc:
    if not isinstance(data, dict):
        raise ReviewInputError(f"{where}: expected a JSON object")
    try:
        if "status" in data or "document" in data:
            return ReviewDoc.from_result(ExtractionResult.model_validate(data))
        return ReviewDoc(document=Document.model_validate(data))
    except ValidationError as exc:
        raise ReviewInputError(f"{where}: {exc}") from exc


def _read_jsonl(path: Path) -> tuple[list[ReviewDoc], list[str]]:
    """Every good line; a bad line is a problem to report, not the end of the file."""
    docs: list[ReviewDoc] = []
    problems: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            docs.append(_parse(json.loads(raw), f"{path}:{number}"))
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: invalid JSON: {exc.msg}")
        except ReviewInputError as exc:
            problems.append(str(exc))
    return docs, problems


def read_bundle(data: Mapping[str, Any], where: str) -> tuple[list[ReviewDoc], list[str]]:
    """The page's export: `{"format": "llm-extract-review", "documents": [...], "texts": {}}`."""
    if data.get("format") != BUNDLE_FORMAT:
        raise ReviewInputError(f"{where}: not a review export (format {data.get('format')!r})")
    if data.get("version") != BUNDLE_VERSION:
        raise ReviewInputError(f"{where}: unsupported export version {data.get('version')!r}")
    texts = data.get("texts") or {}
    docs: list[ReviewDoc] = []
    problems: list[str] = []
    for i, item in enumerate(data.get("documents") or []):
        try:
            doc = _parse(item, f"{where} documents[{i}]")
        except ReviewInputError as exc:
            problems.append(str(exc))
            continue
        text = texts.get(doc.doc_id)
        doc.text = text if isinstance(text, str) else None
        docs.append(doc)
    return docs, problems


def load_review_input(
    path: Path, texts_dir: Path | None = None
) -> tuple[list[ReviewDoc], list[str]]:
    """Documents to review from a run, an export or a gold folder, and the problems met.

    Documents come in doc_id order; for a doc_id seen more than once (a resumed run) the
    last record wins. Texts come from
    the input itself first (the run's `text`, the export's texts, `<doc_id>.txt` beside
    gold), then from `texts_dir`.
    """
    if not path.exists():
        raise ReviewInputError(f"{path} does not exist")
    problems: list[str] = []
    if path.is_dir():
        if not any(path.glob(f"*{GOLD_SUFFIX}")):
            raise ReviewInputError(f"{path}: no *{GOLD_SUFFIX} files")
        gold, issues, found = load_gold_dir(path)
        problems += [f"{i.where()}: {i.message}" for i in issues if i.severity == "error"]
        docs = [ReviewDoc(document=d, text=found.get(k)) for k, d in sorted(gold.items())]
    elif path.suffix == ".jsonl":
        docs, problems = _read_jsonl(path)
    else:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ReviewInputError(f"{path}: not JSON: {exc}") from exc
        if isinstance(data, dict) and "format" in data:
            docs, problems = read_bundle(data, str(path))
        else:
            docs = [_parse(data, str(path))]
    by_id = {d.doc_id: d for d in docs}
    if texts_dir is not None:
        for doc_id, doc in by_id.items():
            candidate = texts_dir / f"{doc_id}.txt"
            if doc.text is None and candidate.is_file():
                doc.text = candidate.read_text(encoding="utf-8")
    return [by_id[k] for k in sorted(by_id)], problems


# --- page data ---------------------------------------------------------------------------


def _rejected(doc: ReviewDoc, kind: str) -> list[dict[str, Any]]:
    rejected = doc.review.get("rejected") or {}
    items = rejected.get(kind) if isinstance(rejected, dict) else None
    return [r for r in items or [] if isinstance(r, dict) and "id" in r]


def _spans(kind: str, record: Mapping[str, Any], text: str) -> list[tuple[int, int]]:
    """Where a record (kept or rejected) sits in the text; [] when it cannot be read."""
    try:
        if kind == "events":
            return event_spans(Event.model_validate(record), text)
        if kind == "casualties":
            return casualty_spans(Casualty.model_validate(record), text)
        return actor_spans(Actor.model_validate(record), text)
    except ValidationError:
        return []


def doc_data(index: int, doc: ReviewDoc) -> dict[str, Any]:
    """One document's page data: its records, where each sits, and earlier decisions."""
    dumped = doc.document.model_dump(mode="json", exclude={REVIEW_KEY})
    text = doc.text or ""
    decisions = doc.review.get("decisions") or {}
    edited_from = doc.review.get("edited_from") or {}
    records: dict[str, list[dict[str, Any]]] = {}
    for kind, letter in KINDS.items():
        status = decisions.get(kind) if isinstance(decisions, dict) else None
        status = status if isinstance(status, dict) else {}
        before = edited_from.get(kind) if isinstance(edited_from, dict) else None
        before = before if isinstance(before, dict) else {}
        items = []
        for record, default in [
            *((r, "pending") for r in dumped.get(kind, [])),
            *((r, "rejected") for r in _rejected(doc, kind)),
        ]:
            items.append(
                {
                    "rid": f"d{index}-{letter}-{record['id']}",
                    "rec": record,
                    "status": str(status.get(record["id"], default)),
                    "spans": _spans(kind, record, text),
                    "before": before.get(record["id"]),
                }
            )
        records[kind] = items
    return {
        "i": index,
        "doc_id": doc.doc_id,
        "published": dumped.get("published"),
        "source": dumped.get("source"),
        "text": doc.text,
        "extra": {k: v for k, v in dumped.items() if k not in {*KINDS, "doc_id"}},
        "records": records,
        "warnings": doc.warnings,
        "dropped": doc.dropped,
        "error": doc.error,
        "provenance": doc.provenance,
        "done": doc.review.get("status") == "reviewed",
        "review": {
            k: v for k, v in doc.review.items() if k not in {"decisions", "rejected", "edited_from"}
        },
    }


def vocabulary() -> dict[str, Any]:
    """The ontology the editor offers: ACLED types and their sub-types, and the enums."""
    return {
        "types": {t.value: [s.value for s in subs] for t, subs in SUB_EVENT_TYPES.items()},
        "precisions": [p.value for p in DatePrecision],
        "actor_types": [a.value for a in ActorType],
        "outcomes": [o.value for o in Outcome],
        "victim_types": [v.value for v in VictimType],
        "type_class": {t.value: c for t, c in TYPE_CLASS.items()},
    }


def page_data(docs: Iterable[ReviewDoc], source: str = "") -> dict[str, Any]:
    """Everything the page's script needs, as one JSON-ready object."""
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "source": source,
        "vocabulary": vocabulary(),
        "docs": [doc_data(i, d) for i, d in enumerate(docs)],
    }
