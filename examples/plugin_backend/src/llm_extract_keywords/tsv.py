"""The `tsv` output format: one tab-separated row per event, for a quick look in a terminal.

A format plugin is a `ResultWriter` subclass built as `Writer(path, resume=..., stream=...)`
(path None: write to the stream, default stdout). `write` is called once per document as it
finishes and must leave the file whole. This one does not resume: llm-extract refuses
`--resume` into a file it cannot read back, so nothing is lost.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

from llm_extract.models import ExtractionResult
from llm_extract.writers import DurableFile, ResultWriter

COLUMNS = (
    "doc_id",
    "event_id",
    "event_date",
    "sub_event_type",
    "location",
    "fatalities",
    "evidence",
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.split())  # no tab or newline can break a row


class TsvWriter(ResultWriter):
    """doc_id, event id, date, sub-event type, place, fatalities (best), evidence."""

    def __init__(
        self, path: Path | None, *, resume: bool = False, stream: IO[str] | None = None
    ) -> None:
        super().__init__(path)
        header = "\t".join(COLUMNS) + "\n"
        self._stream = stream
        self._file = DurableFile(path, header) if path is not None else None
        if self._file is None:
            (stream or sys.stdout).write(header)

    def write(self, result: ExtractionResult) -> None:
        rows = [
            [
                result.doc_id,
                event.id,
                event.date.start,
                event.sub_event_type.value,
                event.location.name,
                event.fatalities.best if event.fatalities else None,
                event.evidence[0] if event.evidence else None,
            ]
            for event in result.events
        ]
        text = "".join("\t".join(_cell(v) for v in row) + "\n" for row in rows)
        if self._file is not None:
            self._file.append(text)
        else:
            out = self._stream or sys.stdout
            out.write(text)
            out.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
