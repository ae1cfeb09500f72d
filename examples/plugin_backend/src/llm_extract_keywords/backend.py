"""The `keywords` backend and strategy: one event per sentence matching a keyword table.

Two entry points make it: a `Backend` subclass whose `name` is its entry-point name
(`--backend keywords`; it generates nothing, so it names its own strategy), and a drafter
factory under the same name in `llm_extract.drafters` that returns a `Draft` per article.
llm-extract does the rest exactly as for its own backends: grounding (the evidence must
be a verbatim sentence), dates, places, actor names and casualty counts, writers, cache
and run log.

The table maps ACLED sub-event types to regular expressions; `LLM_EXTRACT_KEYWORDS=path.json`
replaces the shipped one. `model` is the table's hash, so the result cache tells tables apart.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from llm_extract.backends import Backend
from llm_extract.draft import MAX_PHRASE, MAX_QUOTE, Draft, DraftEvent
from llm_extract.drafters import Drafter, DraftOutcome
from llm_extract.errors import ConfigurationError
from llm_extract.ontology import SubEventType

if TYPE_CHECKING:
    from llm_extract.article import Article
    from llm_extract.context import DocContext
    from llm_extract.settings import Settings

TABLE_ENV = "LLM_EXTRACT_KEYWORDS"
MAX_EVENTS = 8  # the draft's own bound
# A sentence ends at . ! or ? followed by space and a capital, or at a blank line.
_SENTENCE = re.compile(r"[^\n]+?(?:[.!?](?=\s+[A-Z\"'])|[.!?]?$)", re.MULTILINE)
_WEEKDAY = re.compile(
    r"\b(?:on|last|this) (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_KILLED = re.compile(
    r"\b((?:another |at least )?(?:\d+|[a-z]+(?:-[a-z]+)?) "
    r"(?:people|civilians|soldiers|fighters|militants|troops|children|others))"
    r"(?=[^.]*\b(?:killed|dead|died)\b)",
    re.IGNORECASE,
)


def load_table(path: Path | None = None) -> tuple[list[tuple[re.Pattern[str], SubEventType]], str]:
    """The compiled table and a short hash of its text (the backend's `model`)."""
    if path is None and os.environ.get(TABLE_ENV):
        path = Path(os.environ[TABLE_ENV])
    try:
        raw = (
            path.read_text(encoding="utf-8")
            if path
            else files(__package__).joinpath("keywords.json").read_text(encoding="utf-8")
        )
        table = json.loads(raw)
        compiled = [
            (re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), SubEventType(sub_event))
            for sub_event, patterns in table.items()
            if not sub_event.startswith("_")
            for pattern in patterns
        ]
    except (OSError, ValueError, re.error) as exc:  # JSON, unknown sub-event type, bad regex
        raise ConfigurationError(f"keyword table {path or 'keywords.json'}: {exc}") from exc
    return compiled, hashlib.sha256(raw.encode()).hexdigest()[:12]


def sentences(text: str) -> list[str]:
    """Sentences as they stand in the text (the evidence must be verbatim)."""
    return [m.group(0).strip() for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def draft_from_keywords(
    text: str, table: list[tuple[re.Pattern[str], SubEventType]]
) -> tuple[Draft, list[str]]:
    """One event per matching sentence, typed by its first matching keyword; warnings say
    what was left out, so nothing is dropped silently."""
    events: list[DraftEvent] = []
    warnings: list[str] = []
    matched = 0
    for sentence in sentences(text):
        kind = next((sub for pattern, sub in table if pattern.search(sentence)), None)
        if kind is None:
            continue
        matched += 1
        if len(sentence) > MAX_QUOTE or len(events) == MAX_EVENTS:
            continue
        killed = _KILLED.search(sentence)
        day = _WEEKDAY.search(sentence)  # read against the article's date by llm-extract
        events.append(
            DraftEvent(
                evidence=sentence,
                sub_event_type=kind,
                date_text=day.group(0) if day else None,
                location=None,
                admin1=None,
                country=None,
                actor1=[],
                actor2=[],
                fatalities_text=killed.group(1)[:MAX_PHRASE] if killed else None,
            )
        )
    if matched > len(events):
        warnings.append(
            f"keywords: {matched - len(events)} matching sentence(s) not drafted "
            f"(a draft holds {MAX_EVENTS} events of at most {MAX_QUOTE} characters)"
        )
    return Draft(actors=[], events=events, casualties=[]), warnings


class KeywordBackend(Backend):
    """Names the run (`--backend keywords`) and holds the table; it generates nothing, so
    its own strategy, the `keywords` drafter, always does the work."""

    name = "keywords"
    default_strategy = "keywords"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.table, digest = load_table()
        self.model = self.version = f"keywords-{digest}"


class KeywordDrafter(Drafter):
    """One event per matching sentence; offline, deterministic, no prompt."""

    strategy = "keywords"

    def __init__(self, table: list[tuple[re.Pattern[str], SubEventType]]) -> None:
        self.table = table

    async def draft(self, article: Article, context: DocContext) -> DraftOutcome:
        draft, warnings = draft_from_keywords(article.text, self.table)
        return DraftOutcome(draft=draft, warnings=warnings)


def keywords_drafter(backend: Backend, settings: Settings) -> Drafter:
    """The `keywords` strategy over the keyword backend's table (or the shipped table)."""
    table = backend.table if isinstance(backend, KeywordBackend) else load_table()[0]
    return KeywordDrafter(table)
