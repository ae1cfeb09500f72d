"""Azure OpenAI (v1 OpenAI-compatible endpoint): OpenAI's request shape, key in `api-key`."""

from __future__ import annotations

from llm_extract.backends.openai import OPENAI_MODES, strict_json_schema
from llm_extract.backends.profile import Profile, register

PROFILE = register(
    Profile(
        name="azure",
        modes=OPENAI_MODES,
        default_mode="json_schema",
        default_api_key_env="AZURE_OPENAI_API_KEY",
        needs_key=True,
        key_header="api-key",
        prepare_request=strict_json_schema,
    )
)
