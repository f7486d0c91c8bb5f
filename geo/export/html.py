"""One self-contained HTML file of the map: incidents, legend, popups and a caption of the filters.

The map is `geo.mapping.build_map`, the dashboard's own map, with every script
and stylesheet inlined, so the file opens from disk with no server and no
internet. Popups are built in the browser from data (as text, never as HTML);
the caption added here escapes everything it shows.
"""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

import geopandas as gpd

from geo.export.caption import caption
from geo.export.options import ExportOptions, ProgressReporter

CAPTION_CSS = """
.export-caption { position: fixed; left: 60px; top: 10px; z-index: 1000; max-width: min(560px, 55vw);
  background: rgba(255,255,255,0.93); border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,0.35);
  padding: 8px 12px; font: 13px/1.35 system-ui, "Noto Sans", "Noto Sans Arabic", sans-serif; color: #222; }
.export-caption h1 { font-size: 17px; margin: 0 0 2px; }
.export-caption h2 { font-size: 13px; font-weight: normal; margin: 0 0 4px; color: #444; }
.export-caption p { margin: 2px 0; }
.export-caption .muted { color: #666; font-size: 11px; }
.export-caption .warn { color: #8a3b12; }
"""


def caption_html(info: dict[str, object]) -> str:
    """The caption block; every value is escaped (titles, filter text and publishers are user input)."""
    def esc(value: object) -> str:
        return html.escape(str(value), quote=True)

    sources = ", ".join(esc(name) for name in info["sources"]) or "none in this selection"
    parts = [f'<div class="export-caption" id="export-caption" dir="auto"><h1>{esc(info["title"])}</h1>']
    if info["subtitle"]:
        parts.append(f"<h2>{esc(info['subtitle'])}</h2>")
    parts.append(f"<p><b>{esc(info['count_text'])}</b> · {esc(info['period'])} · {esc(info['filters'])}</p>")
    if info["coarsening"]:
        parts.append(f'<p class="warn">{esc(info["coarsening"])}</p>')
    parts.append(f'<p class="muted">Sources: {sources} · Made {esc(info["made_at"])}</p></div>')
    return "".join(parts)


def build_html(frame: gpd.GeoDataFrame, options: ExportOptions) -> str:
    """The whole page as text.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Filtered (and possibly coarsened) incidents.
    options : ExportOptions
        Title, filters and, in ``options.view``, the dashboard's `geo.mapping.MapView`.

    Returns
    -------
    str
        A standalone HTML document.
    """
    import folium

    from geo.mapping import MapView, build_map, map_html

    view = options.view if isinstance(options.view, MapView) else MapView(
        basemap="plain" if options.basemap == "offline" else "streets")
    # A file has no address bar to keep the view in, and drawing tools would edit nothing.
    view = dataclasses.replace(view, sync_url=False, draw=False)
    fmap = build_map(frame, view, offline=True)
    root = fmap.get_root()
    root.title = html.escape(options.title)  # branca's template does not escape
    root.header.add_child(folium.Element(f"<style>{CAPTION_CSS}</style>"), name="export_caption_css")
    # branca compiles an Element's text as a Jinja template: user text such as a title holding
    # "{{ ... }}" must go in as a value of a fixed template, never as the template itself.
    caption_element = folium.Element("{{ this.markup }}")
    caption_element.markup = caption_html(caption(frame, options))
    root.html.add_child(caption_element, name="export_caption")
    return map_html(fmap)


def write_html(frame: gpd.GeoDataFrame, path: Path, options: ExportOptions) -> None:
    """Write the self-contained HTML map."""
    report = ProgressReporter(options.progress, 2)
    text = build_html(frame, options)
    report.update(1)
    Path(path).write_text(text, encoding="utf-8")
    report.finish()
