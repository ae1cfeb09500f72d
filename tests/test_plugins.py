"""Registries and plugins: names come from entry points, built-ins and plugins alike.

The example plugin (`examples/plugin_backend`) is made visible two ways: in this process
through a hand-written dist-info on `sys.path` (fast; what `importlib.metadata` reads), and
once really built by pip from its own pyproject.toml into a folder a fresh process is
pointed at, so the example's declared entry points are the ones tested.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomllib
from typer.testing import CliRunner

from llm_extract import Extractor
from llm_extract.backends import ChatBackend, get_backend
from llm_extract.backends.base import Backend
from llm_extract.backends.profile import Profile
from llm_extract.cli import app
from llm_extract.errors import ConfigurationError
from llm_extract.models import ExtractionResult
from llm_extract.registry import (
    BACKENDS,
    EXPORTERS,
    FORMATS,
    LOAD_PLUGINS_ENV,
    REGISTRIES,
    STRATEGIES,
    PluginError,
)
from llm_extract.settings import Settings
from llm_extract.writers import ResultWriter

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXAMPLE = ROOT / "examples" / "plugin_backend"
EXAMPLE_SRC = EXAMPLE / "src"
KEYWORDS_EPS = {
    "llm_extract.backends": {"keywords": "llm_extract_keywords.backend:KeywordBackend"},
    "llm_extract.drafters": {
        "keywords": "llm_extract_keywords.backend:keywords_drafter",
        "lead": "llm_extract_keywords.lead:lead_drafter",
    },
    "llm_extract.formats": {"tsv": "llm_extract_keywords.tsv:TsvWriter"},
}


def make_dist(root: Path, name: str, groups: dict[str, dict[str, str]]) -> Path:
    """An installed-looking distribution: the two files `importlib.metadata` reads."""
    info = root / f"{name.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n")
    lines = [
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items())
        for group, eps in groups.items()
    ]
    (info / "entry_points.txt").write_text("\n".join(lines))
    return root


def _forget_plugins() -> None:
    for registry in REGISTRIES:
        registry.refresh()
    for module in [m for m in sys.modules if m.startswith(("llm_extract_keywords", "plugmod"))]:
        del sys.modules[module]


@pytest.fixture
def on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Put folders on sys.path for one test; registries re-read before and after."""
    _forget_plugins()
    yield monkeypatch
    monkeypatch.undo()
    _forget_plugins()


@pytest.fixture
def keywords_plugin(on_path: pytest.MonkeyPatch, tmp_path: Path) -> None:
    on_path.syspath_prepend(str(make_dist(tmp_path / "site", "llm-extract-keywords", KEYWORDS_EPS)))
    on_path.syspath_prepend(str(EXAMPLE_SRC))


def results(path: Path) -> list[ExtractionResult]:
    return [ExtractionResult.model_validate_json(x) for x in path.read_text().splitlines()]


