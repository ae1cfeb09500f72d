"""Long articles through the chunked drafter give the records their parts give alone."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from llm_extract.article import Article
from llm_extract.chunking import (
    DEFAULT_MAX_CHARS,
    max_chars_for_context,
    merge_drafts,
    sentence_spans,
    split_text,
)
from llm_extract.context import DocContext
from llm_extract.draft import Draft, DraftActor, DraftCasualty, DraftEvent
from llm_extract.drafters import ChunkedDrafter, Drafter, DraftOutcome, chunked
from llm_extract.errors import BackendUnreachableError
from llm_extract.extract import Extractor, run_sync
from llm_extract.models import ExtractionResult, Usage
from llm_extract.ontology import ActorType, Outcome, SubEventType, VictimType
from llm_extract.settings import Settings

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_000 = (SEEDS / "000_4c7802ff51b8819f.txt").read_text(encoding="utf-8")
SEED_003 = (SEEDS / "003_083b7cf5f0b80020.txt").read_text(encoding="utf-8")
PUBLISHED = dt.date(2016, 1, 13)

_FAKE_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’]*\s+|\n+")


class FakeSentenceDrafter(Drafter):
    """Test double, not a model: one event per sentence that mentions "strike" or
    "killed" (evidence = that sentence), a casualty for each "killed" sentence, and the
    actor "Russia" wherever a sentence names it. Deterministic, so chunked and unchunked
    runs can be compared record for record. Lists are not capped (model_construct)."""

    strategy = "fake-sentences"

    def __init__(self, fail_on: str | None = None, fail_times: int = 10**6) -> None:
        self.calls: list[str] = []
        self.fail_on = fail_on
        self.fail_times = fail_times
        self.failures = 0

    async def draft(self, article: Article, context: DocContext) -> DraftOutcome:
        await context.before_request()  # one request a draft, booked like a model's
        self.calls.append(article.doc_id)
        if self.fail_on and self.fail_on in article.text and self.failures < self.fail_times:
            self.failures += 1
            error = BackendUnreachableError(f"fake outage on {article.doc_id}")
            context.after_request(Usage(calls=1), error)
            raise error
        events: list[DraftEvent] = []
        casualties: list[DraftCasualty] = []
        actors: list[DraftActor] = []
        for raw in _FAKE_SENTENCE.split(article.text):
            sentence = raw.strip()
            low = sentence.lower()
            if "strike" not in low and "killed" not in low:
                continue
            russia = ["Russia"] if "Russia" in sentence else []
            if russia and not actors:
                actors.append(
                    DraftActor(name="Russia", actor_type=ActorType.STATE_FORCES, country=None)
                )
            events.append(
                DraftEvent(
                    evidence=sentence,
                    sub_event_type=SubEventType.AIR_DRONE_STRIKE
                    if "strike" in low
                    else SubEventType.ATTACK,
                    date_text=None,
                    location=None,
                    admin1=None,
                    country=None,
                    actor1=russia,
                    actor2=[],
                    fatalities_text=None,
                )
            )
            if "killed" in low:
                casualties.append(
                    DraftCasualty(
                        evidence=sentence,
                        outcome=Outcome.KILLED,
                        count_text="",
                        victim_type=VictimType.CIVILIANS,
                        perpetrator=russia,
                    )
                )
        draft = Draft.model_construct(actors=actors, events=events, casualties=casualties)
        context.after_request(
            Usage(prompt_tokens=len(article.text) // 4, completion_tokens=10, calls=1)
        )
        return DraftOutcome(draft=draft)


def _extract(drafter: Drafter, doc_id: str, text: str) -> ExtractionResult:
    extractor = Extractor(Settings(backend="rules"), drafter=drafter)
    article = Article(doc_id=doc_id, text=text, published=PUBLISHED)
    return run_sync(extractor.aextract(article))


def _records(result: ExtractionResult) -> dict[str, set[tuple[object, ...]]]:
    """Records without ids or offsets: what a reader compares."""
    assert result.document is not None
    names = {a.id: a.name for a in result.document.actors}
    return {
        "events": {
            (e.evidence[0], e.sub_event_type, tuple(names[a] for a in e.actor1))
            for e in result.document.events
        },
        "casualties": {
            (c.evidence, c.outcome, c.count.best, tuple(names[a] for a in c.perpetrator))
            for c in result.document.casualties
        },
        "actors": {(a.name, a.actor_type) for a in result.document.actors},
    }


def _long_article(parts: list[str]) -> tuple[str, list[int]]:
    """Parts joined by visible separators, with each part's offset in the whole."""
    text = ""
    offsets = []
    for i, part in enumerate(parts):
        if i:
            text += f"\n\n----- part {i + 1} -----\n\n"
        offsets.append(len(text))
        text += part
    return text, offsets


def _tagged(seed: str, copy: int) -> str:
    """A copy of a seed whose every line starts with a copy tag, so copies differ."""
    return "\n".join(f"[{copy}] {line}" if line.strip() else line for line in seed.split("\n"))


# --- splitting -------------------------------------------------------------------------


def test_short_text_is_one_chunk() -> None:
    assert split_text(SEED_000) == [split_text(SEED_000)[0]]
    chunk = split_text(SEED_000)[0]
    assert (chunk.start, chunk.end, chunk.text) == (0, len(SEED_000), SEED_000)


def test_chunks_are_whole_sentences_within_the_limit_with_overlap() -> None:
    text, _ = _long_article([SEED_000, SEED_003] * 5)
    assert len(text) > 37_000
    chunks = split_text(text, max_chars=6000, overlap=400)
    starts = {s for s, _ in sentence_spans(text)}
    assert len(chunks) >= 7
    for prev, chunk in itertools.pairwise(chunks):
        assert chunk.start in starts, "a chunk starts mid-sentence"
        assert 0 < prev.end - chunk.start <= 400, "no overlap, or too much"
        assert chunk.start > prev.start
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= 6000
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_overlap_zero_tiles_the_text_exactly() -> None:
    text, _ = _long_article([SEED_000, SEED_003] * 3)
    chunks = split_text(text, max_chars=3000, overlap=0)
    assert "".join(c.text for c in chunks) == text


def test_a_sentence_longer_than_a_chunk_is_cut_at_whitespace() -> None:
    text = "word " * 900  # 4,500 chars, no sentence end
    chunks = split_text(text, max_chars=1000, overlap=100)
    assert all(len(c.text) <= 1000 for c in chunks)
    assert all(c.text.startswith("word") for c in chunks)
    assert chunks[-1].end == len(text)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        split_text("x", max_chars=0)
    with pytest.raises(ValueError):
        split_text("x", max_chars=100, overlap=100)


def test_max_chars_follows_the_context() -> None:
    assert max_chars_for_context(8192, 1536) == DEFAULT_MAX_CHARS
    small = max_chars_for_context(4096, 1024)
    assert 1000 <= small < DEFAULT_MAX_CHARS


# --- the drafter ------------------------------------------------------------------------


