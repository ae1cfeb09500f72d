"""A user's own gazetteer reaches extraction, consolidation and GeoJSON export.

The two articles are invented test doubles (not real news, not gold): "Zorgvale" (also
written "Zarghwal") is a town no shipped gazetteer knows, and "Danab" is both a Somali
unit in the actor table and, in the user's table, a village. Every check runs against
the shipped gazetteer too, so each one shows the user's table made the difference.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from llm_extract import Extractor, Settings
from llm_extract.cli import app
from llm_extract.export.cli import register
from llm_extract.normalize import get_gazetteer

PLACES = {
    "places": [
        {
            "name": "Zorgvale",
            "kind": "town",
            "aliases": ["Zarghwal"],
            "admin1": "Idlib",
            "country": "Syria",
            "latitude": 35.81,
            "longitude": 36.52,
        },
        {
            "name": "Danab",
            "kind": "village",
            "admin1": "Lower Shabelle",
            "country": "Somalia",
            "latitude": 1.95,
            "longitude": 44.9,
        },
    ]
}
STRIKE = (
    "Government warplanes struck the town of {} in northern Syria on Monday, killing five "
    "civilians, residents said.\n"
)
RAID = (
    "Al Shabaab fighters attacked a police post in Danab on Monday, killing four police officers.\n"
)


def _corpus(tmp_path: Path) -> tuple[Path, Path]:
    places = tmp_path / "places.json"
    places.write_text(json.dumps(PLACES), encoding="utf-8")
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(STRIKE.format("Zorgvale"), encoding="utf-8")
    (articles / "b.txt").write_text(STRIKE.format("Zarghwal"), encoding="utf-8")
    (articles / "c.txt").write_text(RAID, encoding="utf-8")
    return places, articles


def _invoke(runner: CliRunner, target: typer.Typer, args: list[str]) -> None:
    result = runner.invoke(target, args)
    assert result.exit_code == 0, result.output


def _documents(run: Path) -> dict[str, dict[str, Any]]:
    lines = [json.loads(line) for line in run.read_text("utf-8").splitlines() if line]
    return {r["doc_id"]: r["document"] for r in lines}


def _export_app() -> typer.Typer:
    export = typer.Typer()
    register(export)
    return export


def _outputs(tmp_path: Path, articles: Path, own: Path | None, tag: str) -> dict[str, Any]:
    """run, consolidate and export (the export of a run made without any own table, so
    its coordinates can only come from the export's gazetteer), with `own` or without."""
    runner = CliRunner()
    flag = ["--gazetteer", str(own)] if own else []
    run, plain = tmp_path / f"{tag}.jsonl", tmp_path / f"{tag}-plain.jsonl"
    rules = ["run", str(articles), "--backend", "rules", "--published", "2024-03-06", "-q"]
    rules += ["--no-cache", "-o"]
    _invoke(runner, app, [*rules, str(run), *flag])
    _invoke(runner, app, [*rules, str(plain)])
    merged, geo = tmp_path / f"{tag}-merged.json", tmp_path / f"{tag}.geojson"
    _invoke(runner, _export_app(), ["consolidate", str(plain), "-o", str(merged), *flag])
    _invoke(runner, _export_app(), ["export", str(plain), "-o", str(geo), *flag])
    return {
        "docs": _documents(run),
        "merged": json.loads(merged.read_text("utf-8"))["events"],
        "features": json.loads(geo.read_text("utf-8"))["features"],
    }


def _readings(out: dict[str, Any]) -> dict[str, object]:
    a, b, raid = (out["docs"][doc]["events"] for doc in "abc")
    names = {actor["id"]: actor["name"] for actor in out["docs"]["c"]["actors"]}
    return {
        "extraction: the town's province": a[0]["location"]["admin1"],
        "extraction: the town's coordinates": a[0]["location"]["latitude"],
        "extraction: the alias's coordinates": b[0]["location"]["longitude"],
        "extraction: 'in Danab' is where the raid was": [e["location"]["name"] for e in raid],
        "extraction: the raid's sides": sorted(
            {names[x] for e in raid for x in (*e["actor1"], *e["actor2"])}
        ),
        "consolidation: both articles' strikes are one event": sorted(
            len(e["sources"]) for e in out["merged"]
        ),
        "export: the alias's point": [
            f["geometry"]["coordinates"] if f["geometry"] else None
            for f in out["features"]
            if f["properties"]["doc_id"] == "b"
        ],
    }


def test_own_gazetteer_reaches_extraction_consolidation_and_export(tmp_path: Path) -> None:
    places, articles = _corpus(tmp_path)
    assert get_gazetteer().lookup("Zorgvale") is None  # the shipped tables do not know it
    assert get_gazetteer().lookup("Zarghwal") is None
    want = {
        "extraction: the town's province": "Idlib",
        "extraction: the town's coordinates": 35.81,
        "extraction: the alias's coordinates": 36.52,
        "extraction: 'in Danab' is where the raid was": ["Danab"],
        "extraction: the raid's sides": ["Al Shabaab", "Police Forces of Somalia"],
        "consolidation: both articles' strikes are one event": [1, 2],
        "export: the alias's point": [[36.52, 35.81]],
    }
    own = _readings(_outputs(tmp_path, articles, places, "own"))
    shipped = _readings(_outputs(tmp_path, articles, None, "shipped"))
    wrong = [f"{k}: got {own[k]!r}, want {v!r}" for k, v in want.items() if own[k] != v]
    same = [k for k in want if own[k] == shipped[k]]
    assert not wrong, wrong
    assert not same, f"the shipped gazetteer gives the same reading for: {same}"


def test_settings_gazetteer_reaches_the_python_api(tmp_path: Path) -> None:
    places, _ = _corpus(tmp_path)
    settings = Settings(backend="rules", cache=False, runlog=False, gazetteer=places)
    with Extractor(settings) as extractor:
        result = extractor.extract(STRIKE.format("Zarghwal"), published="2024-03-06")
    assert result.ok and result.document is not None
    location = result.document.events[0].location
    assert (location.admin1, location.country, location.longitude) == ("Idlib", "Syria", 36.52)


def test_a_changed_gazetteer_file_changes_the_cache_key(tmp_path: Path) -> None:
    places, _ = _corpus(tmp_path)
    plain = Extractor(Settings(backend="rules", runlog=False))
    own = Extractor(Settings(backend="rules", runlog=False, gazetteer=places))
    first = own.cache_key(plain_article := _article())
    assert first != plain.cache_key(plain_article)
    places.write_text(json.dumps({"places": PLACES["places"][:1]}), encoding="utf-8")
    assert (
        Extractor(Settings(backend="rules", runlog=False, gazetteer=places)).cache_key(
            plain_article
        )
        != first
    )


def _article() -> Any:
    from llm_extract.extract import as_article

    return as_article(STRIKE.format("Zorgvale"), published="2024-03-06")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"towns": []}', 'expected {"places": [...]}'),
        ('{"places": [{"admin1": "Idlib"}]}', "places[0]: 'name'"),
        ('{"places": [{"name": "X", "latitude": "north"}]}', "places[0]: latitude"),
    ],
)
def test_a_bad_gazetteer_file_is_a_usage_error(tmp_path: Path, content: str, message: str) -> None:
    places, articles = _corpus(tmp_path)
    places.write_text(content, encoding="utf-8")
    for target, args in (
        (app, ["run", str(articles), "--backend", "rules", "--no-cache"]),
        (_export_app(), ["consolidate", str(tmp_path / "none.jsonl")]),
    ):
        result = CliRunner().invoke(target, [*args, "--gazetteer", str(places)])
        assert result.exit_code == 2, result.output
        assert message in result.output, result.output
