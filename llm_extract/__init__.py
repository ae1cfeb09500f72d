"""llm-extract: conflict news articles to typed, evidence-grounded ACLED-style records."""

from llm_extract.errors import (
    BackendUnreachableError,
    ConfigurationError,
    LLMExtractError,
    MissingExtraError,
    RunAbortedError,
    ValidationExhaustedError,
)
from llm_extract.extract import Extractor, aextract, extract
from llm_extract.models import (
    Actor,
    Casualty,
    Count,
    DateRange,
    Document,
    Event,
    Evidence,
    ExtractionResult,
    Location,
)
from llm_extract.records import Records
from llm_extract.settings import Settings
from llm_extract.version import __version__

__all__ = [
    "Actor",
    "BackendUnreachableError",
    "Casualty",
    "ConfigurationError",
    "Count",
    "DateRange",
    "Document",
    "Event",
    "Evidence",
    "ExtractionResult",
    "Extractor",
    "LLMExtractError",
    "Location",
    "MissingExtraError",
    "Records",
    "RunAbortedError",
    "Settings",
    "ValidationExhaustedError",
    "__version__",
    "aextract",
    "extract",
]
