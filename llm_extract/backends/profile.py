"""Backend profiles: what an OpenAI-compatible server accepts, in one small object.

A profile decides the instructor mode and the request shape for one kind of server.
Adding a backend is one module that builds a `Profile` and calls `register`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import instructor
from pydantic import BaseModel

from llm_extract.errors import ConfigurationError
from llm_extract.settings import Settings

RequestHook = Callable[[dict[str, Any], type[BaseModel], str], dict[str, Any]]


SCHEMA_OR_TOOLS: Mapping[str, instructor.Mode] = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
}
"""What most servers constrain: response_format json_schema (the default) or a forced tool."""


def _no_change(kwargs: dict[str, Any], _model: type[BaseModel], _mode: str) -> dict[str, Any]:
    return kwargs


@dataclass(frozen=True)
class Profile:
    """Request shape and defaults for one kind of OpenAI-compatible server."""

    name: str
    modes: Mapping[str, instructor.Mode] = field(default_factory=lambda: SCHEMA_OR_TOOLS)
    default_mode: str = "json_schema"
    default_model: str | None = None
    default_base_url: str | None = None
    default_api_key_env: str | None = None
    needs_key: bool = False
    key_header: str | None = None  # send the key in this header instead of Authorization
    forbidden_modes: Mapping[str, str] = field(default_factory=dict)
    prepare_request: RequestHook = _no_change
    base_url_factory: Callable[[Settings], str] | None = None
    default_strategy: str = "single"
    max_concurrency: int | None = None
    """Requests in flight at once; llama.cpp's server decodes one at a time, so more queue."""
    default_timeout: float | None = None

    def resolve_mode(self, settings: Settings) -> str:
        mode = settings.mode or self.default_mode
        if mode in self.forbidden_modes:
            raise ConfigurationError(f"backend {self.name!r}: {self.forbidden_modes[mode]}")
        if mode not in self.modes:
            raise ConfigurationError(
                f"backend {self.name!r} supports modes {sorted(self.modes)}, not {mode!r}"
            )
        return mode

    def resolve_model(self, settings: Settings) -> str:
        model = settings.model or self.default_model
        if not model:
            raise ConfigurationError(
                f"backend {self.name!r} has no default model; set --model or LLM_EXTRACT_MODEL"
            )
        return model

    def resolve_base_url(self, settings: Settings) -> str | None:
        if settings.base_url:
            return settings.base_url
        if self.base_url_factory is not None:
            return self.base_url_factory(settings)
        return self.default_base_url

    def resolve_key(self, settings: Settings) -> str | None:
        env = settings.api_key_env or self.default_api_key_env
        if env is None:
            return None
        import os

        key = os.environ.get(env)
        if self.needs_key and not key:
            raise ConfigurationError(
                f"backend {self.name!r} needs an API key: set the environment variable {env} "
                "(or name another one with --api-key-env / LLM_EXTRACT_API_KEY_ENV)"
            )
        return key


PROFILES: dict[str, Profile] = {}


def register(profile: Profile) -> Profile:
    PROFILES[profile.name] = profile
    return profile


def response_format_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The response schema as sent to servers (pydantic's JSON Schema)."""
    return model.model_json_schema()
