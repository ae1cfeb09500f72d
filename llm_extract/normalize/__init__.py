"""Deterministic normalisation: what code decides so the model does not have to.

Counts (FORMAT.md's low/best/high table), dates (relative to publication), actor names
(ACLED style) and places (hand-made gazetteer, then GeoNames' world layer) are resolved
by fixed rules, so the same phrase always gives the same record and the rules match the
gold annotation's.
"""

from llm_extract.normalize.actors import ActorInfo, actor_info, canonical_actor
from llm_extract.normalize.counts import (
    count_supported,
    find_count_phrase,
    parse_count,
    victim_groups,
)
from llm_extract.normalize.dates import resolve_date
from llm_extract.normalize.locations import (
    WORLD,
    Gazetteer,
    JsonGazetteer,
    LayeredGazetteer,
    Place,
    WorldGazetteer,
    configured_gazetteer,
    find_place,
    get_gazetteer,
    is_common_word,
    normalize_location,
    own_gazetteer,
    set_gazetteer,
    shipped_gazetteer,
)
from llm_extract.normalize.text import fold, fold_with_map, name_key

__all__ = [
    "WORLD",
    "ActorInfo",
    "Gazetteer",
    "JsonGazetteer",
    "LayeredGazetteer",
    "Place",
    "WorldGazetteer",
    "actor_info",
    "canonical_actor",
    "configured_gazetteer",
    "count_supported",
    "find_count_phrase",
    "find_place",
    "fold",
    "fold_with_map",
    "get_gazetteer",
    "is_common_word",
    "name_key",
    "normalize_location",
    "own_gazetteer",
    "parse_count",
    "resolve_date",
    "set_gazetteer",
    "shipped_gazetteer",
    "victim_groups",
]
