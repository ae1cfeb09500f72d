"""langextract's side of the peer comparison, run by the interpreter that has it.

Usage: python -m bench.peer_langextract BASE_URL DOCS.json WORKERS -> one JSON line
{"n", "seconds", "extractions", "version"} on stdout. Imports nothing from llm_extract,
so it runs in a separate environment holding langextract and its dependencies.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(base_url: str, docs_path: str, workers: int) -> None:
    import langextract as lx

    docs = json.loads(Path(docs_path).read_text(encoding="utf-8"))
    examples = [
        lx.data.ExampleData(
            text="Government forces clashed with rebels near Idlib on Monday, killing 12.",
            extractions=[
                lx.data.Extraction(
                    extraction_class="event",
                    extraction_text="Government forces clashed with rebels near Idlib",
                    attributes={"sub_event_type": "Armed clash"},
                )
            ],
        )
    ]

    def run(batch: list[dict[str, str]]) -> int:
        documents = [lx.data.Document(text=d["text"], document_id=d["id"]) for d in batch]
        results = lx.extract(
            text_or_documents=documents,
            prompt_description="Extract political violence events, quoting the text.",
            examples=examples,
            model_id="gpt-4o-mini",
            api_key="bench",
            language_model_params={"base_url": base_url},
            fence_output=False,
            use_schema_constraints=False,
            max_char_buffer=20_000,  # one request per article, as llm-extract sends
            batch_length=workers,
            max_workers=workers,
            show_progress=False,
            prompt_validation_level=lx.prompt_validation.PromptValidationLevel.OFF,
        )
        return sum(len(r.extractions or []) for r in results)

    run(docs[:workers])  # warm-up: imports, connection pool
    t0 = time.perf_counter()
    found = run(docs)
    seconds = time.perf_counter() - t0
    version = getattr(lx, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version

        version = dist_version("langextract")
    print(json.dumps({"n": len(docs), "seconds": seconds, "extractions": found,
                      "version": version}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
