"""Error records: a failed document keeps its place in the output, saying why.

Messages are redacted (`llm_extract.redact`) before they are stored: a server's error body
may echo the API key.
"""

from __future__ import annotations

from llm_extract.errors import LLMExtractError
from llm_extract.models import ErrorInfo, ExtractionResult, Provenance, Usage
from llm_extract.redact import redact
from llm_extract.retry import api_error


def error_result(
    doc_id: str, exc: BaseException, provenance: Provenance | None, stage: str | None = None
) -> ExtractionResult:
    """An error record: which document, at which stage, why, after how many attempts.

    `attempts` is the number of model requests sent for the document (transport retries
    and validation re-asks included); `usage` is what they cost, when the error says.
    """
    usage = getattr(exc, "usage", None)
    return ExtractionResult(
        doc_id=doc_id,
        status="error",
        provenance=provenance,
        usage=usage if isinstance(usage, Usage) else Usage(),
        error=ErrorInfo(
            stage=stage or _stage_of(exc),
            type=type(exc).__name__,
            message=redact(str(exc)),
            attempts=int(getattr(exc, "attempts", 1) or 1),
        ),
    )


def _stage_of(exc: BaseException) -> str:
    if isinstance(exc, LLMExtractError):
        return exc.stage
    if api_error(exc) is not None:  # e.g. 400/401 from the server: not retried
        return "transport"
    return "extract"
