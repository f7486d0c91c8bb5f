"""The interface every incident store implements."""

from __future__ import annotations

from typing import Protocol

import geopandas as gpd

from geo.errors import Problem
from geo.filters import IncidentFilter


class IncidentStore(Protocol):
    """A place the record lives, read and edited through one interface.

    Records are plain dicts in the shape of one incident in incidents.yaml
    (see geo/data/schema.yaml). ``version`` is an opaque token: an edit passes
    the version it started from and the store refuses it (`ConflictError`)
    when the incident changed since, so two curators never overwrite each other.
    """

    def load(self, flt: IncidentFilter | None = None) -> tuple[gpd.GeoDataFrame, list[Problem]]:
        """The incidents matching the filter, as a frame, and any load problems."""

    def get(self, incident_id: str) -> tuple[dict, str] | None:
        """One incident as written (a plain dict) and its version, or None."""

    def save(self, record: dict, base_version: str | None, editor: str) -> str:
        """Add (base_version None) or replace an incident; returns its new version."""

    def delete(self, incident_id: str, base_version: str, editor: str) -> None:
        """Remove an incident; its id is never reused."""
