"""Stage 3 of the review loop: turn the page's export into a gold folder.

The page downloads one file (a bundle of the reviewed documents in FORMAT.md's shape,
each with its review decisions under a `review` key, plus the article texts). Import
writes `<doc_id>.gold.json` and `<doc_id>.txt` for each, checks that every evidence
quote is in the text, re-reads the folder with the evaluator's own loader, and never
overwrites a different file unless told to.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from llm_extract.evaluate.loading import GOLD_SUFFIX, check_gold_evidence, load_gold_dir
from llm_extract.grounding import align
from llm_extract.models import AlignmentStatus, Document, Span
from llm_extract.readers import read_json_object
from llm_extract.review.data import ReviewInputError, read_bundle

_SAFE_ID = re.compile(r"[A-Za-z0-9][\w.\-]*")


@dataclass
class ImportReport:
    """What an import wrote, left alone, and could not do (one line per problem)."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def fix_spans(spans: list[Span], text: str) -> list[Span]:
    """Spans whose offsets point at their quote; others re-aligned in the text.

    The browser counts offsets in the text it shows (line breaks folded, UTF-16), so an
    offset can be off where the article has CR LF or characters outside the BMP.
    """
    fixed = []
    for span in spans:
        if (
            span.start is not None
            and span.end is not None
            and text[span.start : span.end] == (span.quote)
        ):
            fixed.append(span)
            continue
        found = align(span.quote, text)
        fixed.append(found if found.status is not AlignmentStatus.NOT_FOUND else span)
    return fixed


def gold_document(data: Any, text: str | None, where: str) -> Document:
    """One exported document validated as gold, its spans checked against the text."""
    try:
        doc = Document.model_validate(data)
    except ValidationError as exc:
        raise ReviewInputError(f"{where}: not a valid gold document: {exc}") from exc
    if not _SAFE_ID.fullmatch(doc.doc_id):
        raise ReviewInputError(f"{where}: doc_id {doc.doc_id!r} cannot be a file name")
    if text is not None:
        for event in doc.events:
            event.spans = fix_spans(event.spans, text)
        for casualty in doc.casualties:
            casualty.spans = fix_spans(casualty.spans, text)
        for actor in doc.actors:
            actor.spans = fix_spans(actor.spans, text)
    return doc


def _write(path: Path, content: str, force: bool, report: ImportReport) -> bool:
    """Write unless a different file is there (then only with `force`)."""
    if path.exists():
        if path.read_text(encoding="utf-8", errors="replace") == content:
            report.unchanged.append(path)
            return True
        if not force:
            report.problems.append(f"{path} exists with other content; pass --force to replace")
            return False
    path.write_text(content, encoding="utf-8")
    report.written.append(path)
    return True


def import_export(export: Path, out_dir: Path, *, force: bool = False) -> ImportReport:
    """Write the gold folder for a review export; raises `ReviewInputError` if unreadable."""
    try:
        data = read_json_object(export)
    except ValueError as exc:
        raise ReviewInputError(f"{export}: cannot read the export: {exc}") from exc
    read_bundle(data, str(export))  # format and version checks
    report = ImportReport()
    texts = data.get("texts") or {}
    docs = data.get("documents") or []
    if not docs:
        raise ReviewInputError(f"{export}: the export holds no documents")
    out_dir.mkdir(parents=True, exist_ok=True)
    imported: set[str] = set()
    for i, item in enumerate(docs):
        where = f"{export} documents[{i}]"
        doc_id = item.get("doc_id") if isinstance(item, dict) else None
        text = texts.get(doc_id) if isinstance(doc_id, str) else None
        try:
            doc = gold_document(item, text if isinstance(text, str) else None, where)
        except ReviewInputError as exc:
            report.problems.append(str(exc))
            continue
        if doc.doc_id in imported:
            report.problems.append(f"{where}: doc_id {doc.doc_id!r} appears twice; kept the first")
            continue
        gold_file = out_dir / f"{doc.doc_id}{GOLD_SUFFIX}"
        content = json.dumps(doc.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"
        if isinstance(text, str):
            if not _write(out_dir / f"{doc.doc_id}.txt", text, force, report):
                continue
            report.warnings += [
                f"{gold_file} {issue.field}: {issue.message}"
                for issue in check_gold_evidence(doc, text, str(gold_file))
            ]
        else:
            report.warnings.append(f"{doc.doc_id}: no article text in the export")
        if _write(gold_file, content, force, report):
            imported.add(doc.doc_id)
    _, issues, _ = load_gold_dir(out_dir)  # the evaluator's own reading of what was written
    ours = {str(p) for p in [*report.written, *report.unchanged]}
    report.problems += [
        f"{issue.where()}: {issue.message}"
        for issue in issues
        if issue.severity == "error" and issue.file in ours
    ]
    return report
