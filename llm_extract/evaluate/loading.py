"""Read gold and prediction files, keeping going past bad ones.

A bad file or line becomes a `LoadIssue` naming the file, line and field; the rest
still load, so one broken annotation does not stop a whole evaluation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from llm_extract.models import Document, ExtractionResult
from llm_extract.text.fold import fold

GOLD_SUFFIX = ".gold.json"
LINKS_FILE = "links.json"

Severity = Literal["error", "warning"]


class LoadIssue(BaseModel):
    """One problem with an input file.

    `error`: the file, line or document was skipped. `warning`: it was loaded anyway.
    """

    file: str
    message: str
    severity: Severity = "error"
    field: str | None = None
    line: int | None = None
    doc_id: str | None = None

    @classmethod
    def warning(cls, file: str, message: str, **where: Any) -> LoadIssue:
        """A problem that did not stop the file, line or document from loading."""
        return cls(file=file, message=message, severity="warning", **where)

    def where(self) -> str:
        """`file:line field` for messages."""
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{place} {self.field}" if self.field else place


def issue_sort_key(issue: LoadIssue) -> tuple[str, int, str, str]:
    """Stable order for reports."""
    return (issue.file, issue.line or 0, issue.field or "", issue.message)


# --- validation errors -> fields ---------------------------------------------------------

_ITEM_IN_MESSAGE = re.compile(r"\b(\w+\[\d+\])(?: \([^)]*\))?\.(\w+)")


def _field_path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _validation_issues(
    err: ValidationError, file: str, *, prefix: Iterable[str | int] = (), line: int | None = None
) -> list[LoadIssue]:
    """One issue per pydantic error, with the field path the error points at."""
    issues = []
    skip = list(prefix)
    for e in err.errors():
        loc = list(e["loc"])
        if loc[: len(skip)] == skip:
            loc = loc[len(skip) :]
        msg = str(e["msg"]).removeprefix("Value error, ")
        path = _field_path(loc)
        if not path:
            found = _ITEM_IN_MESSAGE.search(msg)
            path = f"{found.group(1)}.{found.group(2)}" if found else ""
        elif msg.startswith("sub_event_type "):
            path += ".sub_event_type"
        issues.append(LoadIssue(file=file, field=path or None, message=msg, line=line))
    return issues


def _read_json(path: Path) -> tuple[Any, LoadIssue | None]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except (OSError, UnicodeDecodeError) as exc:
        return None, LoadIssue(file=str(path), message=f"unreadable: {exc}")
    except json.JSONDecodeError as exc:
        return None, LoadIssue(file=str(path), line=exc.lineno, message=f"invalid JSON: {exc.msg}")


# --- gold ------------------------------------------------------------------------------


def article_candidates(gold_file: Path, doc_id: str) -> list[Path]:
    """Where `<doc_id>.txt` may be: beside the gold file, its parent dir, or a `seeds/` dir
    in any directory above it (the first that exists wins)."""
    name = f"{doc_id}.txt"
    here = gold_file.resolve().parent
    paths = [here / name, here.parent / name]
    paths += [d / "seeds" / name for d in (here, *here.parents)]
    return list(dict.fromkeys(paths))


def find_article(gold_file: Path, doc_id: str) -> Path | None:
    """The article text file for a gold document, if there is one."""
    return next((p for p in article_candidates(gold_file, doc_id) if p.is_file()), None)


def check_gold_evidence(doc: Document, text: str, file: str) -> list[LoadIssue]:
    """Warnings for gold evidence quotes that do not occur in the article text."""
    quotes: list[tuple[str, str]] = []
    for i, event in enumerate(doc.events):
        quotes += [(f"events[{i}].evidence[{j}]", q) for j, q in enumerate(event.evidence)]
    for i, cas in enumerate(doc.casualties):
        if cas.evidence:
            quotes.append((f"casualties[{i}].evidence", cas.evidence))
    folded = fold(text)
    return [
        LoadIssue.warning(
            file,
            f"evidence not found in the article text: {quote!r}",
            field=field,
            doc_id=doc.doc_id,
        )
        for field, quote in quotes
        if fold(quote) not in folded
    ]


def _check_links(path: Path, gold: dict[str, Document]) -> list[LoadIssue]:
    data, issue = _read_json(path)
    if issue:
        return [issue]
    if not isinstance(data, list):
        return [LoadIssue(file=str(path), message="expected a JSON list of links")]
    issues = []
    for i, link in enumerate(data):
        for end in ("a", "b"):
            ref = link.get(end) if isinstance(link, dict) else None
            doc_id, _, event_id = str(ref).partition("#")
            doc = gold.get(doc_id)
            if doc is None or all(e.id != event_id for e in doc.events):
                message = f"link end {ref!r} names no loaded gold event"
                issues.append(LoadIssue.warning(str(path), message, field=f"[{i}].{end}"))
    return issues


def load_gold_dir(
    path: str | Path,
) -> tuple[dict[str, Document], list[LoadIssue], dict[str, str]]:
    """Read every `*.gold.json` in a directory.

    Returns documents by doc_id, issues (invalid files are skipped; missing article text,
    evidence not in the article and bad links are warnings, the document still loads), and
    article texts by doc_id for the documents whose text was found.
    """
    root = Path(path)
    gold: dict[str, Document] = {}
    texts: dict[str, str] = {}
    issues: list[LoadIssue] = []
    for file in sorted(root.glob(f"*{GOLD_SUFFIX}")):
        name = str(file)
        data, issue = _read_json(file)
        if issue:
            issues.append(issue)
            continue
        try:
            doc = Document.model_validate(data)
        except ValidationError as exc:
            issues += _validation_issues(exc, name)
            continue
        if doc.doc_id in gold:
            issues.append(
                LoadIssue(file=name, field="doc_id", doc_id=doc.doc_id, message="duplicate doc_id")
            )
            continue
        stem = file.name.removesuffix(GOLD_SUFFIX)
        if stem != doc.doc_id:
            message = f"doc_id {doc.doc_id!r} differs from the file name {stem!r}"
            issues.append(LoadIssue.warning(name, message, field="doc_id", doc_id=doc.doc_id))
        gold[doc.doc_id] = doc
        article = find_article(file, doc.doc_id)
        if article is None:
            message = f"article text {doc.doc_id}.txt not found; evidence not checked"
            issues.append(LoadIssue.warning(name, message, field="doc_id", doc_id=doc.doc_id))
            continue
        texts[doc.doc_id] = article.read_text(encoding="utf-8", errors="replace")
        issues += check_gold_evidence(doc, texts[doc.doc_id], name)
    if (root / LINKS_FILE).is_file():
        issues += _check_links(root / LINKS_FILE, gold)
    return gold, sorted(issues, key=issue_sort_key), texts


# --- predictions -------------------------------------------------------------------------


def _parse_record(
    data: Any, file: str, line: int | None
) -> tuple[Document | None, list[LoadIssue]]:
    """A run record (`ExtractionResult`) or a bare gold-format `Document`."""
    if not isinstance(data, dict):
        return None, [LoadIssue(file=file, line=line, message="expected a JSON object")]
    is_result = "status" in data or "document" in data
    try:
        if not is_result:
            return Document.model_validate(data), []
        result = ExtractionResult.model_validate(data)
    except ValidationError as exc:
        return None, _validation_issues(exc, file, line=line)
    if result.status == "error" or result.document is None:
        why = f"{result.error.stage}: {result.error.message}" if result.error else "no document"
        return None, [
            LoadIssue(
                file=file,
                line=line,
                doc_id=result.doc_id,
                severity="warning",
                message=f"extraction failed ({why}); its gold counts as missed",
            )
        ]
    return result.document, []


def _read_jsonl(path: Path) -> list[tuple[Document | None, list[LoadIssue]]]:
    out: list[tuple[Document | None, list[LoadIssue]]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [(None, [LoadIssue(file=str(path), message=f"unreadable: {exc}")])]
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            issue = LoadIssue(file=str(path), line=number, message=f"invalid JSON: {exc.msg}")
            out.append((None, [issue]))
            continue
        out.append(_parse_record(data, str(path), number))
    return out


def _read_json_record(path: Path) -> tuple[Document | None, list[LoadIssue]]:
    data, issue = _read_json(path)
    if issue:
        return None, [issue]
    return _parse_record(data, str(path), None)


def load_predictions(path: str | Path) -> tuple[dict[str, Document], list[LoadIssue]]:
    """Read predictions from a run JSONL file, a single JSON file, or a directory of
    `*.json` (gold-format or run records; `links.json` skipped) and `*.jsonl` files.

    Error records and invalid lines are issues and their documents are left out (so their
    gold counts as missed). Where a doc_id has several good records (a resumed run), the
    last one wins, with a warning.
    """
    root = Path(path)
    if root.is_dir():
        files = sorted(p for p in root.iterdir() if p.suffix in {".json", ".jsonl"})
        files = [p for p in files if p.name != LINKS_FILE and p.is_file()]
    else:
        files = [root]
    records: list[tuple[Document | None, list[LoadIssue]]] = []
    for file in files:
        if file.suffix == ".jsonl":
            records += _read_jsonl(file)
        else:
            records.append(_read_json_record(file))
    docs: dict[str, Document] = {}
    issues: list[LoadIssue] = []
    for doc, found in records:
        issues += found
        if doc is None:
            continue
        if doc.doc_id in docs:
            issues.append(
                LoadIssue(
                    file=str(root),
                    doc_id=doc.doc_id,
                    field="doc_id",
                    severity="warning",
                    message=f"doc_id {doc.doc_id!r} appears more than once; the last one is used",
                )
            )
        docs[doc.doc_id] = doc
    return docs, sorted(issues, key=issue_sort_key)
