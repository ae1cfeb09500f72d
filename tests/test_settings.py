"""One settings object, from defaults, a TOML file, environment variables and keywords."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_extract.settings import Settings


def test_defaults_use_the_embedded_model() -> None:
    s = Settings()
    assert (s.backend, s.temperature, s.seed, s.prompt) == ("embedded", 0.0, 0, "extract_v1")


def test_toml_then_env_then_keywords(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "llm-extract.toml"
    config.write_text('backend = "ollama"\nmodel = "qwen2.5"\ntemperature = 0.3\nseed = 7\n')
    monkeypatch.setenv("LLM_EXTRACT_CONFIG", str(config))
    assert (Settings().backend, Settings().model, Settings().seed) == ("ollama", "qwen2.5", 7)
    monkeypatch.setenv("LLM_EXTRACT_MODEL", "llama3.1")
    assert Settings().model == "llama3.1"
    assert Settings(model="mistral").model == "mistral"
    assert Settings().temperature == 0.3


def test_unknown_setting_is_an_error() -> None:
    with pytest.raises(ValueError):
        Settings(modle="typo")  # type: ignore[call-arg]


def test_masked_settings_never_show_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", "sk-very-secret-value-123")
    s = Settings(backend="openai", api_key_env="MY_KEY")
    shown = str(s.masked())
    assert "sk-very-secret-value-123" not in shown
    assert s.masked()["api_key"] == "***set***"
    assert "sk-very-secret" not in s.model_dump_json()
