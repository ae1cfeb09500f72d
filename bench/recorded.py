"""Benchmark 5: the embedded model, read from the recorded cassettes (not run live).

SmolLM2-135M on llama.cpp takes about half a minute per article on this kind of
machine, so its figures come from the cassettes the seed tests replay: the server's
`openai-processing-ms` header per request and the token usage in each response body.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.docs import ROOT, SEEDS

CASSETTES = ROOT / "cassettes" / "test_recorded_seeds"


@dataclass
class RecordedCall:
    cassette: str
    seed: str
    seconds: float
    prompt_tokens: int
    completion_tokens: int
    recorded_at: str

    @property
    def completion_tokens_per_s(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds else 0.0


def _header(headers: dict[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


def _seed_of(request_body: str, seeds: dict[str, str]) -> str | None:
    for name, text in seeds.items():
        probe = text.strip().split("\n", 1)[0][:80]
        if probe and json.dumps(probe)[1:-1] in request_body:
            return name
    return None


def cassettes(folder: Path = CASSETTES) -> Iterator[tuple[str, str, str]]:
    """(name, YAML text, where from): the working tree's, else the last committed ones.

    A re-recording in progress deletes the files first; the committed ones still hold a
    complete recording.
    """
    files = sorted(folder.glob("*.yaml"))
    if files:
        for path in files:
            yield path.stem, path.read_text(encoding="utf-8"), "working tree"
        return
    rel = folder.relative_to(ROOT).as_posix()
    git = ["git", "-C", str(ROOT)]
    try:
        listed = subprocess.run([*git, "ls-tree", "--name-only", "HEAD", f"{rel}/"],
                                capture_output=True, text=True, check=True).stdout  # fmt: skip
        for name in sorted(n for n in listed.split() if n.endswith(".yaml")):
            text = subprocess.run([*git, "show", f"HEAD:{name}"],
                                  capture_output=True, text=True, check=True).stdout  # fmt: skip
            yield Path(name).stem, text, "git HEAD"
    except (OSError, subprocess.CalledProcessError):
        return


def read(folder: Path = CASSETTES) -> list[RecordedCall]:
    """One row per extraction request (the constraint probe is left out)."""
    seeds = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    calls: list[RecordedCall] = []
    for name, text, _where in cassettes(folder):
        data = yaml.safe_load(text) or {}
        for item in data.get("interactions", []):
            request, response = item.get("request", {}), item.get("response", {})
            body = request.get("body") or ""
            body = body.decode() if isinstance(body, bytes) else str(body)
            if not str(request.get("uri", "")).endswith("/chat/completions"):
                continue
            if "ProbeAnswer" in body:
                continue
            seed = _seed_of(body, seeds)
            headers = response.get("headers") or {}
            ms = _header(headers, "openai-processing-ms")
            raw = (response.get("body") or {}).get("string") or "{}"
            usage = json.loads(raw).get("usage") or {}
            calls.append(
                RecordedCall(
                    cassette=name,
                    seed=seed or "?",
                    seconds=float(ms) / 1000.0 if ms else 0.0,
                    prompt_tokens=int(usage.get("prompt_tokens", 0)),
                    completion_tokens=int(usage.get("completion_tokens", 0)),
                    recorded_at=_header(headers, "date") or "?",
                )
            )
    return calls
