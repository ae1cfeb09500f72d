"""Which files a batch reads, and the document id each file's article gets.

An id must name one article for good: it is how resume recognises finished work and how
results meet gold. So a file's id is its path relative to the folder it was found in,
without the extension (`story` for a file at the top of the folder, `a/story` below it), or
its stem for a file named on the command line. Only where two files would still share an id
does the id grow, the same way on every run over the same files: the extension is kept
(`x.txt`, `x.html`), then parent folders are added (`a/story`, `b/story`), and last a short
hash of the absolute path. Ids from JSONL lines and sidecars are the user's own; if two of
those repeat, the runner reports the second as an error record.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

DEFAULT_GLOBS: tuple[str, ...] = ("*.txt", "*.html", "*.htm", "*.jsonl")
SKIPPED_PATTERNS: tuple[str, ...] = ("*.gold.json", "links.json", "*.md", "*.meta.json")
STDIN = "-"


@dataclass(frozen=True)
class Source:
    """One input: a file (or `-` for stdin) and the id its article gets.

    For JSONL files and stdin the lines carry their own ids; `doc_id` then only names the
    lines that have none (`<doc_id>:<line>`).
    """

    path: str
    doc_id: str


def is_skipped(path: Path) -> bool:
    """Gold files, link tables, notes and sidecars live beside articles but are not ones."""
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in SKIPPED_PATTERNS)


def _walk(paths: Iterable[str | Path], globs: Iterable[str]) -> list[tuple[str, PurePath]]:
    """Files (and `-`) in a stable order, each with its id path (relative, extension on).

    A file reached twice (named twice, or named and inside a named folder) is kept once.
    """
    patterns = tuple(globs)
    found: list[tuple[str, PurePath]] = []
    seen: set[str] = set()
    for raw in paths:
        text = str(raw)
        if text == STDIN:
            candidates = [(STDIN, PurePath("stdin"))]
        else:
            path = Path(text)
            if path.is_dir():
                candidates = [
                    (str(p), PurePath(p.relative_to(path)))
                    for p in sorted(path.rglob("*"))
                    if p.is_file()
                    and not is_skipped(p)
                    and any(fnmatch.fnmatch(p.name, g) for g in patterns)
                ]
            elif is_skipped(path):
                candidates = []
            else:
                candidates = [(text, PurePath(path.name))]
        for candidate, rel in candidates:
            key = candidate if candidate == STDIN else os.path.realpath(candidate)
            if key not in seen:
                seen.add(key)
                found.append((candidate, rel))
    return found


def _without_suffix(path: PurePath) -> str:
    return path.with_name(path.stem).as_posix() if path.suffix else path.as_posix()


def _unique(names: list[str]) -> bool:
    return len(set(names)) == len(names)


def _disambiguate(members: list[tuple[str, PurePath]]) -> list[str]:
    """Ids for files whose natural ids clash: the shortest rule that tells them apart."""
    with_ext = [rel.as_posix() for _, rel in members]
    if _unique(with_ext):
        return with_ext
    absolute = [PurePath(os.path.abspath(path)) for path, _ in members]
    depth = max(len(rel.parts) for _, rel in members)
    longest = max(len(p.parts) for p in absolute)
    for keep_ext in (False, True):
        for k in range(depth + 1, longest + 1):
            tails = [PurePath(*p.parts[-k:]) for p in absolute]
            names = [t.as_posix() if keep_ext else _without_suffix(t) for t in tails]
            if _unique(names):
                return names
    return [
        f"{_without_suffix(rel)}~{hashlib.sha256(str(p).encode()).hexdigest()[:8]}"
        for (_, rel), p in zip(members, absolute, strict=True)
    ]


def plan_sources(paths: Iterable[str | Path], globs: Iterable[str] = DEFAULT_GLOBS) -> list[Source]:
    """Expand folders (recursively, by glob) into files with their document ids.

    Order is stable (sorted within each folder) so reruns see documents in the same order.
    Paths that do not exist are kept: reading them yields a `BadInput`.
    """
    found = _walk(paths, globs)
    groups: dict[tuple[bool, str], list[int]] = defaultdict(list)
    for index, (path, rel) in enumerate(found):
        is_jsonl = path == STDIN or rel.suffix.lower() == ".jsonl"  # ids of their own
        groups[(is_jsonl, _without_suffix(rel))].append(index)
    ids = [""] * len(found)
    for (_, natural), indexes in groups.items():
        names = [natural] if len(indexes) == 1 else _disambiguate([found[i] for i in indexes])
        for index, name in zip(indexes, names, strict=True):
            ids[index] = name
    return [Source(path, doc_id) for (path, _), doc_id in zip(found, ids, strict=True)]


def discover(paths: Iterable[str | Path], globs: Iterable[str] = DEFAULT_GLOBS) -> list[str]:
    """The file paths `plan_sources` finds (and `-` for stdin), without their ids."""
    return [source.path for source in plan_sources(paths, globs)]
