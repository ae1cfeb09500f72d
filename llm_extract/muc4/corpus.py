"""Reading stage: a MUC-4 folder's texts, gold templates and document keys.

The folder is laid out as the MUC-3/4 distribution plus GTT's processed JSONL:
`CORPORA/<folder>/` holds the raw texts (one file per 100 messages, each message opened by
its id line) and the answer keys (`key-*`); `processed/<split>.json` holds one document a
line with the lower-cased text and the role-filler templates GTT's scorer reads. Only the
folders of the requested split are read, so a copy without the test folders still serves
the other splits.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Split = Literal["train", "dev", "test"]

# Which CORPORA folders make up each split (MUC calls the training set DEV).
SPLIT_FOLDERS: dict[str, tuple[str, ...]] = {
    "train": ("dev",),
    "dev": ("tst1", "tst2"),
    "test": ("tst3", "tst4"),
}
ROLES: tuple[str, ...] = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")

# A message starts with its id alone at the start of a line: "DEV-MUC3-0001 (NOSC)".
_DOC_ID = re.compile(r"^((?:DEV|TST\d)-MUC\d-\d{4})\b.*$", re.MULTILINE)
# Raw text files are named like the set: "dev-muc3-0001-0100", "tst1-muc3", "tst4-muc4".
# Variants with a suffix (TST4 also ships "tst4-muc4.mixed-case") are not the scored text.
_TEXT_FILE = re.compile(r"^(?:dev|tst\d)-muc\d(?:-\d{4}-\d{4})?$")
# "SAN SALVADOR, 3 JAN 90 (AFP) -- [TEXT] ..." ; the header ends at the first general tag.
_DATELINE = re.compile(
    r"^\s*(?P<place>[^,\n]+(?:\n[^,\n]+)?),\s*(?P<day>\d{1,2})\s+(?P<mon>[A-Z]{3,9})\b\s*(?P<yy>\d{2}\b)?"
)
_HEADER_END = re.compile(r"\[(?:TEXT|SUMMARY|EXCERPTS?)\]\s*")
_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}


class CorpusError(Exception):
    """The folder is not laid out as a MUC-4 folder: a usage error, nothing was run."""


def doc_key(doc_id: str) -> str:
    """The numeric key GTT uses for a document.

    TST<n>-MUC<m>-<k> becomes n*10000 + k ("TST3-MUC4-0002" -> "30002"), as the reference
    scorer computes it; DEV-MUC3-<k> (the training split, which that scorer never reads)
    becomes k ("DEV-MUC3-0001" -> "1"), as GTT's training code keys it.
    """
    prefix, _, number = doc_id.partition("-")
    k = int(doc_id.rsplit("-", 1)[-1])
    if prefix.startswith("TST") and prefix[3:].isdigit():
        return str(int(prefix[3:]) * 10000 + k)
    if prefix == "DEV" and number:
        return str(k)
    raise ValueError(f"not a MUC document id: {doc_id!r}")


@dataclass
class RawDoc:
    """One message from the raw corpus: upper-case text as transmitted, header split off."""

    doc_id: str
    body: str  # the text after the header tag ([TEXT], [EXCERPT], ...)
    dateline_place: str | None = None
    published: dt.date | None = None


@dataclass
class GoldDoc:
    """One document of processed/<split>.json: lower-cased text and GTT-style templates."""

    doc_id: str
    text: str
    templates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return doc_key(self.doc_id)


def _published(day: str, mon: str, yy: str | None) -> dt.date | None:
    month = MONTHS.get(mon[:3])
    if month is None or yy is None:
        return None
    try:
        return dt.date(1900 + int(yy), month, int(day))
    except ValueError:
        return None


def parse_message(doc_id: str, chunk: str) -> RawDoc:
    """Split one message into its dateline (place, date) and body."""
    head = _HEADER_END.search(chunk)
    body = chunk[head.end() :] if head else chunk
    dateline = _DATELINE.match(chunk)
    place = published = None
    if dateline:
        place = " ".join(dateline["place"].split())
        published = _published(dateline["day"], dateline["mon"], dateline["yy"])
    return RawDoc(doc_id, body.strip(), place, published)


def iter_messages(text: str) -> Iterator[RawDoc]:
    """Every message in one raw corpus file, in file order."""
    starts = list(_DOC_ID.finditer(text))
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        yield parse_message(match[1], text[match.end() : end])


@dataclass
class SplitData:
    """Everything the benchmark reads for one split."""

    split: str
    gold: list[GoldDoc]
    raw: dict[str, RawDoc]
    key_files: list[Path]
    notes: list[str] = field(default_factory=list)


def split_folders(data: Path, split: str) -> list[Path]:
    """The CORPORA folders of a split; a missing one is a usage error."""
    if split not in SPLIT_FOLDERS:
        raise CorpusError(f"unknown split {split!r} (choose train, dev or test)")
    if not data.is_dir():
        raise CorpusError(f"--data {data} is not a folder")
    folders = [data / "CORPORA" / name for name in SPLIT_FOLDERS[split]]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise CorpusError(f"split {split!r} needs {', '.join(missing)} (not found)")
    return folders


def read_gold(path: Path) -> list[GoldDoc]:
    """processed/<split>.json: one JSON document a line (docid, doctext, templates)."""
    if not path.is_file():
        raise CorpusError(f"gold file {path} not found")
    docs: list[GoldDoc] = []
    with path.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                docs.append(GoldDoc(str(row["docid"]), str(row["doctext"]), row["templates"]))
                doc_key(docs[-1].doc_id)
            except (ValueError, KeyError, TypeError) as exc:
                raise CorpusError(f"{path}:{n}: not a GTT document line ({exc})") from exc
    if not docs:
        raise CorpusError(f"{path} holds no document")
    return docs


def read_split(data: Path, split: str) -> SplitData:
    """Gold, raw texts and key files of one split, checked for a usable layout."""
    folders = split_folders(data, split)
    gold = read_gold(data / "processed" / f"{split}.json")
    raw: dict[str, RawDoc] = {}
    keys: list[Path] = []
    notes: list[str] = []
    for folder in folders:
        texts = sorted(p for p in folder.iterdir() if _TEXT_FILE.match(p.name))
        if not texts:
            raise CorpusError(f"{folder} holds no raw text file (e.g. {folder.name}-muc4)")
        for path in texts:
            for doc in iter_messages(path.read_text(encoding="latin-1")):
                if doc.doc_id in raw:
                    notes.append(f"{doc.doc_id} appears twice in {folder}; first kept")
                    continue
                raw[doc.doc_id] = doc
        keys += sorted(p for p in folder.iterdir() if p.name.startswith("key-"))
    return SplitData(split, gold, raw, keys, notes)
