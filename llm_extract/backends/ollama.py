"""Ollama's OpenAI-compatible endpoint: structured outputs through response_format.

Ollama ignores `tool_choice`, so a forced tool call is not guaranteed; json_schema is the
default and the constrained one.
"""

from __future__ import annotations

from llm_extract.backends.profile import Profile, register

PROFILE = register(
    Profile(name="ollama", default_model="llama3.1", default_base_url="http://127.0.0.1:11434/v1")
)
