"""Benchmark 5: the embedded model, read from the recorded cassettes (not run live).

SmolLM2-135M on llama.cpp takes about half a minute per article on this kind of
machine, so its figures come from the cassettes the seed tests replay: the server's
`openai-processing-ms` header per request and the token usage in each response body.
"""

from __future__ import annotations

import json
import re
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
    """One seed article in one cassette: its requests summed (the probe left out).

    The `single` strategy sends one request per article; `sentences` sends one per
    candidate sentence, so `requests` says which it was.
    """

    cassette: str
    seed: str
    requests: int
    seconds: float
    prompt_tokens: int
    completion_tokens: int
    recorded_at: str

    @property
    def completion_tokens_per_s(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds else 0.0


_ARTICLE = re.compile(r"<article>\s*(.*?)\s*</article>", re.S)


def _header(headers: dict[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


def _squash(text: str) -> str:
    return " ".join(text.split())


def _seed_of(request_body: str, seeds: dict[str, str]) -> str | None:
    """The seed whose text holds the article (or sentence) of the request's last turn."""
    try:
        messages = json.loads(request_body).get("messages") or []
    except (json.JSONDecodeError, AttributeError):
        return None
    users = [str(m.get("content")) for m in messages if m.get("role") == "user"]
    found = _ARTICLE.search(users[-1]) if users else None
    if found is None:
        return None
    snippet = _squash(found.group(1))[:120]
    for name, text in seeds.items():
        if snippet and snippet in _squash(text):
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
    """One row per (cassette, seed article), requests summed; probes left out."""
    seeds = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    rows: dict[tuple[str, str], RecordedCall] = {}
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
            if seed is None:
                continue
            headers = response.get("headers") or {}
            ms = _header(headers, "openai-processing-ms")
            raw = (response.get("body") or {}).get("string") or "{}"
            usage = json.loads(raw).get("usage") or {}
            row = rows.setdefault(
                (name, seed),
                RecordedCall(name, seed, 0, 0.0, 0, 0, _header(headers, "date") or "?"),
            )
            row.requests += 1
            row.seconds += float(ms) / 1000.0 if ms else 0.0
            row.prompt_tokens += int(usage.get("prompt_tokens", 0))
            row.completion_tokens += int(usage.get("completion_tokens", 0))
    return list(rows.values())
