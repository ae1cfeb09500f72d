"""Backends: where completions come from. `get_backend` picks one from the settings.

Each OpenAI-compatible server kind is one small module that registers a `Profile` (a
`ChatBackend`, a `Generator`); backends that generate nothing (rules) subclass `Backend`
directly. Which drafter asks the backend is decided in `llm_extract.drafters`.
"""

from __future__ import annotations

from llm_extract.backends import azure, embedded, llamacpp, ollama, openai, vllm  # noqa: F401
from llm_extract.backends.base import Backend, Generation, Generator
from llm_extract.backends.chat import ChatBackend
from llm_extract.backends.profile import PROFILES, Profile, register
from llm_extract.errors import ConfigurationError
from llm_extract.settings import Settings

NON_CHAT_BACKENDS: dict[str, type[Backend]] = {}
from llm_extract.backends import rules as _rules  # noqa: E402 - registers after the table exists

NON_CHAT_BACKENDS[_rules.RulesBackend.name] = _rules.RulesBackend


def backend_names() -> list[str]:
    return sorted([*PROFILES, *NON_CHAT_BACKENDS])


def get_backend(settings: Settings) -> Backend:
    """Build the backend the settings name; unknown names fail with the known ones."""
    name = settings.backend
    if name in NON_CHAT_BACKENDS:
        return NON_CHAT_BACKENDS[name](settings)
    if name in PROFILES:
        return ChatBackend(settings, PROFILES[name])
    raise ConfigurationError(f"unknown backend {name!r}; choose one of {backend_names()}")


__all__ = [
    "NON_CHAT_BACKENDS",
    "PROFILES",
    "Backend",
    "ChatBackend",
    "Generation",
    "Generator",
    "Profile",
    "backend_names",
    "get_backend",
    "register",
]
