"""Async helpers: run a coroutine from sync code (also inside a running loop), and run
many with a bound on how many are in flight."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")
_END: Any = object()


def run_sync(coro: Awaitable[T]) -> T:
    """Run a coroutine from sync code, also inside a running loop (e.g. Jupyter)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)  # type: ignore[arg-type]
    box: dict[str, Any] = {}

    def _target() -> None:
        try:
            box["value"] = asyncio.run(coro)  # type: ignore[arg-type]
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=_target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


async def bounded(
    items: Iterable[A],
    start: Callable[[A], Awaitable[R]],
    slots: int,
    *,
    refuse: Callable[[A], R | None] | None = None,
) -> AsyncIterator[R]:
    """`start(item)` for each item, at most `slots` in flight; results in completion order.

    Items are pulled from the iterable only as slots free up, so a generator over a huge
    input is never read ahead: memory stays flat however many items come. `refuse(item)`
    may answer an item at once instead of starting it (e.g. once a run is stopped), so
    none is silently dropped. Tasks still in flight are cancelled if the caller stops.
    """
    source = iter(items)
    pending: set[asyncio.Task[R]] = set()
    try:
        while True:
            while len(pending) < slots:
                item = next(source, _END)
                if item is _END:
                    break
                answer = refuse(item) if refuse is not None else None
                if answer is not None:
                    yield answer
                    continue
                pending.add(asyncio.ensure_future(start(item)))
            if not pending:
                return
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                yield task.result()
    finally:
        for task in pending:
            task.cancel()