def test_long_article_gives_the_records_of_its_parts() -> None:
    """(a) ~40,000 chars of the two seeds, repeated: chunked run == parts run alone."""
    text, _ = _long_article([SEED_000, SEED_003] * 5)
    assert 37_000 < len(text) < 45_000
    inner = FakeSentenceDrafter()
    wrapped = ChunkedDrafter(inner, max_chars=6000, overlap=400)
    whole = _extract(wrapped, "long", text)
    n_chunks = len(split_text(text, 6000, 400))
    assert inner.calls == [f"long#chunk{i}" for i in range(n_chunks)]
    alone = [_extract(FakeSentenceDrafter(), d, t) for d, t in (("a", SEED_000), ("b", SEED_003))]
    expected = {k: _records(alone[0])[k] | _records(alone[1])[k] for k in ("events", "actors")}
    expected["casualties"] = _records(alone[0])["casualties"] | _records(alone[1])["casualties"]
    got = _records(whole)
    assert got == expected
    assert len(expected["events"]) >= 8  # more than one draft call could return
    assert whole.usage.calls == n_chunks
    assert whole.usage.prompt_tokens == sum(len(c.text) // 4 for c in split_text(text, 6000, 400))


def test_offsets_point_into_the_whole_article() -> None:
    """Distinct copies: each record's span is its part's span shifted by the part offset."""
    parts = [_tagged(seed, k) for k, seed in enumerate([SEED_000, SEED_003] * 5)]
    text, offsets = _long_article(parts)
    whole = _extract(ChunkedDrafter(FakeSentenceDrafter()), "long", text)
    assert whole.document is not None
    got = {
        (e.evidence[0], e.spans[0].start, e.spans[0].end, e.sub_event_type)
        for e in whole.document.events
    }
    expected: set[tuple[object, ...]] = set()
    for k, (part, offset) in enumerate(zip(parts, offsets, strict=True)):
        alone = _extract(FakeSentenceDrafter(), f"p{k}", part)
        assert alone.document is not None
        for e in alone.document.events:
            start, end = e.spans[0].start, e.spans[0].end
            assert start is not None and end is not None
            expected.add((e.evidence[0], offset + start, offset + end, e.sub_event_type))
    assert got == expected
    assert len(got) == 50  # 5 copies x (3 + 7) strike/killed sentences
    for e in whole.document.events:
        start, end = e.spans[0].start, e.spans[0].end
        assert text[start:end] == e.evidence[0]
    for c in whole.document.casualties:
        assert text[c.spans[0].start : c.spans[0].end] == c.evidence


def test_chunk_sub_articles_keep_date_and_get_chunk_ids() -> None:
    seen: list[Article] = []

    class Recording(FakeSentenceDrafter):
        async def draft(self, article: Article, context: DocContext) -> DraftOutcome:
            seen.append(article)
            return await super().draft(article, context)

    text, _ = _long_article([SEED_000, SEED_003] * 2)
    _extract(ChunkedDrafter(Recording(), max_chars=4000, overlap=200), "doc", text)
    assert [a.doc_id for a in seen] == [f"doc#chunk{i}" for i in range(len(seen))]
    assert len(seen) > 1
    assert all(a.published == PUBLISHED for a in seen)
    assert all(a.text in text for a in seen)


def test_a_chunk_failing_once_is_retried() -> None:
    text, _ = _long_article([SEED_000, SEED_003, _tagged(SEED_000, 9)])
    inner = FakeSentenceDrafter(fail_on="[9]", fail_times=1)
    result = _extract(ChunkedDrafter(inner, max_chars=4000, overlap=200), "doc", text)
    assert inner.failures == 1
    assert not [w for w in result.warnings if "failed" in w]
    assert any(e.evidence[0].startswith("[9]") for e in result.events)


def test_a_chunk_that_keeps_failing_is_named_and_the_others_still_count() -> None:
    text, _ = _long_article([SEED_000, SEED_003, _tagged(SEED_000, 9)])
    inner = FakeSentenceDrafter(fail_on="[9]")
    drafter = ChunkedDrafter(inner, max_chars=4000, overlap=200)
    chunks = drafter.chunks(Article(doc_id="doc", text=text))
    failing = [c.index + 1 for c in chunks if "[9]" in c.text]
    result = _extract(drafter, "doc", text)
    assert result.ok
    failed = [w for w in result.warnings if "failed after 2 attempts" in w]
    assert [int(re.match(r"chunk (\d+)/", w).group(1)) for w in failed] == failing  # type: ignore[union-attr]
    assert "BackendUnreachableError" in failed[0]
    assert any("Twenty-one civilians" in e.evidence[0] for e in result.events)
    assert not any(e.evidence[0].startswith("[9]") for e in result.events)


def test_all_chunks_failing_raises_the_inner_error() -> None:
    text, _ = _long_article([SEED_000, SEED_003] * 2)
    drafter = ChunkedDrafter(FakeSentenceDrafter(fail_on="Salma"), max_chars=4000)
    extractor = Extractor(Settings(backend="rules"), drafter=drafter)
    article = Article(doc_id="doc", text=text)
    with pytest.raises(BackendUnreachableError):
        run_sync(extractor.aextract(article))
    failed = run_sync(extractor.aextract_or_error(article))
    assert failed.status == "error" and failed.error is not None
    assert failed.error.stage == "transport"


def test_short_article_is_passed_through_unchanged() -> None:
    inner = FakeSentenceDrafter()
    result = _extract(ChunkedDrafter(inner), "short", SEED_000)
    assert inner.calls == ["short"]
    assert _records(result) == _records(_extract(FakeSentenceDrafter(), "x", SEED_000))


def test_wrapper_takes_strategy_and_prompt_from_the_inner_drafter() -> None:
    inner = FakeSentenceDrafter()
    wrapped = ChunkedDrafter(inner)
    assert (wrapped.strategy, wrapped.template) == ("fake-sentences", None)
    provenance = Extractor(Settings(backend="rules"), drafter=wrapped).provenance
    assert (provenance.backend, provenance.strategy) == ("rules", "fake-sentences")


def test_merge_drops_overlap_duplicates_and_keeps_order() -> None:
    def event(evidence: str, sub: SubEventType) -> DraftEvent:
        return DraftEvent(
            evidence=evidence,
            sub_event_type=sub,
            date_text=None,
            location=None,
            admin1=None,
            country=None,
            actor1=[],
            actor2=[],
            fatalities_text=None,
        )

    russia = DraftActor(name="Russia", actor_type=ActorType.STATE_FORCES, country=None)
    a = Draft(
        actors=[russia],
        events=[
            event("One strike.", SubEventType.AIR_DRONE_STRIKE),
            event("Two.", SubEventType.ATTACK),
        ],
        casualties=[],
    )
    b = Draft(
        actors=[russia.model_copy(update={"name": "russia"})],
        events=[
            event("Two.", SubEventType.ATTACK),
            event("Two.", SubEventType.SHELLING),
            event("Three.", SubEventType.ATTACK),
        ],
        casualties=[],
    )
    merged = merge_drafts([a, b])
    assert [(e.evidence, e.sub_event_type) for e in merged.events] == [
        ("One strike.", SubEventType.AIR_DRONE_STRIKE),
        ("Two.", SubEventType.ATTACK),
        ("Two.", SubEventType.SHELLING),
        ("Three.", SubEventType.ATTACK),
    ]
    assert [x.name for x in merged.actors] == ["Russia"]


def test_chunked_wraps_once_and_only_when_chunking_is_on() -> None:
    inner = FakeSentenceDrafter()
    wrapped = chunked(inner, Settings(backend="rules"))
    assert isinstance(wrapped, ChunkedDrafter)
    assert wrapped.inner is inner
    assert chunked(wrapped, Settings(backend="rules")) is wrapped
    assert chunked(inner, Settings(backend="rules", chunk_chars=0)) is inner
