"""Result cache: an unchanged article under unchanged settings is never sent twice.

The key is a SHA-256 over a canonical JSON object of everything that can change a result
(article text and date, prompt template and its hash, schema hash, backend and its
version, the server's base URL, model, mode, strategy, decoding parameters, the package's
major version, and a fingerprint of the shipped data files: lexicons, alias table,
gazetteer; and of the user's gazetteer file when `Settings.gazetteer` names one), so
changing any of them misses and no two inputs collide (`extraction_fields`).
Only ok results are stored, as JSON. diskcache (SQLite underneath) makes concurrent
threads and processes safe; an entry or database that cannot be read is a miss, never a
crash. Writes are batched (one transaction per `FLUSH_ENTRIES` entries or `FLUSH_SECONDS`,
and on close); this process reads its own buffered entries at once, other processes see
them after the flush, and a killed process loses at most the last batch (those documents
are extracted again, nothing else).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import sqlite3
import time
import weakref
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import diskcache
import platformdirs
from pydantic import ValidationError

from llm_extract.models import ExtractionResult, Usage
from llm_extract.redact import redact_url

if TYPE_CHECKING:
    from llm_extract.article import Article
    from llm_extract.backends.base import Backend
    from llm_extract.prompts import PromptTemplate
    from llm_extract.settings import Settings

logger = logging.getLogger(__name__)

APP_NAME = "llm-extract"
KEY_VERSION = 2  # bump when the key's fields change meaning (2: the server's base URL)
FLUSH_ENTRIES = 32
FLUSH_SECONDS = 1.0
_READ_ERRORS = (OSError, sqlite3.Error, ValueError, TypeError, EOFError, diskcache.Timeout)


_OPEN: weakref.WeakSet[ResultCache] = weakref.WeakSet()


@atexit.register
def _flush_open() -> None:
    """Buffered entries of caches still open at exit are written, not lost."""
    for cache in list(_OPEN):
        cache.flush()


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "results"


def fingerprint_files(directory: Traversable) -> str:
    """SHA-256 over the names and bytes of the files directly in `directory`."""
    digest = hashlib.sha256()
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            digest.update(entry.name.encode("utf-8") + b"\0")
            digest.update(entry.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def data_fingerprint() -> str:
    """Fingerprint of the package's data files, part of every cache key.

    The lexicons, the actor alias table and the gazetteer change results without any
    setting changing: a new alias or place must not be answered from an older entry.
    """
    return fingerprint_files(files("llm_extract").joinpath("data"))


def file_fingerprint(path: Path) -> str:
    """SHA-256 of a user's data file (e.g. `Settings.gazetteer`), read once per version."""
    file = Path(path).resolve()
    stat = file.stat()
    return _file_sha256(file, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _file_sha256(file: Path, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def cache_key(fields: dict[str, Any]) -> str:
    """SHA-256 of the fields as canonical JSON (sorted keys, no whitespace)."""
    canonical = json.dumps(
        {"key_version": KEY_VERSION, **fields},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def server_url(backend: Backend) -> str | None:
    """The server a backend talks to, credentials masked; None for the embedded server
    (started on a free port, always the shipped model) and for backends with no server.
    Worked out once per backend (masking scans the environment for secrets)."""
    known = _SERVER_URLS.get(backend, _UNSET)
    if known is not _UNSET:
        return known  # type: ignore[return-value]
    profile = getattr(backend, "profile", None)
    url: str | None = None
    if profile is not None:
        raw = backend.settings.base_url or profile.default_base_url
        url = redact_url(raw.rstrip("/")) if raw else None
    with contextlib.suppress(TypeError):  # a backend that cannot be weakly referenced
        _SERVER_URLS[backend] = url
    return url


_UNSET = object()
_SERVER_URLS: weakref.WeakKeyDictionary[Any, str | None] = weakref.WeakKeyDictionary()


def extraction_fields(
    article: Article,
    settings: Settings,
    backend: Backend,
    template: PromptTemplate | None,
    strategy: str,
) -> dict[str, Any]:
    """Everything that can change this article's result; hashed into the cache key."""
    from llm_extract.draft import schema_hash
    from llm_extract.records import draft_model
    from llm_extract.rules import RULES_VERSION
    from llm_extract.version import __version__

    s = settings
    records = s.records.fingerprint()  # None (and left out) for the default records
    return {
        **({"records": records} if records else {}),
        **({"gazetteer": file_fingerprint(s.gazetteer)} if s.gazetteer else {}),
        "text_sha256": article.text_hash(),
        "published": article.published.isoformat() if article.published else None,
        "prompt_id": template.id if template else None,
        "prompt_hash": template.hash if template else None,
        "schema_hash": schema_hash(draft_model(s.records)),
        "backend": backend.name,
        "backend_version": str(getattr(backend, "version", "") or ""),
        "base_url": server_url(backend),
        "model": backend.model,
        "mode": getattr(backend, "mode", None) or s.mode,
        "strategy": strategy,
        "arbiter": s.arbiter if strategy == "sentences" else None,
        "rules_version": RULES_VERSION if strategy == "sentences" else None,
        "data": data_fingerprint(),
        "temperature": s.temperature,
        "seed": s.seed,
        "max_tokens": s.max_tokens,
        "few_shot": s.few_shot,
        "keep_ungrounded": s.keep_ungrounded,
        "chunk": [s.chunk_chars, s.chunk_overlap] if s.chunk_chars else None,
        "package_major": __version__.split(".", 1)[0],
    }


@dataclass(frozen=True)
class CacheStats:
    """What `cache stats` prints. Hits and misses are counted since the last clear."""

    directory: str
    entries: int
    size_bytes: int
    hits: int
    misses: int


class ResultCache:
    """ok `ExtractionResult`s on disk, keyed by `cache_key`."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory else default_cache_dir()
        self.hits = 0
        self.misses = 0
        self._cache: diskcache.Cache | None = None
        self._broken = False
        self._pending: dict[str, str] = {}  # key -> JSON not yet in the database
        self._since = time.monotonic()
        _OPEN.add(self)

    def _open(self) -> diskcache.Cache | None:
        if self._cache is None and not self._broken:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._cache = diskcache.Cache(str(self.directory), statistics=True)
            except _READ_ERRORS as exc:
                self._broken = True
                logger.warning(
                    "result cache at %s cannot be opened (%s: %s); running without it. "
                    "`llm-extract cache clear` or deleting the folder fixes it.",
                    self.directory,
                    type(exc).__name__,
                    exc,
                )
        return self._cache

    def get(self, key: str) -> ExtractionResult | None:
        """The stored result, or None on a miss or an unreadable entry."""
        cache = self._open()
        if cache is None:
            self.misses += 1
            return None
        if key in self._pending:  # written by this process moments ago: land it, read it
            self.flush()
        try:
            raw = cache.get(key, default=None, retry=True)
            result = None if raw is None else ExtractionResult.model_validate_json(raw)
        except (*_READ_ERRORS, ValidationError) as exc:
            logger.warning("unreadable cache entry %s (%s); treated as a miss", key[:12], exc)
            self._discard(cache, key)
            result = None
        if result is None or not result.ok:
            self.misses += 1
            return None
        self.hits += 1
        return result

    def set(self, key: str, result: ExtractionResult) -> bool:
        """Store an ok result (at the next flush); error records are never cached.
        True if accepted."""
        if not result.ok:
            return False
        if self._open() is None:
            return False
        stored = result if not result.cached else result.model_copy(update={"cached": False})
        if not self._pending:
            self._since = time.monotonic()
        self._pending[key] = stored.model_dump_json()
        if len(self._pending) >= FLUSH_ENTRIES or time.monotonic() - self._since >= FLUSH_SECONDS:
            self.flush()
        return True

    def flush(self) -> bool:
        """Write the buffered entries in one transaction; False if they could not be."""
        cache = self._cache
        if not self._pending or cache is None:
            return True
        pending, self._pending = self._pending, {}
        try:
            with cache.transact(retry=True):
                for key, raw in pending.items():
                    cache.set(key, raw)
        except _READ_ERRORS as exc:
            logger.warning("could not write %d cache entries (%s)", len(pending), exc)
            return False
        return True

    @staticmethod
    def _discard(cache: diskcache.Cache, key: str) -> None:
        with contextlib.suppress(*_READ_ERRORS):
            cache.delete(key, retry=True)

    def stats(self) -> CacheStats:
        self.flush()
        cache = self._open()
        if cache is None:
            return CacheStats(str(self.directory), 0, 0, self.hits, self.misses)
        try:
            hits, misses = cache.stats()
            return CacheStats(str(self.directory), len(cache), cache.volume(), hits, misses)
        except _READ_ERRORS:
            return CacheStats(str(self.directory), 0, 0, self.hits, self.misses)

    def clear(self) -> int:
        """Remove every entry (and the hit/miss counts); returns how many were removed."""
        self._pending.clear()
        cache = self._open()
        if cache is None:
            return 0
        removed = int(cache.clear(retry=True))
        cache.stats(reset=True)
        return removed

    def __del__(self) -> None:  # dropped without close: its buffered entries still land
        with contextlib.suppress(Exception):
            self.close()

    def close(self) -> None:
        _OPEN.discard(self)
        if self._cache is not None:
            self.flush()
            self._cache.close()
            self._cache = None

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def as_hit(stored: ExtractionResult, article: Article, elapsed_s: float) -> ExtractionResult:
    """A stored result answering `article`: its own doc id and source, `cached=True`, no
    usage (nothing was spent) and this lookup's time."""
    document = stored.document
    if document is not None:
        document = document.model_copy(update={"doc_id": article.doc_id, "source": article.source})
    return stored.model_copy(
        update={
            "doc_id": article.doc_id,
            "document": document,
            "cached": True,
            "usage": Usage(),
            "timings": {"total_s": round(elapsed_s, 4)},
        }
    )
