"""Input stage: one article as the pipeline sees it."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata

from pydantic import BaseModel


class Article(BaseModel):
    """An article's text plus the metadata that dates and provenance depend on."""

    doc_id: str
    text: str
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None

    def canonical_text(self) -> str:
        """NFC text with unified line ends: the form hashed for the cache key."""
        return unicodedata.normalize("NFC", self.text.replace("\r\n", "\n").replace("\r", "\n"))

    def text_hash(self) -> str:
        return hashlib.sha256(self.canonical_text().encode("utf-8")).hexdigest()


def make_doc_id(text: str) -> str:
    """A stable id for text that arrives without one (stdin, the Python API)."""
    return "doc_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
