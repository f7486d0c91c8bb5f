"""How exports draw incidents and text: side colours, event-type shapes, fonts with Arabic.

Shapes and the precision-circle style come from geo/data/map_style.yaml, the
same file the dashboard map reads, so a snapshot looks like the screen.
"""

from __future__ import annotations

import warnings
from functools import cache

from geo.actors import registry
from geo.map_payload import map_style
from geo.schema import PRECISION_RADIUS_KM

# map_style.yaml names shapes in words; these are matplotlib's marker codes for them.
MATPLOTLIB_MARKERS = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D", "star": "*", "cross": "X"}
LATIN_FONT = "DejaVu Sans"  # ships with matplotlib, so it is always there
# In order of preference; Debian's fonts-noto-core has all three.
ARABIC_FONTS = ("Noto Sans Arabic", "Noto Naskh Arabic", "Noto Kufi Arabic", "DejaVu Sans Arabic")


def marker_of(event_type: str | None) -> str:
    """The matplotlib marker for an event type (a circle for unknown types)."""
    shape = map_style().get("event_type_shapes", {}).get(event_type or "", "circle")
    return MATPLOTLIB_MARKERS.get(shape, "o")


def colour_of(side: str | None) -> str:
    return registry().colour_of_side(side)


def circle_radius_km(precision: str | None) -> float:
    """Radius of the faint uncertainty circle; 0 for exact sites, as on the dashboard."""
    if precision == "site" or precision not in PRECISION_RADIUS_KM:
        return 0.0
    return PRECISION_RADIUS_KM[precision]


def circle_style() -> dict:
    """The uncertainty circles' look, from map_style.yaml as the dashboard draws them."""
    return map_style()["precision_circle"]


@cache
def arabic_font() -> str | None:
    """The first installed font family with Arabic glyphs, or None (with a warning) when none is."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for name in ARABIC_FONTS:
        if name in installed:
            return name
    warnings.warn("no font with Arabic glyphs found: Arabic text will show as boxes in snapshots — "
                  "install Debian's fonts-noto-core (apt-get install fonts-noto-core)", stacklevel=2)
    return None


def font_families() -> list[str]:
    """Font fallback list: Latin first, then Arabic; matplotlib picks per glyph and shapes Arabic itself.

    Text is passed to matplotlib as typed. Running it through arabic-reshaper
    and python-bidi as well would shape and reorder it twice, which breaks it.
    """
    arabic = arabic_font()
    return [LATIN_FONT, arabic] if arabic else [LATIN_FONT]


def rc_params() -> dict:
    """Matplotlib settings for every export figure."""
    return {
        "font.family": font_families(),
        "text.parse_math": False,  # a "$" in a title or place name is text, not maths
        "pdf.fonttype": 42,  # embed TrueType so the PDF's text can be searched and copied
        "axes.unicode_minus": False,
        "savefig.facecolor": "white",
    }
