"""Outputs people look at: GeoJSON for a map, a self-contained HTML page for review.

ACLED CSV lives in `llm_extract.acled`.
"""

from llm_extract.export.geojson import consolidated_geojson, to_geojson
from llm_extract.export.html import build_review_page

__all__ = ["build_review_page", "consolidated_geojson", "to_geojson"]
