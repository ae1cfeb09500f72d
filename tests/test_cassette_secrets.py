"""Cassettes are committed: they must never hold a key, a bearer token or an org id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CASSETTES, SECRET_HEADERS, _scrub_response

SECRET_PATTERNS = {
    "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9_\-]{12,}"),
    "bearer token": re.compile(r"(?i)bearer\s+[A-Za-z0-9_\-\.=]{8,}"),
    "organisation id": re.compile(r"\borg-[A-Za-z0-9]{8,}"),
    "project id": re.compile(r"\bproj_[A-Za-z0-9]{8,}"),
    "secret header": re.compile(
        r"(?im)^\s*-?\s*(" + "|".join(re.escape(h) for h in SECRET_HEADERS) + r")\s*:"
    ),
}


def scan(text: str) -> list[str]:
    return [name for name, pattern in SECRET_PATTERNS.items() if pattern.search(text)]


def cassette_files() -> list[Path]:
    return sorted(CASSETTES.rglob("*.yaml"))


def test_cassettes_exist() -> None:
    assert cassette_files(), "no cassettes recorded; see scripts/rerecord.sh"


@pytest.mark.parametrize("path", cassette_files(), ids=lambda p: p.name)
def test_cassette_has_no_secret(path: Path) -> None:
    found = scan(path.read_text(encoding="utf-8"))
    assert not found, f"{path}: contains {', '.join(found)}"


@pytest.mark.parametrize(
    "leak",
    [
        "Authorization: Bearer abcdefgh12345678",
        "headers:\n  api-key:\n  - 0123456789abcdef",
        "key sk-proj-ABCDEFGHIJKLMNOPQRST",
        "openai-organization: org-ABCDEFGHIJKL",
    ],
)
def test_scanner_catches_leaks(leak: str) -> None:
    assert scan(leak)


def test_scrubber_removes_response_secrets() -> None:
    response = {"headers": {"Set-Cookie": ["x=1"], "openai-organization": ["org-1"], "a": ["b"]}}
    assert _scrub_response(response)["headers"] == {"a": ["b"]}
