"""Guards around an output file, so a batch never loses finished work by accident.

- One writer at a time: an exclusive `flock` on `<output>.lock` beside the output, held
  for the whole run; a second run on the same file stops at once with exit 2.
- No silent truncation: an existing, non-empty output is only replaced with `overwrite`,
  or continued with `resume`; with neither the run stops before touching it.
- Resume only into the same format: `--resume --format json` on a JSONL file would rewrite
  it as something else, so the file's format is read back and must match.
- The format follows the output's extension (`.csv`, `.json`, `.jsonl`) unless given;
  a plugin's format (`llm_extract.formats` entry points) is chosen by name only.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from llm_extract import registry
from llm_extract.errors import LLMExtractError

try:  # POSIX; elsewhere runs go unlocked (documented in the README)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

OutputFormat = str  # a name in the formats registry (`llm_extract.registry.FORMATS`)
FORMATS: tuple[OutputFormat, ...] = ("jsonl", "json", "csv", "parquet")  # the built-ins
FORMAT_BY_SUFFIX: dict[str, OutputFormat] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".parquet": "parquet",
}
CSV_FIRST_COLUMN = "event_id_cnty"
_SNIFF_CHARS = 4096


class OutputError(LLMExtractError):
    """The output cannot be written safely (exit code 2 on the CLI; nothing was lost)."""

    stage = "output"


def infer_format(path: Path | None, given: str | None = None) -> OutputFormat:
    """`given` if set, else the output's extension (`.csv`, `.json`, `.jsonl`), else JSONL."""
    if given is not None:
        if given not in registry.FORMATS.names():
            registry.FORMATS.load(given)  # raises, naming the installed formats
        return given
    if path is None:
        return "jsonl"
    return FORMAT_BY_SUFFIX.get(path.suffix.lower(), "jsonl")


def sniff_format(path: Path) -> OutputFormat | Literal["empty", "unknown"]:
    """What an existing output holds, from its first characters."""
    with path.open("rb") as raw:
        data = raw.read(_SNIFF_CHARS)
    if data.startswith(b"PAR1"):
        return "parquet"
    head = data.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not head:
        return "empty"
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        return "jsonl"
    if head.startswith(CSV_FIRST_COLUMN):
        return "csv"
    return "unknown"


def check_existing(path: Path, fmt: OutputFormat, *, resume: bool, overwrite: bool) -> None:
    """Refuse, before anything is written, to replace or mix up an existing output."""
    if not path.exists():
        return
    if fmt == "parquet":  # a folder of part files: its writer checks what it holds
        if path.is_dir() and any(path.iterdir()) and not (resume or overwrite):
            raise OutputError(
                f"{path} already exists; pass --resume to continue it or --overwrite to replace it"
            )
        return
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name with -o")
    if not os.access(path, os.W_OK):
        raise OutputError(f"{path} is not writable")
    if resume:
        found = sniff_format(path)
        if found == "unknown":
            raise OutputError(
                f"{path} does not look like llm-extract output; not resuming into it "
                "(the file was not changed)"
            )
        if found not in ("empty", fmt):
            raise OutputError(
                f"{path} holds {found} output, not {fmt}; resume with --format {found} "
                "(the file was not changed)"
            )
        return
    if not overwrite and path.stat().st_size > 0:
        raise OutputError(
            f"{path} already exists; pass --resume to continue it or --overwrite to replace it"
        )


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def output_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `<path>.lock` for the block; fail at once if taken.

    The lock file is removed on release. A lock file left by a killed run is harmless:
    the kernel drops a dead process's lock, so the next run takes it.
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    target = lock_path(path)
    blocker = next((p for p in path.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise OutputError(f"cannot write {path}: {blocker} is a file, not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(10):
        fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(
                f"{path} is being written by another llm-extract run (it holds {target}); "
                "wait for it to finish or write to another file"
            ) from None
        try:
            same = os.stat(target).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a file the previous holder unlinked as we opened it
            break
        os.close(fd)
    else:  # pragma: no cover - ten lost races in a row
        raise OutputError(f"could not lock {target}")
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            target.unlink()
        os.close(fd)


def describe_os_error(exc: OSError, path: Path | None) -> str:
    """One line for an OSError on the output: which file and why."""
    where = exc.filename or path
    return f"cannot write {where}: {exc.strerror or exc}"


def new_file_mode(path: Path) -> int:
    """The mode for a file written at `path`: the old file's if it exists (a rerun keeps
    what the user set), else what `open()` would give (0666 less the umask).

    Outputs and the run log follow the umask alike; `umask 077` makes both private.
    """
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask
