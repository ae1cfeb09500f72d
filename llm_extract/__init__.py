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

__all__ = [
    "Actor",
    "Casualty",
    "Count",
    "DateRange",
    "Document",
    "Event",
    "ExtractionResult",
    "Location",
    "__version__",
]
