"""Test doubles. `FakeBackend` is NOT a model: its drafter (`FakeDrafter`, the strategy
`fake`) builds a deterministic draft from the article's first sentence so CLI and runner
tests run fast, offline and reproducibly. Each draft counts as one request in the
document's context, so limits and usage hold as for a model.

Register it with the `fake_backend` fixture (tests) or `register()` (subprocesses); it is
then selectable as `--backend fake`. Doc ids containing "fail" raise a transport error,
and `LLM_EXTRACT_FAKE_DELAY` (seconds) makes each call sleep, so a run can be killed
mid-way.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from typing import ClassVar

import pytest

from llm_extract.article import Article
from llm_extract.backends import BACKENDS, Backend
from llm_extract.context import DocContext
from llm_extract.draft import MAX_QUOTE, Draft, DraftActor, DraftCasualty, DraftEvent
from llm_extract.drafters import DRAFTERS, Drafter, DraftOutcome
from llm_extract.errors import BackendUnreachableError
from llm_extract.models import Usage
from llm_extract.ontology import ActorType, Outcome, SubEventType, VictimType
from llm_extract.settings import Settings

FAKE = "fake"
DELAY_ENV = "LLM_EXTRACT_FAKE_DELAY"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")
_COUNT = re.compile(r"\b\d+\s+[a-z]+")


def first_sentence(text: str) -> str:
    body = " ".join(text.split())
    return _SENTENCE.split(body, maxsplit=1)[0][:MAX_QUOTE]


def fake_draft(text: str) -> Draft:
    """One event quoting the first sentence; its first capitalised word is the actor."""
    sentence = first_sentence(text)
    name_match = _NAME.search(sentence)
    names = [name_match.group(0)] if name_match else []
    count_match = _COUNT.search(sentence)
    count = count_match.group(0) if count_match else None
    casualties = []
    if count and "killed" in sentence:
        casualties.append(
            DraftCasualty(
                evidence=sentence,
                outcome=Outcome.KILLED,
                count_text=count,
                victim_type=VictimType.UNKNOWN,
                perpetrator=names,
            )
        )
    return Draft(
        actors=[DraftActor(name=n, actor_type=ActorType.STATE_FORCES, country=None) for n in names],
        events=[
            DraftEvent(
                evidence=sentence,
                sub_event_type=SubEventType.ARMED_CLASH,
                date_text=None,
                location=None,
                admin1=None,
                country=None,
                actor1=names,
                actor2=[],
                fatalities_text=count if casualties else None,
            )
        ],
        casualties=casualties,
    )


class FakeBackend(Backend):
    """Deterministic stand-in for a model backend; records which documents it was asked."""

    name = FAKE
    model = "fake-first-sentence"
    default_strategy = FAKE
    calls: ClassVar[list[str]] = []
    fail_marker: ClassVar[str | None] = "fail"  # doc ids containing it fail; None: never


class FakeDrafter(Drafter):
    """Drafts from the first sentence, as one request booked in the document's context."""

    strategy = FAKE

    async def draft(self, article: Article, context: DocContext) -> DraftOutcome:
        await context.before_request()
        FakeBackend.calls.append(article.doc_id)
        delay = float(os.environ.get(DELAY_ENV, "0") or 0)
        if delay:
            await asyncio.sleep(delay)
        marker = FakeBackend.fail_marker
        if marker and marker in article.doc_id:
            error = BackendUnreachableError(f"fake backend refuses {article.doc_id!r}")
            context.after_request(Usage(calls=1), error)
            raise error
        used = Usage(prompt_tokens=len(article.text) // 4 + 1, completion_tokens=10, calls=1)
        context.after_request(used)
        return DraftOutcome(draft=fake_draft(article.text))


def _fake_drafter(_backend: Backend, _settings: Settings) -> Drafter:
    return FakeDrafter()


def register() -> None:
    """Make `--backend fake` available in this process."""
    BACKENDS.add(FAKE, FakeBackend)
    DRAFTERS[FAKE] = _fake_drafter
    FakeBackend.calls.clear()
    FakeBackend.fail_marker = "fail"


def unregister() -> None:
    BACKENDS.remove(FAKE)
    DRAFTERS.pop(FAKE, None)


@pytest.fixture
def fake_backend(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[type[FakeBackend]]:
    """The fake registered as `fake`, with env and TOML settings that could interfere
    cleared and the cache and run log in a temporary folder; removed again after the test."""
    for key in list(os.environ):
        if key.startswith("LLM_EXTRACT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("LLM_EXTRACT_CONFIG", os.devnull)
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("LLM_EXTRACT_CACHE_DIR", str(state / "cache"))
    monkeypatch.setenv("LLM_EXTRACT_RUNLOG_PATH", str(state / "runlog.sqlite3"))
    register()
    try:
        yield FakeBackend
    finally:
        unregister()
