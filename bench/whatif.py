"""The fixes proposed in BENCHMARKS.md, applied in-process for one measurement.

They belong in files this package does not own (llm_extract/draft.py, prompts.py), so
they are patched here only inside `proposed_fixes()` and undone on exit, to show what
each benchmark would measure with them. Nothing outside the `with` block sees a change.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# `llm_extract.extract` the module is shadowed by the function of that name on the package.
draft_module = importlib.import_module("llm_extract.draft")
extract_module = importlib.import_module("llm_extract.extract")
prompts_module = importlib.import_module("llm_extract.prompts")


@contextmanager
def proposed_fixes() -> Iterator[None]:
    """schema_hash memoised; Jinja templates compiled once per source string."""
    saved_hash = getattr(extract_module, "schema_hash")  # noqa: B009
    env = prompts_module._ENV
    had_own = "from_string" in vars(env)
    cached_hash = functools.lru_cache(maxsize=None)(draft_module.schema_hash)
    compile_once: Any = functools.lru_cache(maxsize=64)(env.from_string)
    setattr(extract_module, "schema_hash", cached_hash)  # noqa: B010
    setattr(env, "from_string", compile_once)  # noqa: B010
    try:
        yield
    finally:
        setattr(extract_module, "schema_hash", saved_hash)  # noqa: B010
        if not had_own:
            del env.from_string
