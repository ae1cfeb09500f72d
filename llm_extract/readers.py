"""Input stage for batches: files, folders, stdin and JSONL become `Article`s.

A batch must not stop at one unreadable file, so everything that cannot become an
article (empty, binary, not UTF-8, too large, unreadable, a bad JSONL line) is yielded as
a `BadInput` that the runner turns into an error record for that document. Files that sit
next to seed articles but are not articles (gold files, `links.json`, Markdown, sidecar
metadata) are skipped when folders are walked.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import itertools
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from llm_extract.article import Article, make_doc_id
from llm_extract.errors import InputError

DEFAULT_GLOBS: tuple[str, ...] = ("*.txt", "*.html", "*.htm", "*.jsonl")
SKIPPED_PATTERNS: tuple[str, ...] = ("*.gold.json", "links.json", "*.md", "*.meta.json")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
STDIN = "-"
SIDECAR_SUFFIX = ".meta.json"
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class BadInput:
    """Something that should have been an article and is not, with the reason why."""

    doc_id: str
    path: str
    reason: str

    def error(self) -> InputError:
        return InputError(f"{self.path}: {self.reason}")


InputItem = Article | BadInput


class NoInputsError(InputError):
    """The paths given hold no article at all (a usage error, not a per-document one)."""


def is_skipped(path: Path) -> bool:
    """Gold files, link tables, notes and sidecars live beside articles but are not ones."""
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in SKIPPED_PATTERNS)


def discover(paths: Iterable[str | Path], globs: Iterable[str] = DEFAULT_GLOBS) -> list[str]:
    """Expand folders (recursively, by glob) into files; `-` stands for stdin.

    Order is stable (sorted within each folder) so reruns see documents in the same order.
    Paths that do not exist are kept: reading them yields a `BadInput`.
    """
    patterns = tuple(globs)
    found: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        text = str(raw)
        if text == STDIN:
            candidates = [STDIN]
        else:
            path = Path(text)
            if path.is_dir():
                candidates = [
                    str(p)
                    for p in sorted(path.rglob("*"))
                    if p.is_file()
                    and not is_skipped(p)
                    and any(fnmatch.fnmatch(p.name, g) for g in patterns)
                ]
            elif is_skipped(path):
                candidates = []
            else:
                candidates = [text]
        for candidate in candidates:
            if candidate not in seen:
                seen.add(candidate)
                found.append(candidate)
    return found


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page; script and style contents are dropped."""

    _SKIP = frozenset({"script", "style", "noscript", "template"})
    _BLOCK = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "article",
         "section", "header", "footer", "title", "blockquote", "pre", "ul", "ol", "table"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Reduce HTML to its readable text: one paragraph per block, blank lines folded."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    paragraphs: list[str] = []
    for line in lines:
        if line:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


def _decode(data: bytes, where: str) -> str:
    """UTF-8 text, or an `InputError` saying why the bytes are not an article."""
    if not data.strip():
        raise InputError("empty file")
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError("binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (byte {exc.start}: {exc.reason}); re-encode it, e.g. "
            f"iconv -f latin1 -t utf-8 {where}"
        ) from exc
    if not text.strip():
        raise InputError("empty file")
    return text


def _as_date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise InputError(f"{where}: published {value!r} is not a YYYY-MM-DD date") from exc


def _sidecar(path: Path) -> dict[str, Any]:
    """`<stem>.meta.json` beside an article: published, source, url."""
    meta = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not meta.is_file():
        return {}
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"sidecar {meta.name} is not readable JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"sidecar {meta.name} must hold a JSON object")
    return data


