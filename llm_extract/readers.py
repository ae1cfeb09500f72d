"""Input stage for batches: files, folders, stdin and JSONL become `Article`s.

A batch must not stop at one unreadable file, so everything that cannot become an
article (empty, binary, not UTF-8, too large, unreadable, a bad JSONL line) is yielded as
a `BadInput` that the runner turns into an error record for that document. Files that sit
next to seed articles but are not articles (gold files, `links.json`, Markdown, sidecar
metadata) are skipped when folders are walked.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import io
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from pydantic import ValidationError

from llm_extract.article import Article, make_doc_id
from llm_extract.errors import InputError
from llm_extract.html_text import html_to_text
from llm_extract.sources import (
    DEFAULT_GLOBS,
    SKIPPED_PATTERNS,
    STDIN,
    Source,
    discover,
    is_skipped,
    plan_sources,
)

__all__ = [
    "DEFAULT_GLOBS",
    "DEFAULT_MAX_BYTES",
    "SKIPPED_PATTERNS",
    "STDIN",
    "BadInput",
    "InputItem",
    "NoInputsError",
    "Reader",
    "Source",
    "discover",
    "html_to_text",
    "is_skipped",
    "plan_sources",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
SIDECAR_SUFFIX = ".meta.json"
_SNIFF_BYTES = 8192
_CHUNK = 1 << 20


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


# UTF-32 first: its little-endian mark starts with UTF-16's.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_codec(head: bytes) -> str | None:
    """The codec named by a UTF-16/32 byte-order mark at the start, if any."""
    return next((codec for bom, codec in _BOMS if head.startswith(bom)), None)


def _decode(data: bytes, where: str) -> str:
    """UTF-8 (or BOM-marked UTF-16/32) text, or an `InputError` saying why it is not."""
    if not data.strip():
        raise InputError("empty file")
    codec = _bom_codec(data[:4])
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise InputError(f"starts with a {codec} byte-order mark but is not {codec}") from exc
    elif b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(
            "binary file (NUL bytes), not text; if it is UTF-16 without a byte-order mark, "
            f"re-encode it, e.g. iconv -f utf-16le -t utf-8 {where}"
        )
    else:
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


@dataclass(frozen=True)
class _Oversized:
    """A line longer than the limit: its first bytes and its size, never the whole line."""

    head: bytes
    size: int


def _bounded_lines(readline: Callable[[int], bytes], limit: int) -> Iterator[bytes | _Oversized]:
    """Lines of at most `limit` bytes; a longer line is skipped in chunks, so a 50 MB
    line costs no more memory than the limit."""
    while line := readline(limit + 1):
        if len(line) <= limit or (line.endswith(b"\n") and len(line) == limit + 1):
            yield line
            continue
        head, size = line[:256], len(line)
        while not line.endswith(b"\n") and (line := readline(_CHUNK)):
            size += len(line)
        yield _Oversized(head, size)


@contextlib.contextmanager
def _utf8_readline(stream: IO[bytes]) -> Iterator[Callable[[int], bytes]]:
    """`readline(limit)` giving UTF-8 bytes, also for a stream marked UTF-16/32."""
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(cast(Any, stream))
    codec = _bom_codec(buffered.peek(4)[:4])
    if codec is None:
        yield buffered.readline
        return
    text = io.TextIOWrapper(buffered, encoding=codec, errors="replace", newline="")
    try:
        yield lambda limit: text.readline(limit).encode("utf-8")
    finally:
        text.detach()  # leave the caller's stream open


def _as_date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise InputError(f"{where}: published {value!r} is not a YYYY-MM-DD date") from exc


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON file that must hold one object; a ValueError that says why it does not."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not readable JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def _sidecar(path: Path) -> dict[str, Any]:
    """`<stem>.meta.json` beside an article: published, source, url."""
    meta = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not meta.is_file():
        return {}
    try:
        return read_json_object(meta)
    except ValueError as exc:
        raise InputError(f"sidecar {meta.name}: {exc}") from exc


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

    def read(self, sources: Iterable[str | Source]) -> Iterator[InputItem]:
        for _, item in self.read_located(sources):
            yield item

    def read_located(self, sources: Iterable[str | Source]) -> Iterator[tuple[str, InputItem]]:
        """Each item with where it came from (`path`, or `path:line` for JSONL), so a
        repeated id can name both places."""
        for source in sources:
            if isinstance(source, Source):
                yield from self.read_one_located(source.path, source.doc_id)
            else:
                yield from self.read_one_located(source)

    def read_one(self, source: str, doc_id: str | None = None) -> Iterator[InputItem]:
        """The article(s) of one source (default id: the file's stem)."""
        for _, item in self.read_one_located(source, doc_id):
            yield item

    def read_one_located(
        self, source: str, doc_id: str | None = None
    ) -> Iterator[tuple[str, InputItem]]:
        """The article(s) of one source with where each came from; `doc_id` is the id
        `plan_sources` gave it (default: the file's stem)."""
        if source == STDIN:
            yield from self._read_stdin()
            return
        path = Path(source)
        doc_id = doc_id or path.stem
        try:
            if not path.exists():
                raise InputError("no such file")
            if path.is_dir():
                raise InputError("is a directory")
            size = path.stat().st_size
            if path.suffix.lower() == ".jsonl":
                with path.open("rb") as stream, _utf8_readline(stream) as readline:
                    lines = _bounded_lines(readline, self.max_bytes)  # memory flat for any size
                    yield from self._read_jsonl(lines, source, doc_id)
                return
            if size > self.max_bytes:
                raise InputError(
                    f"{size} bytes is over the {self.max_bytes}-byte limit (--max-bytes)"
                )
            data = path.read_bytes()
        except InputError as exc:
            yield source, BadInput(doc_id, source, str(exc))
            return
        except OSError as exc:
            yield source, BadInput(doc_id, source, f"unreadable: {exc.strerror or exc}")
            return
        try:
            text = _decode(data, source)
            if path.suffix.lower() in {".html", ".htm"}:
                text = html_to_text(text)
                if not text.strip():
                    raise InputError("HTML page has no text")
            meta = _sidecar(path)
            published = _as_date(meta.get("published"), source) or self.published
            article = Article(
                doc_id=str(meta.get("doc_id") or meta.get("id") or doc_id),
                text=text,
                published=published,
                source=meta.get("source"),
                url=meta.get("url"),
            )
        except InputError as exc:
            yield source, BadInput(doc_id, source, str(exc))
            return
        yield source, article

    def _read_stdin(self) -> Iterator[tuple[str, InputItem]]:
        stream = self._stdin if self._stdin is not None else sys.stdin.buffer
        with _utf8_readline(stream) as readline:
            lines = _bounded_lines(readline, self.max_bytes)
            head = next(lines, b"")
            while isinstance(head, bytes) and head and not head.strip():
                head = next(lines, b"")
            first = head.head if isinstance(head, _Oversized) else head
            if first.lstrip()[:1] == b"{":  # JSONL: stream it line by line
                yield from self._read_jsonl(itertools.chain([head], lines), "<stdin>", "stdin")
                return
            parts: list[bytes] = []
            size = 0
            for line in itertools.chain([head], lines):
                size += line.size if isinstance(line, _Oversized) else len(line)
                if isinstance(line, _Oversized) or size > self.max_bytes:
                    limit = f"over the {self.max_bytes}-byte limit (--max-bytes)"
                    yield STDIN, BadInput("stdin", STDIN, limit)
                    return
                parts.append(line)
            data = b"".join(parts)
        try:
            text = _decode(data, "<stdin>")
        except InputError as exc:
            yield STDIN, BadInput("stdin", STDIN, str(exc))
            return
        yield STDIN, Article(doc_id=make_doc_id(text), text=text, published=self.published)

    def _read_jsonl(
        self, lines: Iterable[bytes | _Oversized], source: str, stem: str
    ) -> Iterator[tuple[str, InputItem]]:
        """One article per line: `id` (or `doc_id`), `text`, optional published/source/url.

        Read and decoded one line at a time, so a huge file never sits in memory; a line
        without a usable id is named `<stem>:<line>`.
        """
        any_line = False
        for lineno, raw in enumerate(lines, start=1):
            where = f"{source}:{lineno}"
            fallback_id = f"{stem}:{lineno}"
            if isinstance(raw, _Oversized):
                any_line = True
                reason = (
                    f"line of {raw.size} bytes is over the {self.max_bytes}-byte limit "
                    "(--max-bytes)"
                )
                yield where, BadInput(_head_id(raw.head) or fallback_id, where, reason)
                continue
            if lineno == 1 and b"\x00" in raw[:_SNIFF_BYTES]:
                yield source, BadInput(stem, source, "binary file (NUL bytes), not text")
                return
            if not raw.strip():
                continue
            any_line = True
            line = ""
            try:
                line = _decode(raw, where)
                yield where, self._jsonl_article(line, where)
            except InputError as exc:
                yield where, BadInput(_line_id(line) or fallback_id, where, str(exc))
        if not any_line:
            yield source, BadInput(stem, source, "empty file")

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


_HEAD_ID = re.compile(rb'^\s*\{\s*"(?:doc_)?id"\s*:\s*"([^"\\]{1,200})"')


def _head_id(head: bytes) -> str | None:
    """The id of an over-long JSONL line, when it comes first (only its head is kept)."""
    match = _HEAD_ID.match(head)
    return match.group(1).decode("utf-8", errors="replace") if match else None
