"""One settings object for the Python API and the CLI.

Values come, in rising priority, from defaults, a TOML file (`llm-extract.toml` in the
working directory, or the path in `LLM_EXTRACT_CONFIG`), environment variables with the
prefix `LLM_EXTRACT_`, and keyword arguments. The API key itself is never a setting: only
the *name* of the environment variable that holds it, so settings can be printed, cached
and logged without leaking a secret.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from llm_extract.errors import ConfigurationError
from llm_extract.records import Records

DEFAULT_CONFIG_FILE = "llm-extract.toml"


class Settings(BaseSettings):
    """Everything that decides what is sent to which model, and how results are kept."""

    model_config = SettingsConfigDict(
        env_prefix="LLM_EXTRACT_", extra="forbid", validate_assignment=True
    )

    backend: str = Field(
        "embedded",
        description="Backend profile: embedded, llamacpp, openai, azure, ollama, vllm, rules.",
    )
    model: str | None = Field(None, description="Model name; each backend has a default.")
    base_url: str | None = Field(None, description="OpenAI-compatible base URL (…/v1).")
    api_key_env: str | None = Field(
        None, description="Name of the environment variable holding the API key."
    )
    mode: str | None = Field(
        None, description="Structured-output mode: tools, json_schema or json_object."
    )
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 1536
    timeout: float = Field(
        60.0, gt=0, description="Deadline in seconds for one HTTP request, start to last byte."
    )
    strategy: str | None = Field(
        None,
        description="single: one call per article; sentences: rules read the fields and the "
        "model labels each candidate sentence; or a strategy a plugin registers "
        "(llm_extract.drafters). Default: the backend's (sentences for embedded).",
    )
    arbiter: Literal["code", "model"] = Field(
        "code", description="Who wins when the model's label and the rules' reading disagree."
    )
    prompt: str = Field("extract_v1", description="Prompt template id (a folder in prompts/).")
    prompts_dir: Path | None = Field(None, description="Extra folder searched for templates.")
    records: Annotated[Records, NoDecode] = Field(  # env: module:Class[,module:Class]
        default_factory=Records,
        description="Record classes: subclasses of Event, Actor or Casualty (or module:Class "
        "names) whose added fields the model fills and the outputs carry.",
    )
    gazetteer: Path | None = Field(
        None,
        description="Your own places: a JSON file laid out like data/places.json, looked up "
        "before the shipped gazetteer when extracting, consolidating and exporting.",
    )
    few_shot: bool = True
    validation_retries: int = Field(2, ge=0, description="Re-asks after invalid output.")
    transport_retries: int = Field(4, ge=0, description="Retries after 429/5xx/timeouts.")
    transport_max_wait: float = Field(
        120.0,
        description="Total seconds one request may spend retrying, backoff included "
        "(at least 1.5 x the timeout unless set, so a timed-out request is retried).",
    )
    max_connection_failures: int = Field(
        5, ge=1, description="Consecutive connection failures or timeouts that stop the run."
    )
    retry_initial: float = Field(
        0.5, ge=0, description="First transport backoff in seconds; doubles, plus jitter."
    )
    retry_max_backoff: float = Field(20.0, ge=0, description="Longest single backoff (s).")
    token_budget: int | None = Field(None, description="Max tokens per document, all attempts.")
    document_timeout: float | None = Field(
        None, gt=0, description="Seconds one document may take, all its requests together."
    )
    cache: bool = Field(True, description="Reuse results for unchanged inputs and settings.")
    cache_dir: Path | None = Field(
        None, description="Result cache folder (default: the user cache dir)."
    )
    price_table: Path | None = Field(
        None, description="JSON of USD per 1M input/output tokens by model (default: shipped)."
    )
    runlog: bool = Field(True, description="Record every model call in a SQLite run log.")
    runlog_path: Path | None = Field(
        None, description="Run log database (default: runlog.sqlite3 in the user data dir)."
    )
    log_payloads: bool = Field(
        False, description="Also store prompts and responses in the run log."
    )
    keep_ungrounded: bool = False
    include_text: bool = Field(
        False, description="Carry each article's text in its result (for review and eval)."
    )
    chunk_chars: int = Field(
        6000,
        ge=0,
        description="Split longer articles into chunks of this many characters (0: off).",
    )
    chunk_overlap: int = Field(400, ge=0, description="Characters repeated between chunks.")
    concurrency: int = Field(4, ge=1)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = os.environ.get("LLM_EXTRACT_CONFIG", DEFAULT_CONFIG_FILE)
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
        )

    def api_key(self) -> str | None:
        """The key read from the named environment variable, never stored on the object."""
        return os.environ.get(self.api_key_env) if self.api_key_env else None

    def masked(self) -> dict[str, Any]:
        """Effective settings for display, with the key shown only as set/unset and any
        password in `base_url` (`https://user:secret@host/v1`) masked."""
        data = self.model_dump(mode="json")
        if self.base_url:
            data["base_url"] = mask_url(self.base_url)
        if self.api_key_env:
            data["api_key"] = "***set***" if self.api_key() else "(unset)"
        return data


def mask_url(url: str) -> str:
    """`url` with the password of its userinfo (and a lone user token) replaced by ***."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, has_password, _ = userinfo.partition(":")
    shown = f"{user}:***" if has_password else "***"
    return urlunsplit(parts._replace(netloc=f"{shown}@{host}"))


def load_settings(**given: Any) -> Settings:
    """`Settings` from the options given (None means not given) over env and TOML.

    Every way loading can fail becomes a `ConfigurationError` with one line to show.
    """
    overrides = {k: v for k, v in given.items() if v is not None}
    config = os.environ.get("LLM_EXTRACT_CONFIG", DEFAULT_CONFIG_FILE)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        where = f" (check {config} and LLM_EXTRACT_* variables)" if Path(config).is_file() else ""
        raise ConfigurationError(f"invalid settings: {problems}{where}") from exc
    except ValueError as exc:  # tomllib.TOMLDecodeError (tomli's on 3.10) is a ValueError
        raise ConfigurationError(f"{config} is not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigurationError(f"cannot read {config}: {exc.strerror or exc}") from exc
