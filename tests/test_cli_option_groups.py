"""Option groups (`with_groups`): typer sees a group's fields as options, the command one
instance; a group whose field names another parameter is refused when it is declared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from llm_extract.cli_options import InputOptions, ModelOptions, OptionGroup, with_groups


def test_a_command_gets_its_groups_filled_from_the_command_line() -> None:
    seen: list[object] = []
    app = typer.Typer()

    @app.command()
    @with_groups
    def go(
        name: Annotated[str, typer.Argument()],
        *,
        using: ModelOptions,
        source: InputOptions,
        loud: Annotated[bool, typer.Option("--loud")] = False,
    ) -> None:
        seen.extend([name, using, source, loud])

    argv = ["x", "--model", "m1", "--api-key-env", "K", "--glob", "*.md", "--glob", "*.txt"]
    res = CliRunner().invoke(app, [*argv, "--published", "2020-02-29", "--loud"])
    assert res.exit_code == 0, res.output
    name, using, source, loud = seen
    assert (name, loud) == ("x", True)
    assert using == ModelOptions(model="m1", api_key_env="K")
    assert isinstance(source, InputOptions) and source.globs == ("*.md", "*.txt")
    assert str(source.day) == "2020-02-29"
    helped = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    assert all(f in helped for f in ("--backend", "--base-url", "--mode", "--glob", "--loud"))


@dataclass(frozen=True)
class Clash(OptionGroup):
    model: Annotated[str | None, typer.Option("--other-model")] = None


def test_a_group_field_that_names_another_parameter_is_refused() -> None:
    def command(*, using: ModelOptions, clash: Clash) -> None: ...

    with pytest.raises(TypeError, match=r"repeat parameters \['model'\]"):
        with_groups(command)
