"""The README's two set-up commands stay true: CI runs the second one verbatim."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _setup_commands() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = _setup_commands()
    assert len(commands) == 2
    assert "llm-extract run" in commands[0] and "pytest" in commands[1]


def test_ci_installs_and_tests_as_the_readme_says() -> None:
    install, test = _setup_commands()[1].split(" && ")
    assert install in CI
    assert test in CI