class Reader:
    """Turns discovered paths into articles, with the options shared by every file."""

    def __init__(
        self,
        *,
        published: dt.date | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        stdin: IO[bytes] | None = None,
    ) -> None:
        self.published = published
        self.max_bytes = max_bytes
        self._stdin = stdin

    def read(self, sources: Iterable[str]) -> Iterator[InputItem]:
        for source in sources:
            yield from self.read_one(source)

    def read_one(self, source: str) -> Iterator[InputItem]:
        if source == STDIN:
            yield from self._read_stdin()
            return
        path = Path(source)
        doc_id = path.stem
        try:
            if not path.exists():
                raise InputError("no such file")
            if path.is_dir():
                raise InputError("is a directory")
            size = path.stat().st_size
            if path.suffix.lower() == ".jsonl":
                with path.open("rb") as stream:  # line by line: memory flat for any size
                    yield from self._read_jsonl(stream, source)
                return
            if size > self.max_bytes:
                raise InputError(
                    f"{size} bytes is over the {self.max_bytes}-byte limit (--max-bytes)"
                )
            data = path.read_bytes()
        except InputError as exc:
            yield BadInput(doc_id, source, str(exc))
            return
        except OSError as exc:
            yield BadInput(doc_id, source, f"unreadable: {exc.strerror or exc}")
            return
        try:
            text = _decode(data, source)
            if path.suffix.lower() in {".html", ".htm"}:
                text = html_to_text(text)
                if not text.strip():
                    raise InputError("HTML page has no text")
            meta = _sidecar(path)
            published = _as_date(meta.get("published"), source) or self.published
            yield Article(
                doc_id=str(meta.get("doc_id") or meta.get("id") or doc_id),
                text=text,
                published=published,
                source=meta.get("source"),
                url=meta.get("url"),
            )
        except InputError as exc:
            yield BadInput(doc_id, source, str(exc))

    def _read_stdin(self) -> Iterator[InputItem]:
        stream = self._stdin if self._stdin is not None else sys.stdin.buffer
        head = stream.readline()
        while head and not head.strip():
            head = stream.readline()
        if head.lstrip()[:1] == b"{":  # JSONL: stream it line by line
            yield from self._read_jsonl(itertools.chain([head], stream), "<stdin>")
            return
        data = head + stream.read(self.max_bytes + 1 - len(head))
        if len(data) > self.max_bytes:
            yield BadInput("stdin", STDIN, f"over the {self.max_bytes}-byte limit (--max-bytes)")
            return
        try:
            text = _decode(data, "<stdin>")
        except InputError as exc:
            yield BadInput("stdin", STDIN, str(exc))
            return
        yield Article(doc_id=make_doc_id(text), text=text, published=self.published)

    def _read_jsonl(self, lines: Iterable[bytes], source: str) -> Iterator[InputItem]:
        """One article per line: `id` (or `doc_id`), `text`, optional published/source/url.

        Read and decoded one line at a time, so a huge file never sits in memory.
        """
        stem = Path(source).stem if source != "<stdin>" else "stdin"
        any_line = False
        for lineno, raw in enumerate(lines, start=1):
            if lineno == 1 and b"\x00" in raw[:_SNIFF_BYTES]:
                yield BadInput(stem, source, "binary file (NUL bytes), not text")
                return
            if not raw.strip():
                continue
            any_line = True
            where = f"{source}:{lineno}"
            fallback_id = f"{stem}:{lineno}"
            line = ""
            try:
                line = _decode(raw, where)
                yield self._jsonl_article(line, where)
            except InputError as exc:
                yield BadInput(_line_id(line) or fallback_id, where, str(exc))
        if not any_line:
            yield BadInput(stem, source, "empty file")

    def _jsonl_article(self, line: str, where: str) -> Article:
        if len(line.encode("utf-8")) > self.max_bytes:
            raise InputError(f"line is over the {self.max_bytes}-byte limit (--max-bytes)")
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg} at column {exc.colno}") from exc
        if not isinstance(row, dict):
            raise InputError("a JSONL line must be an object with id and text")
        doc_id = row.get("id", row.get("doc_id"))
        text = row.get("text")
        if not doc_id or not isinstance(text, str):
            raise InputError("a JSONL line needs a non-empty 'id' and a string 'text'")
        if not text.strip():
            raise InputError("empty text")
        try:
            return Article(
                doc_id=str(doc_id),
                text=text,
                published=_as_date(row.get("published"), where) or self.published,
                source=row.get("source"),
                url=row.get("url"),
            )
        except ValidationError as exc:
            raise InputError(f"bad field: {exc.errors()[0]['msg']}") from exc


def _line_id(line: str) -> str | None:
    """The id of a JSONL line that is otherwise unusable, so its error names it."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        return None
    if isinstance(row, dict):
        value = row.get("id", row.get("doc_id"))
        return str(value) if value else None
    return None
