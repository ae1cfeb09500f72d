"""Benchmark documents: the seed articles, made unique so no two share a cache key."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from llm_extract.article import Article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@lru_cache(maxsize=1)
def seed_texts() -> tuple[str, ...]:
    """The seed articles' texts (real news, 3-4 KB each), in a stable order."""
    texts = tuple(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    if not texts:
        raise FileNotFoundError(f"no seed articles in {SEEDS}")
    return texts


def unique_text(i: int, tag: str = "doc") -> str:
    """Seed text `i % seeds` with a trailing reference line, so each `i` is a new text.

    The line goes at the end: the fake server quotes the first sentence as evidence, so
    grounding sees the same work for every document.
    """
    texts = seed_texts()
    return f"{texts[i % len(texts)]}\n\n(Reference {tag}-{i}.)"


def articles(n: int, tag: str = "doc", start: int = 0) -> Iterator[Article]:
    """`n` distinct articles with ids `<tag>-<i>`."""
    for i in range(start, start + n):
        yield Article(doc_id=f"{tag}-{i}", text=unique_text(i, tag))
