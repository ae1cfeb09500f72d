"""Events as a GeoJSON FeatureCollection, for any map tool (QGIS, geojson.io, Leaflet).

A feature has a Point where the event's place has coordinates (from the record, else from
the gazetteer) and a null geometry otherwise, so no event is silently left off the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from llm_extract.consolidate import ConsolidatedEvent, documents_of
from llm_extract.models import Document, Event, ExtractionResult, Location
from llm_extract.normalize import Gazetteer
from llm_extract.normalize.layered import resolve


def coordinates(
    location: Location, gazetteer: Gazetteer | None = None
) -> tuple[tuple[float, float] | None, str | None]:
    """(longitude, latitude) and where they came from: "record", "gazetteer" or None.

    A place with no coordinates of its own is looked up in `gazetteer` (None: the
    process's choice)."""
    if location.latitude is not None and location.longitude is not None:
        return (location.longitude, location.latitude), "record"
    if location.name:
        place = resolve(gazetteer).lookup(location.name)
        if place is not None and place.latitude is not None and place.longitude is not None:
            return (place.longitude, place.latitude), "gazetteer"
    return None, None


def _point(lonlat: tuple[float, float] | None) -> dict[str, Any] | None:
    return None if lonlat is None else {"type": "Point", "coordinates": list(lonlat)}


def _names(doc: Document, ids: Sequence[str]) -> list[str]:
    return [a.name if (a := doc.actor(i)) else i for i in ids]


def _feature(
    feature_id: str,
    record: Event | ConsolidatedEvent,
    gazetteer: Gazetteer | None,
    **extra: Any,
) -> dict[str, Any]:
    """A Feature of the record's fields and `extra`, with a Point where its place has
    coordinates (written into its location too) and a null geometry otherwise."""
    lonlat, origin = coordinates(record.location, gazetteer)
    props = record.model_dump(mode="json")
    if lonlat is not None:
        props["location"]["longitude"], props["location"]["latitude"] = lonlat
    props.update(extra, coordinates_source=origin)
    return {"type": "Feature", "id": feature_id, "geometry": _point(lonlat), "properties": props}


def event_feature(
    doc: Document, event: Event, gazetteer: Gazetteer | None = None
) -> dict[str, Any]:
    """One event as a Feature: its fields plus doc_id, actor names and evidence."""
    return _feature(
        f"{doc.doc_id}#{event.id}",
        event,
        gazetteer,
        doc_id=doc.doc_id,
        published=doc.published.isoformat() if doc.published else None,
        source=doc.source,
        actor1_names=_names(doc, event.actor1),
        actor2_names=_names(doc, event.actor2),
        evidence=list(event.evidence),
    )


def to_geojson(
    results: Iterable[ExtractionResult] | Iterable[Document], gazetteer: Gazetteer | None = None
) -> dict[str, Any]:
    """Every event of every ok result, in doc_id then event order; places without
    coordinates are looked up in `gazetteer` (None: the process's choice)."""
    g = resolve(gazetteer)
    features = [event_feature(d, e, g) for d in documents_of(results) for e in d.events]
    return {"type": "FeatureCollection", "features": features}


def consolidated_geojson(
    events: Iterable[ConsolidatedEvent], gazetteer: Gazetteer | None = None
) -> dict[str, Any]:
    """One feature per consolidated event, its sources (evidence, doc ids) in properties."""
    g = resolve(gazetteer)
    features = [
        _feature(
            event.id,
            event,
            g,
            members=event.members,
            doc_ids=event.doc_ids,
            evidence=[q for s in event.sources for q in s.evidence],
        )
        for event in events
    ]
    return {"type": "FeatureCollection", "features": features}
