"""vLLM's OpenAI-compatible server: guided decoding from response_format or a named tool."""

from __future__ import annotations

from llm_extract.backends.profile import Profile, register

PROFILE = register(
    Profile(
        name="vllm", default_base_url="http://127.0.0.1:8000/v1", default_api_key_env="VLLM_API_KEY"
    )
)
