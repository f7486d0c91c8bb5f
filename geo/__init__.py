"""geo: the incident-mapping library behind the dashboard and the CLI.

Everything the dashboard uses is importable from here. Heavy parts (folium,
matplotlib, the extractor) load on first use, so ``import geo`` stays quick.
"""

from __future__ import annotations

import importlib

from geo.errors import ConflictError, ExportError, GeoError, Problem, RecordError, StoreError
from geo.filters import ROLES, IncidentFilter, apply_filter, describe
from geo.records import load_incidents, parse_incidents, read_incidents

# name -> module that defines it, imported when the name is first used
_LAZY = {
    "registry": "geo.actors",
    "decode_area": "geo.areas", "encode_area": "geo.areas",
    "distinct_pairs": "geo.duplicates", "duplicates_of": "geo.duplicates", "find_duplicates": "geo.duplicates",
    "merge": "geo.duplicates",
    "form_from_record": "geo.editing", "record_from_form": "geo.editing",
    "FORMATS": "geo.export", "MEDIA_TYPES": "geo.export", "export": "geo.export", "export_bytes": "geo.export",
    "decode_article": "geo.extraction.articles", "extract_article": "geo.extraction.extract",
    "empty_frame": "geo.frame", "records_to_frame": "geo.frame",
    "lookup": "geo.gazetteer",
    "MapView": "geo.mapping", "basemaps": "geo.mapping", "build_map": "geo.mapping",
    "district_choropleth": "geo.mapping", "map_html": "geo.mapping",
    "PRECISION_RADIUS_KM": "geo.schema", "attributions": "geo.schema", "event_types": "geo.schema",
    "fields": "geo.schema", "quantity_qualifiers": "geo.schema",
    "open_store": "geo.stores", "redact": "geo.stores.urls",
    "Facets": "geo.summaries", "area_counts": "geo.summaries", "facets": "geo.summaries", "headline": "geo.summaries",
    "timeline_counts": "geo.summaries",
    "validate_incidents": "geo.validation",
}

__all__ = [
    "ROLES", "ConflictError", "ExportError", "GeoError", "IncidentFilter", "Problem", "RecordError", "StoreError",
    "apply_filter", "describe", "load_incidents", "parse_incidents", "read_incidents", *_LAZY,
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'geo' has no attribute {name!r}")
