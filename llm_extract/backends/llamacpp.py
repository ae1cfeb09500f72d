"""llama.cpp's server (llama-cpp-python): grammar-constrained tools or json_object+schema.

The server answers `response_format={"type": "json_schema", ...}` with HTTP 500, so that
mode is refused up front; it constrains decoding for a forced tool call and for
`{"type": "json_object", "schema": ...}`.
"""

from __future__ import annotations

from typing import Any

import instructor
from pydantic import BaseModel

from llm_extract.backends.profile import Profile, register, response_format_schema

LLAMACPP_MODES = {"tools": instructor.Mode.TOOLS, "json_object": instructor.Mode.JSON}
NO_JSON_SCHEMA = (
    "llama.cpp's server rejects response_format json_schema (HTTP 500); "
    "use mode 'tools' or 'json_object'"
)


def json_object_with_schema(
    kwargs: dict[str, Any], model: type[BaseModel], mode: str
) -> dict[str, Any]:
    """Put the schema inside json_object so the server builds a grammar from it."""
    if mode == "json_object":
        extra = dict(kwargs.get("extra_body") or {})
        extra["response_format"] = {"type": "json_object", "schema": response_format_schema(model)}
        kwargs["extra_body"] = extra
    return kwargs


PROFILE = register(
    Profile(
        name="llamacpp",
        modes=LLAMACPP_MODES,
        default_mode="tools",
        default_model="local",
        default_base_url="http://127.0.0.1:8080/v1",
        forbidden_modes={"json_schema": NO_JSON_SCHEMA},
        prepare_request=json_object_with_schema,
        max_concurrency=1,
        default_timeout=600.0,
    )
)
