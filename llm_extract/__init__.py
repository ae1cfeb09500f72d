"""llm-extract: conflict news articles to typed, evidence-grounded ACLED-style records."""

from llm_extract.models import (
    Actor,
    Casualty,
    Count,
    DateRange,
    Document,
    Event,
    ExtractionResult,
    Location,
)

__version__ = "0.1.0"

from llm_extract.errors import (
    BackendUnreachableError,
    ConfigurationError,
    LLMExtractError,
    MissingExtraError,
    RunAbortedError,
    ValidationExhaustedError,
)
from llm_extract.extract import Extractor, aextract, extract
from llm_extract.settings import Settings

__all__ = [
    "Actor",
    "BackendUnreachableError",
    "Casualty",
    "ConfigurationError",
    "Count",
    "DateRange",
    "Document",
    "Event",
    "ExtractionResult",
    "Extractor",
    "LLMExtractError",
    "Location",
    "MissingExtraError",
    "RunAbortedError",
    "Settings",
    "ValidationExhaustedError",
    "__version__",
    "aextract",
    "extract",
]
