"""Serve every script and stylesheet a folium map needs from installed packages.

Folium points Leaflet and its plugins at public CDNs. Monitoring teams often
work on closed networks, so each CDN address is swapped for a ``data:`` URI of
the same file as shipped by the ``folium-offline`` package (keyed by the very
URLs folium 0.20 uses). ``data:`` URIs work both in a saved HTML file and in
streamlit-folium, which loads a map's ``default_js``/``default_css`` as links.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

import branca.element
import folium

from geo.errors import GeoError

STATIC_DIR = Path(__file__).parent / "static"


@cache
def _assets() -> dict[str, str]:
    from offlinefolium.elements import _res  # the package's table of CDN URL -> file text

    return _res


@cache
def data_uri(url: str) -> str:
    """The ``data:`` URI of a CDN asset folium would load from ``url``."""
    if url.startswith("data:"):
        return url
    try:
        text = _assets()[url]
    except KeyError as err:
        raise GeoError(f"no offline copy of {url}; pin folium and folium-offline to matching versions") from err
    return _encode(text, "text/css" if url.endswith(".css") else "text/javascript")


@cache
def own_asset_uri(name: str) -> str:
    """The ``data:`` URI of one of the project's own files in geo/static."""
    text = (STATIC_DIR / name).read_text("utf-8")
    return _encode(text, "text/css" if name.endswith(".css") else "text/javascript")


@cache
def markercluster_uri(name: str) -> str:
    """The ``data:`` URI of Leaflet.markercluster 1.4 (from the xstatic package).

    folium pins markercluster 1.1, whose chunked loading breaks when the map
    moves while 100k markers are still being added; 1.4 fixed that.
    """
    import xstatic.pkg.leaflet_markercluster as package

    text = (Path(package.BASE_DIR) / name).read_text("utf-8")
    return _encode(text, "text/css" if name.endswith(".css") else "text/javascript")


def _encode(text: str, mime: str) -> str:
    return f"data:{mime};charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def make_offline(root: branca.element.Element) -> None:
    """Swap every CDN link under ``root`` (a map and its children) for an inline copy."""
    for element in _walk(root):
        for attribute in ("default_js", "default_css"):
            links = getattr(element, attribute, None)
            if links:
                setattr(element, attribute, [(name, data_uri(url)) for name, url in links])


def _walk(element: branca.element.Element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def trim_map_assets(fmap: folium.Map) -> None:
    """Keep only Leaflet itself: the map draws its own markers and popups, no jQuery/Bootstrap."""
    fmap.default_js = [(name, url) for name, url in folium.Map.default_js if name == "leaflet"]
    fmap.default_css = [(name, url) for name, url in folium.Map.default_css if name == "leaflet_css"]
