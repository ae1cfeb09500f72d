"""Deterministic normalisation: what code decides so the model does not have to.

Counts (FORMAT.md's low/best/high table), dates (relative to publication), actor names
(ACLED style) and places (gazetteer) are resolved by fixed rules, so the same phrase
always gives the same record and the rules match the gold annotation's.
"""

from llm_extract.normalize.actors import ActorInfo, actor_info, canonical_actor
from llm_extract.normalize.counts import count_supported, find_count_phrase, parse_count
from llm_extract.normalize.dates import resolve_date
from llm_extract.normalize.locations import (
    Gazetteer,
    JsonGazetteer,
    Place,
    get_gazetteer,
    normalize_location,
    set_gazetteer,
)
from llm_extract.normalize.text import fold, fold_with_map, name_key

__all__ = [
    "ActorInfo",
    "Gazetteer",
    "JsonGazetteer",
    "Place",
    "actor_info",
    "canonical_actor",
    "count_supported",
    "find_count_phrase",
    "fold",
    "fold_with_map",
    "get_gazetteer",
    "name_key",
    "normalize_location",
    "parse_count",
    "resolve_date",
    "set_gazetteer",
]
