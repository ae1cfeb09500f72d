"""Extraction strategies for chat backends: how an article becomes model calls.

`single` (one call per article, for capable models) lives in `backends.chat`;
`sentences` (rules read the fields, the model labels sentences) lives here.
"""

from __future__ import annotations

from llm_extract.settings import Settings

DEFAULT_PROMPTS = {"single": "extract_v1", "sentences": "sentence_v1"}


def prompt_id(settings: Settings, strategy: str) -> str:
    """The template a strategy sends: the user's if they chose one, else the strategy's."""
    if "prompt" in settings.model_fields_set:
        return settings.prompt
    return DEFAULT_PROMPTS.get(strategy, settings.prompt)
