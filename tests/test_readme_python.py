"""The README's Python code runs as written (against the rules backend and a loopback
fake server standing in for OpenAI), so a snippet cannot rot into a NameError.

Every ```python block runs. The ```bash blocks are not run here: the two set-up commands
install the package and run this suite (CI runs the second verbatim, `test_readme.py`
checks it), and the others call a live model server or API key, the MUC-4 data (not in
the repository), a browser download or the re-recording script; their commands are the
CLI's, which its own tests cover (`test_plugins.py` runs the plugin's). The ```json block
is an abridged output sample; the ```toml block must be the plugin example's own entry
points (checked below)."""

from __future__ import annotations

import contextlib
import io
import re
import sys

import pytest

from tests.conftest import ROOT
from tests.fake_server import FakeServer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.+?)\n```", README, flags=re.S)


def test_every_code_block_is_a_kind_this_file_accounts_for() -> None:
    """A ```py or ```pycon block would escape `python_blocks`; say so rather than skip it."""
    kinds = re.findall(r"^```(\S+)$", README, flags=re.M)
    assert set(kinds) <= {"python", "bash", "json", "toml"}, kinds


def test_readme_toml_is_the_plugin_examples_entry_points() -> None:
    blocks = re.findall(r"```toml\n(.+?)\n```", README, flags=re.S)
    shown = [tomllib.loads(block)["project"]["entry-points"] for block in blocks]
    example = (ROOT / "examples" / "plugin_backend" / "pyproject.toml").read_text("utf-8")
    assert shown == [tomllib.loads(example)["project"]["entry-points"]]


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
