"""Drafters: how an article becomes a draft. The extractor composes one with a backend.

`single` (one request fills the draft), `sentences` (code reads the fields, the model
labels each candidate sentence) and `rules` (no model) are registered by strategy name;
`chunked` wraps whichever is chosen for long articles. A generating backend uses the
strategy the settings name (else its own default); a backend that generates nothing
(rules) uses its own in place of a model strategy. Plugins add strategies through the
`llm_extract.drafters` entry-point group: a factory `(backend, settings) -> Drafter`,
chosen by `--strategy NAME` or `Settings(strategy=NAME)` like the built-ins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from llm_extract.backends.base import Backend, Generator
from llm_extract.drafters.base import Drafter, DraftOutcome
from llm_extract.drafters.chunked import ChunkedDrafter, chunked
from llm_extract.drafters.rules import RulesDrafter
from llm_extract.drafters.sentences import SentencesDrafter
from llm_extract.drafters.single import SingleDrafter
from llm_extract.errors import ConfigurationError
from llm_extract.prompts import PromptTemplate, load_template
from llm_extract.records import draft_model
from llm_extract.registry import STRATEGIES, PluginError
from llm_extract.settings import Settings

DrafterFactory = Callable[[Backend, Settings], Drafter]

DEFAULT_PROMPTS = {"single": "extract_v1", "sentences": "sentence_v1"}
"""The template each prompting strategy sends unless the user names one."""


def prompt_id(settings: Settings, strategy: str) -> str | None:
    """The template a strategy sends: the user's if they chose one, else the strategy's;
    None for a strategy that sends no prompt (rules)."""
    if strategy not in DEFAULT_PROMPTS:
        return None
    if "prompt" in settings.model_fields_set:
        return settings.prompt
    return DEFAULT_PROMPTS[strategy]


def _template(settings: Settings, strategy: str) -> PromptTemplate:
    return load_template(prompt_id(settings, strategy) or settings.prompt, settings.prompts_dir)


def _generator(backend: Backend, strategy: str) -> Generator:
    if not isinstance(backend, Generator):
        raise ConfigurationError(
            f"the {backend.name!r} backend generates no text; "
            f"the {strategy!r} strategy needs a model backend"
        )
    return backend


def _single(backend: Backend, settings: Settings) -> Drafter:
    # a user's record classes add fields to the draft and a line each to the prompt
    template = _template(settings, "single").with_record_fields(settings.records.prompt_lines())
    return SingleDrafter(
        _generator(backend, "single"),
        template,
        few_shot=settings.few_shot,
        response_model=draft_model(settings.records),
    )


def _sentences(backend: Backend, settings: Settings) -> Drafter:
    return SentencesDrafter(
        _generator(backend, "sentences"),
        _template(settings, "sentences"),
        arbiter=settings.arbiter,
        few_shot=settings.few_shot,
    )


def _rules(_backend: Backend, _settings: Settings) -> Drafter:
    return RulesDrafter()


DRAFTERS: dict[str, DrafterFactory] = {
    "single": _single,
    "sentences": _sentences,
    "rules": _rules,
}


def strategy_for(backend: Backend, settings: Settings) -> str:
    """The settings' strategy, else the backend's own. A backend that generates nothing
    keeps its own in place of a model strategy (`single`, `sentences`), which a setting
    meant for model backends may name; any other strategy named (a plugin's) is used."""
    chosen = settings.strategy
    if not chosen or (not isinstance(backend, Generator) and chosen in DEFAULT_PROMPTS):
        return backend.default_strategy
    return chosen


def build_drafter(backend: Backend, settings: Settings) -> Drafter:
    """The drafter the settings call for over `backend`, chunked if chunking is on."""
    strategy = strategy_for(backend, settings)
    factory = DRAFTERS.get(strategy) or _plugin_drafter(strategy)
    return chunked(factory(backend, settings), settings)


def _plugin_drafter(strategy: str) -> DrafterFactory:
    """A strategy a plugin declares in the `llm_extract.drafters` entry-point group."""
    found = STRATEGIES.load(strategy)  # unknown: fails naming the installed strategies
    if not callable(found):
        raise PluginError(f"strategy {strategy!r} ({STRATEGIES.source(strategy)}) is not callable")
    return cast(DrafterFactory, found)


__all__ = [
    "DRAFTERS",
    "ChunkedDrafter",
    "DraftOutcome",
    "Drafter",
    "DrafterFactory",
    "RulesDrafter",
    "SentencesDrafter",
    "SingleDrafter",
    "build_drafter",
    "chunked",
    "prompt_id",
    "strategy_for",
]
