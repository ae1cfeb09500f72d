"""Folding for the normalisers: the text layer's one fold (`llm_extract.text.fold`)."""

from __future__ import annotations

from llm_extract.text.fold import fold, fold_char, fold_with_map, name_key

__all__ = ["fold", "fold_char", "fold_with_map", "name_key"]
