"""The tests' fake server, run in a child process for benchmarks.

In a thread of the benchmark process the server's request handling would take the GIL
from the client being measured and inflate every client-side figure, so it runs in its
own process (spawned, so it starts clean) and is asked over a pipe how many model
requests it has seen. `kind="langextract"` answers in langextract's output format
instead of the Draft shape (see `LangextractFakeServer`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from tests.fake_server import (
    FakeServer,
    _Handler,
    first_sentence,
    last_user_message,
    schema_name,
)

ServerKind = Literal["draft", "langextract"]
ROOT = Path(__file__).resolve().parent.parent
_LAST_QUESTION = re.compile(r"Q: (.*?)\nA: ?\s*$", re.S)


class _Listener(ThreadingHTTPServer):
    """socketserver's listen backlog is 5: at concurrency 16 new connections overflow
    it and the kernel drops SYNs, which the client only retries after a second."""

    request_queue_size = 256
    daemon_threads = True


class BenchServer(FakeServer):
    """`FakeServer` with a listen backlog large enough for concurrent clients.

    `tests/fake_server.py` is not ours to edit, so `start` is repeated here with the
    one change (the listener class).
    """

    def start(self) -> BenchServer:
        server = self

        class Handler(_Handler):
            fake = server

        self._stopping.clear()
        self._httpd = _Listener(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self


class LangextractFakeServer(BenchServer):
    """Answers langextract's prompts with its own JSON format: one `event` extraction.

    The extraction quotes the first sentence of the chunk after the prompt's last "Q: ",
    so langextract's aligner finds it in the source text, as with a real model.
    """

    def answer_arguments(self, body: dict[str, Any], outcome: str) -> tuple[str, str]:
        if schema_name(body) == "ProbeAnswer":
            return super().answer_arguments(body, outcome)
        prompt = last_user_message(body)
        found = _LAST_QUESTION.search(prompt)
        chunk = found.group(1) if found else prompt
        sentence = first_sentence(chunk)
        payload = {
            "extractions": [
                {"event": sentence, "event_attributes": {"sub_event_type": "Armed clash"}}
            ]
        }
        return json.dumps(payload, ensure_ascii=False), "stop"


def serve(latency: float, kind: ServerKind, seed: int) -> None:
    """Child side: print the base URL, then answer one JSON line per command line."""
    cls = LangextractFakeServer if kind == "langextract" else BenchServer
    with cls(latency=latency, seed=seed) as server:
        print(json.dumps(server.base_url), flush=True)
        for line in sys.stdin:
            command = line.strip()
            reply: Any = None
            if command == "stop" or not command:
                break
            if command == "model_requests":
                reply = len(server.model_requests)
            elif command == "last_body":
                requests = server.model_requests
                reply = requests[-1].body if requests else None
            elif command == "span":  # monotonic arrival of the first and last model request
                times = [r.at for r in server.model_requests]
                reply = [min(times), max(times)] if times else None
            elif command == "reset":
                server.requests.clear()
                reply = 0
            print(json.dumps(reply), flush=True)


class ServerProcess:
    """A bench fake server in a child Python process; use as a context manager.

    A plain subprocess (not multiprocessing) so the caller's main module is never
    re-imported in the child.
    """

    def __init__(self, latency: float = 0.0, *, kind: ServerKind = "draft", seed: int = 0):
        self.latency = latency
        self.kind = kind
        self.seed = seed
        self.base_url = ""
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> ServerProcess:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.server", str(self.latency), self.kind, str(self.seed)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        assert self._process.stdout is not None
        first = self._process.stdout.readline()
        if not first:
            raise RuntimeError("fake server process exited before printing its address")
        self.base_url = str(json.loads(first))
        return self

    def _ask(self, command: str) -> Any:
        if self._process is None or self._process.stdin is None or self._process.stdout is None:
            raise RuntimeError("server not started")
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        return json.loads(self._process.stdout.readline())

    def model_requests(self) -> int:
        """Requests the server has answered, the constraint probe excluded."""
        return int(self._ask("model_requests"))

    def last_body(self) -> dict[str, Any] | None:
        """The JSON body of the last model request, exactly as the server received it."""
        body = self._ask("last_body")
        return body if isinstance(body, dict) else None

    def span(self) -> tuple[float, float] | None:
        """`time.monotonic()` (system-wide on Linux) at which the first and the last model
        request arrived, since the last `reset`; None if none did."""
        got = self._ask("span")
        return (float(got[0]), float(got[1])) if got else None

    def reset(self) -> None:
        """Forget recorded requests (the server keeps every body in memory)."""
        self._ask("reset")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.stdin is not None:
                process.stdin.write("stop\n")
                process.stdin.close()
            process.wait(timeout=10)
        except (BrokenPipeError, OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait(timeout=5)
        finally:
            if process.stdout is not None:
                process.stdout.close()

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


if __name__ == "__main__":
    serve(float(sys.argv[1]), sys.argv[2], int(sys.argv[3]))  # type: ignore[arg-type]
