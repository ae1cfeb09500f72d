"""vLLM's OpenAI-compatible server: guided decoding from response_format or a named tool."""

from __future__ import annotations

import instructor

from llm_extract.backends.profile import Profile, register

PROFILE = register(
    Profile(
        name="vllm",
        modes={"json_schema": instructor.Mode.JSON_SCHEMA, "tools": instructor.Mode.TOOLS},
        default_mode="json_schema",
        default_base_url="http://127.0.0.1:8000/v1",
        default_api_key_env="VLLM_API_KEY",
    )
)
