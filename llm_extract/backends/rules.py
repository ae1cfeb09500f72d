"""The `rules` backend: no model, so nothing to generate; the `rules` drafter does the work.

It is a backend so that `--backend rules` names it like any other, and so that results
and cache keys record which rule set (`model`, `version`) produced them.
"""

from __future__ import annotations

from llm_extract.backends.base import Backend
from llm_extract.rules import RULES_VERSION


class RulesBackend(Backend):
    """Rule-based extraction; `model` names the rule set so caches tell versions apart."""

    name = "rules"
    model = RULES_VERSION
    version = RULES_VERSION
    default_strategy = "rules"
