"""Rules: events, casualties and actors read from an article without a model.

The offline baseline every model is compared with, and the reusable pieces (trigger
lexicons, actor and place scanners, casualty clauses) a per-sentence model strategy can
use to pick and pre-fill candidates. Lexicons are data: `llm_extract/data/lexicons.json`.
"""

from llm_extract.rules.actors import ActorMention, countries_named, find_actors, scan_actors
from llm_extract.rules.casualties import CasualtyClause, find_casualties
from llm_extract.rules.dates import find_date_phrase
from llm_extract.rules.events import EventMention, assign_roles, realis, sentence_events
from llm_extract.rules.extract import build_draft
from llm_extract.rules.lexicon import Lexicon, lexicon
from llm_extract.rules.places import PlaceMention, best_place, province_in, scan_places

RULES_VERSION = "rules-v11"

__all__ = [
    "RULES_VERSION",
    "ActorMention",
    "CasualtyClause",
    "EventMention",
    "Lexicon",
    "PlaceMention",
    "assign_roles",
    "best_place",
    "build_draft",
    "countries_named",
    "find_actors",
    "find_casualties",
    "find_date_phrase",
    "lexicon",
    "province_in",
    "realis",
    "scan_actors",
    "scan_places",
    "sentence_events",
]
