"""The `sentences` drafter: rules read the fields, the model labels each sentence, and
disagreements are flagged and settled by the arbiter setting.

The generator here is a stub that answers from a fixed table; no model is involved.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from typing import Any

from llm_extract.article import Article
from llm_extract.backends.base import Generation
from llm_extract.context import DocContext
from llm_extract.drafters import DraftOutcome, SentencesDrafter
from llm_extract.drafters.sentences import Arbiter, SentenceLabel
from llm_extract.models import Usage
from llm_extract.ontology import SubEventType
from llm_extract.prompts import Message, load_template

CLASH = "Nigerian troops killed 12 insurgents in an ambush near Maiduguri on Monday, the army said."
BURNING = "Residents said the militants had burned a police post before the fighting."
ARTICLE = Article(doc_id="s1", text=f"{CLASH} {BURNING}", published=dt.date(2024, 3, 5))


class LabelStub:
    """Answers each sentence with the label in `answers` (None: no event)."""

    def __init__(self, answers: Mapping[str, SubEventType | None]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def generate(
        self, messages: list[Message], model: type[Any], *, context: Any = None
    ) -> Generation[Any]:
        sentence = next(s for s in self.answers if s in str(messages[-1]["content"]))
        self.asked.append(sentence)
        label = SentenceLabel(sub_event_type=self.answers[sentence])
        return Generation(value=label, usage=Usage(calls=1))


def _draft(answers: Mapping[str, SubEventType | None], arbiter: Arbiter) -> DraftOutcome:
    stub = LabelStub(answers)
    drafter = SentencesDrafter(stub, load_template("sentence_v1"), arbiter=arbiter)  # type: ignore[arg-type]
    outcome = asyncio.run(drafter.draft(ARTICLE, DocContext()))
    assert sorted(stub.asked) == sorted(answers)  # every candidate sentence asked once
    return outcome


def test_agreement_is_flagged_and_the_rules_event_kept() -> None:
    outcome = _draft({CLASH: SubEventType.ARMED_CLASH, BURNING: None}, "code")
    (event,) = outcome.draft.events
    assert event.sub_event_type is SubEventType.ARMED_CLASH
    assert outcome.event_flags == {0: ["model_agrees"]}


def test_disagreement_is_flagged_and_the_arbiter_decides() -> None:
    answers = {CLASH: SubEventType.ATTACK, BURNING: None}
    by_code = _draft(answers, "code")
    assert by_code.draft.events[0].sub_event_type is SubEventType.ARMED_CLASH
    assert by_code.event_flags[0] == [
        "disputed: model read Attack, rules read Armed clash; code wins"
    ]
    by_model = _draft(answers, "model")
    assert by_model.draft.events[0].sub_event_type is SubEventType.ATTACK
    assert by_model.event_flags[0][0].endswith("; model wins")


def test_model_only_event_takes_the_article_country_when_its_sentence_names_no_place() -> None:
    answers = {CLASH: SubEventType.ARMED_CLASH, BURNING: SubEventType.LOOTING}
    by_code = _draft(answers, "code")
    assert len(by_code.draft.events) == 1
    assert any("rules did not" in w for w in by_code.warnings)
    by_model = _draft(answers, "model")
    extra = by_model.draft.events[1]
    assert by_model.event_flags[1] == ["model_only"]
    assert extra.sub_event_type is SubEventType.LOOTING
    assert extra.evidence == BURNING
    assert extra.country == "Nigeria"
    assert "the militants" in extra.actor1
