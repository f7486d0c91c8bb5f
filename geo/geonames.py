"""Import a GeoNames country dump (e.g. SY.txt) into a gazetteer file.

The dump is the standard tab-separated table of 19 columns (geonameid, name,
asciiname, alternatenames, latitude, longitude, feature class, feature code,
country code, cc2, admin1-4 codes, population, elevation, dem, timezone,
modification date). It is streamed line by line, so a whole country costs
little memory. Curated places are never overwritten: a GeoNames place with the
name of a curated one close by is *merged* (its new spellings become variants
of the curated place, whose coordinates are kept); any other place of a known
feature type is *added* with id ``gn-<geonameid>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo.distance import distance_km
from geo.errors import GeoError
from geo.gazetteer import Gazetteer, Place, places_from, read_gazetteer_file
from geo.progress import progress_bar
from geo.schema import read_data_file
from geo.textnorm import is_arabic, normalise

COLUMNS = 19
_MAX_VARIANTS = 25


@dataclass
class ImportReport:
    """What an import did: counts, and the names merged into curated places."""

    rows: int = 0
    added: list[str] = field(default_factory=list)
    merged: dict[str, list[str]] = field(default_factory=dict)
    skipped_features: dict[str, int] = field(default_factory=dict)
    bad_lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        merged_names = sum(len(names) for names in self.merged.values())
        skipped = sum(self.skipped_features.values())
        lines = [f"{self.rows} rows read: {len(self.added)} places added, "
                 f"{len(self.merged)} merged into curated places ({merged_names} new variants), "
                 f"{skipped} skipped (feature codes not imported), {len(self.bad_lines)} malformed lines"]
        for place_id, names in sorted(self.merged.items()):
            if names:
                lines.append(f"  merged into {place_id}: {', '.join(names)}")
        for message in self.bad_lines[:20]:
            lines.append(f"  {message}")
        return "\n".join(lines)


@dataclass(frozen=True)
class GeoNamesRow:
    """The columns of one GeoNames line that an import uses."""

    geonameid: str
    name: str
    asciiname: str
    alternate_names: tuple[str, ...]
    lat: float
    lon: float
    feature_code: str
    admin1: str
    admin2: str
    population: int


def parse_line(line: str, path: str, number: int) -> GeoNamesRow:
    """Parse one line of a dump; raises `GeoError` naming the line and column when malformed."""
    cells = line.rstrip("\n").rstrip("\r").split("\t")
    if len(cells) != COLUMNS:
        raise GeoError(f"{path}:{number}: expected {COLUMNS} tab-separated columns, found {len(cells)} — "
                       "is this a GeoNames country dump (e.g. SY.txt), unmodified?")
    try:
        lat, lon = float(cells[4]), float(cells[5])
    except ValueError as err:
        raise GeoError(f"{path}:{number}: latitude/longitude {cells[4]!r}, {cells[5]!r} are not numbers") from err
    population = int(cells[14]) if cells[14].strip().isdigit() else 0
    alternates = tuple(name.strip() for name in cells[3].split(",") if name.strip())
    return GeoNamesRow(cells[0].strip(), cells[1].strip(), cells[2].strip(), alternates, lat, lon,
                       cells[7].strip(), cells[10].strip(), cells[11].strip(), population)


def read_rows(path: str | Path, progress: bool = True) -> Iterator[GeoNamesRow | GeoError]:
    """Stream the rows of a dump, yielding a `GeoError` in place of each malformed line."""
    path = Path(path)
    try:
        size = path.stat().st_size
        handle = open(path, encoding="utf-8")
    except FileNotFoundError as err:
        raise GeoError(f"{path}: no such file — give the path of a GeoNames dump such as SY.txt") from err
    with handle, progress_bar(total=size, desc=path.name, byte_counts=True, shown=progress, leave=False) as bar:
        try:
            for number, line in enumerate(handle, 1):
                bar.update(len(line.encode("utf-8")))
                if not line.strip() or line.startswith("#"):
                    continue
                try:
                    yield parse_line(line, str(path), number)
                except GeoError as err:
                    yield err
        except UnicodeDecodeError as err:
            raise GeoError(f"{path}: not UTF-8 text (byte {err.start}) — GeoNames dumps are UTF-8; "
                           "download the file again") from err


def _names_of(row: GeoNamesRow) -> list[str]:
    """The row's useful names: Latin and Arabic spellings, without codes, links and duplicates."""
    names: list[str] = []
    seen: set[str] = set()
    for name in (row.name, row.asciiname, *row.alternate_names):
        if not name or name.startswith("http") or any(ch.isdigit() for ch in name) and not is_arabic(name):
            continue
        if not (is_arabic(name) or name.isascii() or all(ch.isalpha() or ch in " -'’" for ch in name)):
            continue
        key = normalise(name)
        if key and key not in seen:
            seen.add(key)
            names.append(name)
    return names


