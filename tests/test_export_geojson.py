"""GeoJSON export: a feature per event, points from the record or the gazetteer."""

from __future__ import annotations

import json
from pathlib import Path

from llm_extract.consolidate import consolidate
from llm_extract.export import consolidated_geojson, to_geojson
from llm_extract.models import Document, ExtractionResult, Location

GOLD = Path(__file__).resolve().parents[1] / "seeds" / "gold"


def _gold() -> list[Document]:
    return [
        Document.model_validate_json(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.gold.json"))
    ]


def test_every_gold_event_is_a_feature_with_fields_and_provenance() -> None:
    fc = to_geojson(_gold())
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == 11
    by_id = {f["id"]: f for f in fc["features"]}
    strike = by_id["000_4c7802ff51b8819f#e2"]
    props = strike["properties"]
    assert props["doc_id"] == "000_4c7802ff51b8819f"
    assert props["sub_event_type"] == "Air/drone strike"
    assert props["actor1_names"] == ["Military Forces of Russia"]
    assert props["evidence"][0].startswith("According to the Syrian Observatory")
    # gold has no coordinates: the gazetteer's Salma, as [lon, lat]
    assert strike["geometry"] == {"type": "Point", "coordinates": [36.14, 35.69]}
    assert props["coordinates_source"] == "gazetteer"
    assert props["location"]["latitude"] == 35.69
    json.dumps(fc)  # serialisable as it is


def test_unknown_places_have_null_geometry() -> None:
    by_id = {f["id"]: f for f in to_geojson(_gold())["features"]}
    kadeen = by_id["003_083b7cf5f0b80020#e2"]
    assert kadeen["geometry"] is None
    assert kadeen["properties"]["coordinates_source"] is None


def test_record_coordinates_win_and_errors_are_skipped() -> None:
    doc = _gold()[0]
    event = doc.events[0].model_copy(
        update={"location": Location(name="Salma", latitude=1.5, longitude=2.5)}
    )
    doc = doc.model_copy(update={"events": [event], "casualties": []})
    fc = to_geojson(
        [
            ExtractionResult(doc_id=doc.doc_id, document=doc),
            ExtractionResult(doc_id="x", status="error"),
        ]
    )
    (feature,) = fc["features"]
    assert feature["geometry"]["coordinates"] == [2.5, 1.5]
    assert feature["properties"]["coordinates_source"] == "record"


def test_consolidated_features_keep_all_sources() -> None:
    fc = consolidated_geojson(consolidate(_gold()))
    assert len(fc["features"]) == 10
    merged = [f for f in fc["features"] if len(f["properties"]["members"]) > 1]
    assert len(merged) == 1
    props = merged[0]["properties"]
    assert props["doc_ids"] == ["000_4c7802ff51b8819f", "003_083b7cf5f0b80020"]
    gold = {(d.doc_id, e.id): e.evidence for d in _gold() for e in d.events}
    expected = [*gold[("000_4c7802ff51b8819f", "e2")], *gold[("003_083b7cf5f0b80020", "e3")]]
    assert props["evidence"] == expected
    assert merged[0]["geometry"]["type"] == "Point"
