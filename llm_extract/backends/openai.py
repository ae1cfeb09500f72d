"""OpenAI's API: strict structured outputs (json_schema) or strict forced tool calls."""

from __future__ import annotations

import copy
import functools
from typing import Any

from pydantic import BaseModel

from llm_extract.backends.profile import (
    SCHEMA_OR_TOOLS,
    Profile,
    register,
    response_format_schema,
)

UNSUPPORTED_IN_STRICT = frozenset({"maxLength", "minLength", "maxItems", "minItems"})


def without_keywords(schema: Any, keywords: frozenset[str] = UNSUPPORTED_IN_STRICT) -> Any:
    """Drop size bounds OpenAI's strict mode may refuse; pydantic still enforces them."""
    if isinstance(schema, dict):
        return {k: without_keywords(v, keywords) for k, v in schema.items() if k not in keywords}
    if isinstance(schema, list):
        return [without_keywords(v, keywords) for v in schema]
    return schema


@functools.cache
def _strict_schema(model: type[BaseModel]) -> Any:
    return without_keywords(response_format_schema(model))


def strict_schema(model: type[BaseModel]) -> Any:
    """The strict-mode schema of `model`, generated once per class (pydantic takes tens of
    milliseconds per call for the draft schema); each caller gets its own copy."""
    return copy.deepcopy(_strict_schema(model))


def strict_json_schema(kwargs: dict[str, Any], model: type[BaseModel], mode: str) -> dict[str, Any]:
    """Ask OpenAI for strict decoding: instructor's json_schema mode omits `strict`."""
    extra = dict(kwargs.get("extra_body") or {})
    if mode == "tools":
        extra["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": model.__name__,
                    "description": (model.__doc__ or "").strip(),
                    "parameters": strict_schema(model),
                    "strict": True,
                },
            }
        ]
        kwargs["extra_body"] = extra
    if mode == "json_schema":
        extra["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": model.__name__,
                "schema": strict_schema(model),
                "strict": True,
            },
        }
        kwargs["extra_body"] = extra
    return kwargs


OPENAI_MODES = SCHEMA_OR_TOOLS

PROFILE = register(
    Profile(
        name="openai",
        modes=OPENAI_MODES,
        default_mode="json_schema",
        default_model="gpt-4o-mini",
        default_api_key_env="OPENAI_API_KEY",
        needs_key=True,
        prepare_request=strict_json_schema,
    )
)
