"""The interface every incident store implements."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

import geopandas as gpd

from geo.errors import Problem, StoreError
from geo.filters import IncidentFilter

DEFAULT_ID_PREFIX = "dez"  # Deir ez-Zor, the first region


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

    def next_id(self, date: str) -> str:
        """A new id ``PREFIX-YYYY-MM-DD-NNN`` for an incident on ``date``, never used by a live or deleted one."""


def new_id(prefix: str, date: str, serials: Iterable[int]) -> str:
    """``PREFIX-DATE-NNN`` with the serial after every one taken that day; the date must be YYYY-MM-DD."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date or ""):
        raise StoreError(f"date {date!r} is not YYYY-MM-DD — give the incident's date before asking for an id")
    return f"{prefix}-{date}-{max(serials, default=0) + 1:03d}"
