"""Backends: where completions come from. `get_backend` picks one from the settings.

Backends are found by name in the `llm_extract.backends` entry-point group (`registry`),
built-ins and plugins alike. Each OpenAI-compatible server kind is one small module whose
`Profile` is registered (a `ChatBackend`, a `Generator`); backends that generate nothing
(rules) subclass `Backend` directly. Which drafter asks the backend is decided in
`llm_extract.drafters`.
"""

from __future__ import annotations

from llm_extract.backends.base import Backend, Generation, Generator
from llm_extract.backends.chat import ChatBackend
from llm_extract.backends.profile import PROFILES, Profile, register
from llm_extract.registry import BACKENDS, PluginError
from llm_extract.settings import Settings


def backend_names() -> list[str]:
    return BACKENDS.names()


def get_backend(settings: Settings) -> Backend:
    """Build the backend the settings name; unknown names fail with the installed ones."""
    name = settings.backend
    found = BACKENDS.load(name)
    backend: Backend
    if isinstance(found, Profile):
        backend = ChatBackend(settings, found)
    elif isinstance(found, type) and issubclass(found, Backend):
        backend = found(settings)
    else:
        raise PluginError(
            f"backend {name!r} from {BACKENDS.source(name)} is a {type(found).__name__}; "
            "a backend entry point must name a Backend subclass or a Profile"
        )
    if backend.name != name:  # results record the name: it must be the one asked for
        raise PluginError(
            f"backend {name!r} from {BACKENDS.source(name)} calls itself {backend.name!r}; "
            "the entry-point name and the backend's `name` must agree"
        )
    return backend


__all__ = [
    "BACKENDS",
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
