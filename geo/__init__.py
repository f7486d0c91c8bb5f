"""geo: the incident-mapping library behind the dashboard and the CLI."""

from geo.errors import ConflictError, GeoError, Problem, RecordError, StoreError
from geo.records import load_incidents, read_incidents

__all__ = [
    "ConflictError",
    "GeoError",
    "Problem",
    "RecordError",
    "StoreError",
    "load_incidents",
    "read_incidents",
]