def _closest_curated(gaz: Gazetteer, row: GeoNamesRow, names: list[str], merge_km: dict,
                     feature_km: dict) -> Place | None:
    """The nearest curated place sharing a name with the row, within its feature's or precision's merge distance."""
    best: tuple[float, Place] | None = None
    for name in names:
        for place_id, _how in gaz.key_matches(normalise(name).split()):
            place = gaz.places[place_id]
            if place.source != "curated":
                continue
            distance = distance_km(row.lat, row.lon, place.lat, place.lon)
            limit = feature_km.get(place.feature) or merge_km.get(place.precision, 5)
            if distance <= limit and (best is None or distance < best[0]):
                best = (distance, place)
    return best[1] if best else None


def import_geonames(dump: str | Path, curated: Gazetteer, existing: str | Path | None = None,
                    progress: bool = True) -> tuple[dict, ImportReport]:
    """Merge a GeoNames dump against a curated gazetteer.

    Parameters
    ----------
    dump : str or Path
        The GeoNames country file (19 tab-separated columns).
    curated : Gazetteer
        The curated places; they are never changed, only given extra variants.
    existing : str or Path, optional
        A previous import output to extend (re-importing is idempotent).
    progress : bool
        Show a tqdm progress bar while streaming.

    Returns
    -------
    (dict, ImportReport)
        The YAML document to write — ``places`` (added places) and ``variants``
        (curated id → names to add) — and what was done.
    """
    spec = read_data_file("geonames_features.yaml")
    codes, merge_km, town_population = spec["codes"], spec["merge_km"], spec["town_population"]
    feature_km = spec.get("merge_km_by_feature") or {}
    added: dict[str, dict] = {}
    variants: dict[str, list[str]] = {}
    if existing and Path(existing).exists():
        previous = read_gazetteer_file(existing)  # the project's reader: a hand-edited duplicate key is refused
        for entry in previous.get("places") or []:
            added[entry["id"]] = entry
        variants = {key: list(value) for key, value in (previous.get("variants") or {}).items()}
    report = ImportReport()
    rows: list[GeoNamesRow] = []
    for item in read_rows(dump, progress):
        if isinstance(item, GeoError):
            report.bad_lines.append(str(item))
            continue
        report.rows += 1
        if item.feature_code not in codes:
            report.skipped_features[item.feature_code] = report.skipped_features.get(item.feature_code, 0) + 1
            continue
        rows.append(item)
    admin1: dict[str, str] = {}
    admin2: dict[tuple[str, str], str] = {}
    for row in rows:
        # Admin names as the curated gazetteer spells them when it knows the unit.
        if row.feature_code in ("ADM1", "ADM2"):
            target = _closest_curated(curated, row, _names_of(row), merge_km, feature_km)
            if row.feature_code == "ADM1":
                admin1[row.admin1] = (target.governorate if target and target.governorate else row.name)
            else:
                admin2[(row.admin1, row.admin2)] = (target.district if target and target.district else row.name)
    for row in rows:
        names = _names_of(row)
        target = _closest_curated(curated, row, names, merge_km, feature_km)
        if target is not None:
            known = {normalise(name) for name in (*target.names, *variants.get(target.id, ()))}
            new = [name for name in names if normalise(name) not in known][:_MAX_VARIANTS]
            if new:
                variants.setdefault(target.id, []).extend(new)
            report.merged.setdefault(target.id, []).extend(new)
            continue
        kind = dict(codes[row.feature_code])
        if row.feature_code == "PPL" and row.population >= town_population:
            kind = {"feature": "town", "precision": "town"}
        arabic = [name for name in names if is_arabic(name)]
        latin = [name for name in names if not is_arabic(name)]
        entry = {
            "id": f"gn-{row.geonameid}",
            "name_en": row.name if not is_arabic(row.name) else (latin[0] if latin else row.name),
            "name_ar": arabic[0] if arabic else "",
            "variants": [name for name in names if name not in (row.name, arabic[0] if arabic else None)][:_MAX_VARIANTS],
            "lat": round(row.lat, 5), "lon": round(row.lon, 5),
            **kind,
            "governorate": admin1.get(row.admin1),
            "district": admin2.get((row.admin1, row.admin2)) if row.feature_code != "ADM1" else None,
            "note": f"GeoNames {row.geonameid} ({row.feature_code})",
        }
        entry = {key: value for key, value in entry.items() if value not in (None, "", [])}
        if entry["id"] not in added:
            report.added.append(entry["id"])
        added[entry["id"]] = entry
    return {"places": list(added.values()), "variants": variants}, report


HEADER = """# Places imported from GeoNames (https://www.geonames.org, CC BY 4.0) by
# `python -m geo gazetteer import-geonames`. Regenerate rather than edit: curated
# corrections belong in gazetteer.yaml, which always wins over this file.
#   places:   places the curated gazetteer lacks (id gn-<geonameid>)
#   variants: curated place id -> GeoNames spellings added to its names
"""


def load_import(path: str | Path) -> tuple[list[Place], dict[str, list[str]]]:
    """The places and extra variants of an import file."""
    data = read_gazetteer_file(path)  # parsed once, for places and variants alike
    places = places_from(data, path, source="geonames")
    return places, {key: list(value) for key, value in (data.get("variants") or {}).items()}
