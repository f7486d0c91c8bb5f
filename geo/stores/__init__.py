"""Where the record lives: the YAML file (default) or PostgreSQL/PostGIS."""

from __future__ import annotations

import importlib
from pathlib import Path
from urllib.parse import urlsplit

from geo.errors import StoreError
from geo.stores.base import IncidentStore
from geo.stores.yaml_store import YamlStore

# URL schemes served by other stores, as "module:callable"; the callable takes the URL.
# PostgisStore(url) serves postgresql:// URLs (geo/stores/postgis.py).
URL_STORES: dict[str, str] = {
    "postgresql": "geo.stores.postgis:PostgisStore",
    "postgres": "geo.stores.postgis:PostgisStore",
}


def open_store(url_or_path: str | Path) -> IncidentStore:
    """The store for a file path (YAML) or a database URL.

    Parameters
    ----------
    url_or_path : str or Path
        ``incidents.yaml`` or any path opens a `YamlStore`; a URL such as
        ``postgresql://user@host/db`` opens the store registered for its scheme.

    Raises
    ------
    StoreError
        When the URL's scheme has no store, or its store cannot be imported.
    """
    text = str(url_or_path)
    scheme = urlsplit(text).scheme.lower() if "://" in text else ""
    if not scheme:
        return YamlStore(Path(text))
    if scheme not in URL_STORES:
        raise StoreError(f"{text}: no store for {scheme}:// URLs — give a YAML file path"
                         f" or one of {', '.join(sorted(f'{name}://' for name in URL_STORES))}")
    module_name, _, attribute = URL_STORES[scheme].partition(":")
    try:
        opener = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as err:
        raise StoreError(f"{scheme}:// stores are not available in this installation ({err})"
                         " — use the YAML file, or install the database store") from err
    return opener(text)


__all__ = ["IncidentStore", "YamlStore", "open_store"]
