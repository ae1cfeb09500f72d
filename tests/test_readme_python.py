"""The README's Python code runs as written (against the rules backend and a loopback
fake server standing in for OpenAI), so a snippet cannot rot into a NameError."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.conftest import ROOT
from tests.fake_server import FakeServer

README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.+?)\n```", README, flags=re.S)


def test_readme_python_blocks_run(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks()
    assert blocks, "the README shows Python usage"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LLM_EXTRACT_BACKEND", "rules")  # `extract()` with default settings
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-readme-not-a-key")
    with FakeServer() as server:
        monkeypatch.setenv("LLM_EXTRACT_BASE_URL", server.base_url)  # stands in for OpenAI
        for block in blocks:
            shown = io.StringIO()
            with contextlib.redirect_stdout(shown):
                exec(compile(block, "README.md", "exec", dont_inherit=True), {"__name__": "readme"})
            if "print(" in block:
                assert shown.getvalue().strip(), "the snippet printed nothing"
    assert server.model_requests, "the OpenAI part of the snippet reached the fake server"