def test_builtins_are_declared_in_pyproject_as_plugins_are() -> None:
    """The in-code tables mirror pyproject.toml's entry points exactly (no drift)."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    for registry in REGISTRIES:
        assert declared[registry.group] == registry.builtins, registry.group


def test_every_builtin_loads_as_its_kind() -> None:
    for name in BACKENDS.builtins:
        found = BACKENDS.load(name)
        assert isinstance(found, Profile) or (
            isinstance(found, type) and issubclass(found, Backend)
        )
        assert getattr(found, "name", None) == name
    for name in FORMATS.builtins:
        found = FORMATS.load(name)
        assert isinstance(found, type) and issubclass(found, ResultWriter), name
    for name in EXPORTERS.builtins:
        assert callable(EXPORTERS.load(name)), name
    for name in STRATEGIES.builtins:
        assert callable(STRATEGIES.load(name)), name


def test_unknown_names_list_what_is_installed() -> None:
    with pytest.raises(ConfigurationError) as backend:
        BACKENDS.load("nope")
    assert "unknown backend 'nope'" in str(backend.value)
    assert all(name in str(backend.value) for name in ("rules", "openai", "embedded"))
    with pytest.raises(ConfigurationError, match="unknown strategy 'nope'; installed: rules"):
        STRATEGIES.load("nope")
    res = CliRunner().invoke(app, ["run", str(SEEDS), "--backend", "rules", "--format", "xml"])
    assert res.exit_code == 2
    assert "unknown output format 'xml'" in res.stderr
    assert "csv, json, jsonl, parquet" in res.stderr


def test_plugin_backend_and_format_run_by_name(keywords_plugin: None, tmp_path: Path) -> None:
    assert "keywords" in BACKENDS.names() and "tsv" in FORMATS.names()
    assert "keywords" in STRATEGIES.names()
    assert BACKENDS.source("keywords") == "llm-extract-keywords 0.1.0"
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(
        app, ["run", str(SEEDS), "--backend", "keywords", "--no-cache", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    by_id = {r.doc_id: r for r in results(out)}
    assert set(by_id) == {"000_4c7802ff51b8819f", "003_083b7cf5f0b80020"}
    problems = []
    for doc_id, result in by_id.items():
        text = (SEEDS / f"{doc_id}.txt").read_text()
        assert result.ok and result.provenance and result.provenance.backend == "keywords"
        assert result.provenance.strategy == "keywords"
        problems += [
            f"{doc_id} {e.id}: evidence not verbatim"
            for e in result.events
            if not e.evidence or e.evidence[0] not in text
        ]
    assert not problems, problems
    # Read from the seed text: the Salma sentence says who took control "on Tuesday"; the
    # article is dated Wednesday 13 January 2016, so llm-extract dates it the 12th.
    salma = next(
        e
        for e in by_id["000_4c7802ff51b8819f"].events
        if e.evidence[0].startswith("Syrian regime troops and allied militias")
    )
    assert salma.sub_event_type.value == "Government regains territory"
    assert salma.date.start == dt.date(2016, 1, 12)
    clash = by_id["003_083b7cf5f0b80020"].events[0]
    assert clash.evidence[0] == "Fierce clashes have raged outside the rebel redoubt of Salma."
    assert clash.sub_event_type.value == "Armed clash"
    # A plugin strategy by name, in Python: it replaces the backend's own.
    seed = (SEEDS / "003_083b7cf5f0b80020.txt").read_text()
    with Extractor(Settings(backend="keywords", strategy="lead", cache=False, runlog=False)) as ex:
        lead = ex.extract(seed, published="2016-01-11")
    assert lead.provenance and lead.provenance.strategy == "lead"
    assert [e.evidence for e in lead.events] == [clash.evidence]
    res = CliRunner().invoke(app, ["run", str(SEEDS), "--backend", "rules", "--strategy", "nope"])
    assert res.exit_code == 2 and "unknown strategy 'nope'" in res.stderr
    assert "keywords, lead, rules, sentences, single" in res.stderr

    tsv = tmp_path / "out.tsv"
    res = CliRunner().invoke(
        app,
        [
            "run",
            str(SEEDS),
            "--backend",
            "keywords",
            "--format",
            "tsv",
            "--no-cache",
            "-o",
            str(tsv),
        ],
    )
    assert res.exit_code == 0, res.output
    rows = [line.split("\t") for line in tsv.read_text().splitlines()]
    assert rows[0][:4] == ["doc_id", "event_id", "event_date", "sub_event_type"]
    assert len(rows) - 1 == sum(len(r.events) for r in by_id.values())
    assert ["000_4c7802ff51b8819f", salma.id, "2016-01-12", "Government regains territory"] in [
        r[:4] for r in rows
    ]


def test_broken_plugin_is_a_clear_error_and_spoils_nothing_else(
    on_path: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    groups = {"llm_extract.backends": {"broken": "no_such_module_xyz:Backend"}}
    on_path.syspath_prepend(str(make_dist(tmp_path / "site", "llm-extract-broken", groups)))
    res = CliRunner().invoke(app, ["run", str(SEEDS), "--backend", "broken", "--no-cache", "-q"])
    assert res.exit_code == 2
    assert "backend 'broken' from llm-extract-broken 0.1.0 could not be loaded" in res.stderr
    assert "ModuleNotFoundError" in res.stderr and "Traceback" not in res.output
    out = tmp_path / "rules.jsonl"
    res = CliRunner().invoke(
        app, ["run", str(SEEDS), "--backend", "rules", "--no-cache", "-q", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    listed = CliRunner().invoke(app, ["plugins", "--check"])
    assert listed.exit_code == 1
    (row,) = json.loads(listed.stdout)
    assert row["name"] == "broken" and "ModuleNotFoundError" in row["status"]


def test_a_name_two_packages_claim_is_refused_naming_both(
    on_path: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for package, target in (("pkg-a", "a_mod:Thing"), ("pkg-b", "b_mod:Thing")):
        groups = {"llm_extract.formats": {"twin": target}}
        on_path.syspath_prepend(str(make_dist(tmp_path / package, package, groups)))
    with pytest.raises(PluginError) as exc:
        FORMATS.load("twin")
    assert "pkg-a 0.1.0 (a_mod:Thing)" in str(exc.value)
    assert "pkg-b 0.1.0 (b_mod:Thing)" in str(exc.value)


def test_entry_point_kinds_profiles_exporters_and_wrong_ones(
    on_path: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mod = tmp_path / "mods" / "plugmod.py"
    mod.parent.mkdir()
    mod.write_text(
        "from llm_extract.backends.rules import RulesBackend\n"
        "def not_a_backend(settings): return None\n"
        "class Renamed(RulesBackend):\n    name = 'other'\n"
        "def count(run): return str(sum(len(d.events) for d in run.docs))\n"
        "import instructor\n"
        "from llm_extract.backends.profile import Profile\n"
        "PROFILE = Profile(name='myserver', modes={'tools': instructor.Mode.TOOLS},\n"
        "    default_mode='tools', default_model='m1', default_base_url='http://127.0.0.1:9/v1')\n"
    )
    groups = {
        "llm_extract.backends": {
            "func": "plugmod:not_a_backend",
            "renamed": "plugmod:Renamed",
            "myserver": "plugmod:PROFILE",
        },
        "llm_extract.formats": {"notwriter": "plugmod:not_a_backend"},
        "llm_extract.exporters": {"count": "plugmod:count"},
    }
    on_path.syspath_prepend(str(make_dist(tmp_path / "site", "llm-extract-odd", groups)))
    on_path.syspath_prepend(str(mod.parent))
    server = get_backend(Settings(backend="myserver"))  # a Profile: an OpenAI-compatible kind
    assert isinstance(server, ChatBackend) and (server.name, server.model) == ("myserver", "m1")
    with pytest.raises(PluginError, match="must name a Backend subclass or a Profile"):
        get_backend(Settings(backend="func"))
    with pytest.raises(PluginError, match="calls itself 'other'"):
        get_backend(Settings(backend="renamed"))
    res = CliRunner().invoke(
        app, ["run", str(SEEDS), "--backend", "rules", "--format", "notwriter"]
    )
    assert res.exit_code == 2 and "is not a ResultWriter subclass" in res.stderr
    # An exporter plugin is usable by `export --format`.
    run = tmp_path / "run.jsonl"
    CliRunner().invoke(app, ["run", str(SEEDS), "--backend", "rules", "-q", "-o", str(run)])
    out = tmp_path / "count.txt"
    res = CliRunner().invoke(app, ["export", str(run), "--format", "count", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert int(out.read_text()) == sum(len(r.events) for r in results(run))


def test_example_installs_with_pip_and_runs_by_name(tmp_path: Path) -> None:
    """pip builds the example from its own pyproject.toml (offline: no index, no isolation);
    a fresh process finds its backend and format only through the installed entry points."""
    target = tmp_path / "site"
    source = shutil.copytree(EXAMPLE, tmp_path / "plugin_backend")  # pip builds in the tree
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-index",
            "--no-build-isolation",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(source),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(target)])}
    cli = [sys.executable, "-m", "llm_extract.cli"]
    helped = subprocess.run(
        [*cli, "run", "--help"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    flat = " ".join(helped.stdout.replace("│", " ").split())
    assert "keywords" in flat and "tsv" in flat, helped.stdout
    out = tmp_path / "out.jsonl"
    ran = subprocess.run(
        [*cli, "run", str(SEEDS), "--backend", "keywords", "--no-cache", "-q", "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert ran.returncode == 0, ran.stderr
    assert [r.provenance.backend for r in results(out) if r.provenance] == ["keywords"] * 2
    # The example's own strategy, chosen by name over its backend's default.
    assert "lead" in flat.split("--strategy", 1)[1].split("--", 1)[0], helped.stdout
    lead = tmp_path / "lead.jsonl"
    ran = subprocess.run(
        [*cli, "run", str(SEEDS), "--backend", "keywords", "--strategy", "lead", "--no-cache",
         "-q", "-o", str(lead)],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    every = {r.doc_id: r.events for r in results(out)}
    assert sorted(r.doc_id for r in results(lead)) == sorted(every)
    for result in results(lead):
        assert result.provenance and result.provenance.strategy == "lead"
        assert [e.evidence for e in result.events] == [every[result.doc_id][0].evidence]
        assert len(every[result.doc_id]) == 1 or "lead only" in " ".join(result.warnings)
    listed = subprocess.run(
        [*cli, "plugins"], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    rows = {(r["group"], r["name"]): r for r in json.loads(listed.stdout)}
    assert rows[("llm_extract.drafters", "lead")]["package"] == "llm-extract-keywords 0.1.0"
    assert (
        rows[("llm_extract.drafters", "lead")]["target"] == "llm_extract_keywords.lead:lead_drafter"
    )


@pytest.mark.parametrize(
    "chosen, loaded",
    [(None, True), ("", False), ("llm_extract.keywords", True), ("some-other-plugin", False)],
)
def test_load_plugins_env_chooses_which_packages_count(
    keywords_plugin: None, on_path: pytest.MonkeyPatch, chosen: str | None, loaded: bool
) -> None:
    """LLM_EXTRACT_LOAD_PLUGINS: unset all, empty none, else these packages (names as pip
    normalises them); the built-ins are there whatever it says."""
    if chosen is not None:
        on_path.setenv(LOAD_PLUGINS_ENV, chosen)
    _forget_plugins()
    assert ("keywords" in BACKENDS.names()) is loaded
    assert ("tsv" in FORMATS.names()) is loaded
    assert {"rules", "openai"} <= set(BACKENDS.names())
    assert {"jsonl", "csv"} <= set(FORMATS.names())
