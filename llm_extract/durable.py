"""Durable files for the writers: atomic replacement and group-committed appends.

`atomic_write_text` replaces a file so readers see the old or the new one, never half.
`DurableFile` only grows at its end, in groups: changes are buffered and made durable by
`commit` (one write loop, one fsync), which is what lets an output cost one fsync per
group instead of one per document (see `llm_extract.writers` for the crash guarantee).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from llm_extract.output_guard import new_file_mode

GROUP_RECORDS = 100
"""Documents buffered at most before a commit (one write and one fsync)."""
GROUP_SECONDS = 1.0
"""Seconds a buffered document waits at most before its commit."""


def atomic_write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` so readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = new_file_mode(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)  # mkstemp makes 0600; outputs follow the umask like the run log
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class DurableFile:
    """A file that starts as `initial` (written atomically) and then only grows at its end.

    Changes are buffered in memory (`append`, `replace_tail`) and made durable by `commit`:
    one unbuffered write loop from the first changed byte, then one fsync. A failed commit
    keeps the buffer, so committing again rewrites the same bytes at the same offset (never
    a duplicate); a killed process leaves the last committed state plus at most a torn
    part of the group being written.
    """

    def __init__(self, path: Path, initial: str) -> None:
        atomic_write_text(path, initial)
        self._fd: int | None = os.open(path, os.O_WRONLY)
        self.size = len(initial.encode("utf-8"))
        """Bytes made durable."""
        self._start = self.size  # where the buffered bytes go
        self._pending = bytearray()

    @property
    def dirty(self) -> bool:
        return bool(self._pending) or self._start != self.size

    def replace_tail(self, drop: int, text: str) -> None:
        """Replace the last `drop` bytes with `text` (which is never shorter)."""
        end = self._start + len(self._pending)
        cut = end - drop
        if cut >= self._start:
            del self._pending[cut - self._start :]
        else:
            self._start = cut
            self._pending.clear()
        self._pending += text.encode("utf-8")

    def append(self, text: str) -> None:
        self.replace_tail(0, text)

    def commit(self) -> None:
        """Write the buffered changes and fsync; nothing to do when there are none."""
        if not self.dirty:
            return
        assert self._fd is not None, "file is closed"
        data = memoryview(bytes(self._pending))
        offset = self._start
        while data:
            written = os.pwrite(self._fd, data, offset)
            data, offset = data[written:], offset + written
        os.fsync(self._fd)
        self.size = self._start = offset
        self._pending.clear()

    def close(self) -> None:
        if self._fd is not None:
            try:
                self.commit()
            finally:
                os.close(self._fd)
                self._fd = None
