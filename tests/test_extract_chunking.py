"""The Extractor chunks long articles by default, and chunk settings key the cache."""

from __future__ import annotations

from llm_extract import Extractor, Settings
from llm_extract.article import Article
from llm_extract.drafters import ChunkedDrafter, RulesDrafter
from tests.conftest import seed_articles


def _long_article() -> Article:
    (_, text_a, pub), (_, text_b, _) = seed_articles()
    return Article(doc_id="long", text=text_a + "\n\n" + text_b, published=pub)


def test_long_article_goes_through_chunks_and_stays_grounded() -> None:
    article = _long_article()
    extractor = Extractor(Settings(backend="rules", cache=False, runlog=False, chunk_chars=2500))
    assert isinstance(extractor.drafter, ChunkedDrafter)
    assert isinstance(extractor.drafter.inner, RulesDrafter)
    assert extractor.backend.name == "rules"  # the backend itself is not replaced
    assert extractor.provenance.backend == "rules"
    result = extractor.extract(article)
    assert result.ok, result.error
    assert len(result.events) > 0
    for event in result.events:
        span = event.spans[0]
        assert article.text[span.start : span.end] == event.evidence[0]


def test_chunk_settings_change_the_cache_key() -> None:
    article = _long_article()
    a = Extractor(Settings(backend="rules", runlog=False, chunk_chars=2500)).cache_key(article)
    b = Extractor(Settings(backend="rules", runlog=False, chunk_chars=3000)).cache_key(article)
    c = Extractor(Settings(backend="rules", runlog=False, chunk_chars=0)).cache_key(article)
    assert len({a, b, c}) == 3
