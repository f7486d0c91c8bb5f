"""The PostgreSQL/PostGIS schema and the translation of an IncidentFilter into SQL.

Every value reaches the server as a bound parameter; only the fixed fragments
below are ever composed into statement text, so a filter value such as
``'; DROP TABLE incidents; --`` is compared as data and matches nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from psycopg import sql

from geo.filters import IncidentFilter
from geo.frame import COLUMNS
from geo.textnorm import normalise

SCHEMA_VERSION = 3

# The id rule of geo.validation (^[a-z0-9][a-z0-9-]{2,80}$) for the server. The
# same pattern with its bounded repetition cost PostgreSQL's regex engine 4.5 µs
# per row of a bulk load, an eighth of the server's work; this form is free.
ID_CHECK = "id ~ '^[a-z0-9][a-z0-9-]*$' AND length(id) BETWEEN 3 AND 81"

# The columns a validated record is stored in: every frame column but the
# YAML line number, which means nothing in a database.
DATA_COLUMNS: tuple[str, ...] = tuple(column for column in COLUMNS if column != "line")
# Plus the normalised search text, computed in Python with geo.textnorm so the
# database matches exactly what the in-memory filter matches, and the hashes of
# its words that index it (see geo.stores.pg_search).
WRITE_COLUMNS: tuple[str, ...] = (*DATA_COLUMNS, "search_text", "search_words")
# What tells whether a write changes a stored incident: the words follow from
# the text, so how they are listed (repeats, order) never counts as a change.
COMPARED_COLUMNS: tuple[str, ...] = (*DATA_COLUMNS, "search_text")

# The secondary indexes of ``incidents``, by name.
INDEXES: dict[str, str] = {
    "incidents_geom_period_idx": "USING gist (geom, period)",
    # A time window without a map area, which the index above (led by geom)
    # would read most of: a b-tree range over the first day, bounded below by
    # the longest span (see `time_window`). A GiST over the period answered the
    # same queries but cost a bulk load 9 µs per row, these two under 2.
    "incidents_first_day_idx": "(date)",
    "incidents_span_idx": "((date_end - date)) WHERE date_end IS NOT NULL",
    "incidents_side1_idx": "(side1)",
    "incidents_side2_idx": "(side2)",
    "incidents_search_words_idx": "USING gin (search_words)",
}


# Indexes earlier versions made that no query uses any more: dropped by
# `db init`, as they only slow writes. (The actor indexes never served the actor
# filter, which also looks in the associated actors' arrays: an OR with an
# unindexed branch reads the whole table anyway.)
RETIRED_INDEXES = ("incidents_date_idx", "incidents_date_end_idx", "incidents_search_idx", "incidents_period_idx",
                   "incidents_actor1_idx", "incidents_actor2_idx")


def create_indexes() -> str:
    """The statements creating every secondary index that does not exist yet, and dropping retired ones."""
    created = [f"CREATE INDEX IF NOT EXISTS {name} ON incidents {how};" for name, how in INDEXES.items()]
    return "\n".join([*created, *(f"DROP INDEX IF EXISTS {name};" for name in RETIRED_INDEXES)])


# Indexed text columns compare bytewise ("C"): ids sort as Python sorts them,
# and the indexes skip the locale's string collation on every comparison.
DDL = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE IF NOT EXISTS incidents (
    id text COLLATE "C" PRIMARY KEY CONSTRAINT incidents_id_check CHECK ({id_check}),
    date date NOT NULL,
    date_end date CHECK (date_end IS NULL OR date_end >= date),
    time_precision text NOT NULL DEFAULT 'day',
    time text,
    event_type text NOT NULL,
    sub_event_type text NOT NULL,
    actor1 text COLLATE "C" NOT NULL,
    actor1_attribution text,
    side1 text COLLATE "C",
    actor2 text COLLATE "C",
    actor2_attribution text,
    side2 text COLLATE "C",
    assoc_actor1 text[] NOT NULL DEFAULT '{}',
    assoc_actor2 text[] NOT NULL DEFAULT '{}',
    place text NOT NULL,
    gazetteer_id text,
    lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    geo_precision text NOT NULL,
    governorate text,
    district text,
    fatalities integer,
    fatalities_max integer,
    fatalities_qualifier text,
    injuries integer,
    injuries_max integer,
    injuries_qualifier text,
    description text,
    sources jsonb NOT NULL DEFAULT '[]',
    status text NOT NULL,
    tags text[] NOT NULL DEFAULT '{}',
    notes text,
    last_edited_by text,
    last_edited_at text,
    search_text text NOT NULL DEFAULT '',
    search_words integer[] NOT NULL DEFAULT '{}',
    version integer NOT NULL DEFAULT 1,
    geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    period daterange GENERATED ALWAYS AS (daterange(date, COALESCE(date_end, date), '[]')) STORED
);
{indexes}
CREATE TABLE IF NOT EXISTS deleted_incidents (
    id text PRIMARY KEY,
    deleted_at timestamptz NOT NULL DEFAULT now(),
    deleted_by text,
    last_version integer
);
CREATE TABLE IF NOT EXISTS search_vocab (
    word text COLLATE "C" PRIMARY KEY,
    hash integer NOT NULL
);
CREATE INDEX IF NOT EXISTS search_vocab_word_idx ON search_vocab USING gin (word gin_trgm_ops);
CREATE TABLE IF NOT EXISTS geo_schema (version integer NOT NULL);
""".replace("{indexes}", create_indexes()).replace("{id_check}", ID_CHECK)


# From schema 2: the same id rule, written so that it costs no time (ID_CHECK).
MIGRATE_2_TO_3 = "ALTER TABLE incidents DROP CONSTRAINT IF EXISTS incidents_id_check, " \
                 f"ADD CONSTRAINT incidents_id_check CHECK ({ID_CHECK})"


# From schema 1: free text was indexed by trigrams of each incident's whole text.
MIGRATE_1_TO_2 = """
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS search_words integer[] NOT NULL DEFAULT '{}';
ALTER TABLE incidents ALTER COLUMN id TYPE text COLLATE "C", ALTER COLUMN actor1 TYPE text COLLATE "C",
    ALTER COLUMN actor2 TYPE text COLLATE "C", ALTER COLUMN side1 TYPE text COLLATE "C",
    ALTER COLUMN side2 TYPE text COLLATE "C";
"""


def _ident_list(columns: tuple[str, ...], prefix: str = "") -> sql.Composable:
    if prefix:
        return sql.SQL(", ").join(sql.Identifier(prefix, column) for column in columns)
    return sql.SQL(", ").join(sql.Identifier(column) for column in columns)


def select_columns() -> sql.Composable:
    """The data columns, in frame order, plus the version, as stored but for ``sources``: json text without nulls.

    Rebuilding each source as a json object in schema order cost the server
    as much as the rest of the query; the client parses the text with orjson
    and puts the fields in order itself, None where absent (see
    postgis._sources). Dropping the null fields first halves the sources'
    bytes, which the server sorts and sends, for less than it saves.
    """
    shaped = [sql.SQL("jsonb_strip_nulls(sources)::text") if column == "sources" else sql.Identifier(column)
              for column in DATA_COLUMNS]
    return sql.SQL(", ").join([*shaped, sql.Identifier("version")])


def upsert_from_staging(staging: str) -> sql.Composable:
    """Insert or update every staged row; a row that changes nothing keeps its version.

    Ids in ``deleted_incidents`` are skipped: an id is never reused. A stored
    incident edited after the staged one was (a curator's save since the file
    was pulled, a correction to an imported event) is kept, not overwritten:
    see `NEWER_IN_DATABASE`.
    """
    updates = sql.SQL(", ").join(
        sql.SQL("{col} = EXCLUDED.{col}").format(col=sql.Identifier(column)) for column in WRITE_COLUMNS
    )
    return sql.SQL(
        "INSERT INTO incidents ({cols}) SELECT {cols} FROM {staging} s "
        "WHERE NOT EXISTS (SELECT 1 FROM deleted_incidents d WHERE d.id = s.id) "
        "ON CONFLICT (id) DO UPDATE SET {updates}, version = incidents.version + 1 "
        "WHERE ({old}) IS DISTINCT FROM ({new}) AND NOT ({newer}) "
        "RETURNING (xmax = 0) AS inserted"
    ).format(
        cols=_ident_list(WRITE_COLUMNS), staging=sql.Identifier(staging), updates=updates,
        old=_ident_list(COMPARED_COLUMNS, "incidents"), new=_ident_list(COMPARED_COLUMNS, "excluded"),
        newer=sql.SQL(NEWER_IN_DATABASE.format(stored="incidents", incoming="excluded")),
    )


def kept_newer(staging: str) -> sql.Composable:
    """The ids of staged incidents that differ from their stored copy, which was edited after them."""
    return sql.SQL(
        "SELECT s.id FROM {staging} s JOIN incidents i USING (id) "
        "WHERE ({stored}) IS DISTINCT FROM ({incoming}) AND {newer} ORDER BY s.id"
    ).format(staging=sql.Identifier(staging), stored=_ident_list(COMPARED_COLUMNS, "i"),
             incoming=_ident_list(COMPARED_COLUMNS, "s"),
             newer=sql.SQL(NEWER_IN_DATABASE.format(stored="i", incoming="s")))


# The stored incident was last edited after the incoming copy (times are ISO
# 8601: validation writes them so). A copy without a time predates the stored
# edit as far as anyone can tell: a file pulled after that edit carries its time.
NEWER_IN_DATABASE = ("({stored}.last_edited_at IS NOT NULL AND ({incoming}.last_edited_at IS NULL OR "
                     "{stored}.last_edited_at::timestamptz > {incoming}.last_edited_at::timestamptz))")


def insert_one() -> sql.Composable:
    """Add one incident unless its id exists (the caller reports the conflict)."""
    return sql.SQL("INSERT INTO incidents ({cols}) VALUES ({params}) ON CONFLICT (id) DO NOTHING "
                   "RETURNING version").format(
        cols=_ident_list(WRITE_COLUMNS), params=sql.SQL(", ").join(sql.Placeholder() * len(WRITE_COLUMNS)))


def update_one() -> sql.Composable:
    """Replace one incident only if it still has the version the edit started from."""
    sets = sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(column)) for column in WRITE_COLUMNS)
    return sql.SQL("UPDATE incidents SET {sets}, version = version + 1 WHERE id = %s AND version = %s "
                   "RETURNING version").format(sets=sets)


def array_literal(values: Iterable[object]) -> str:
    """A PostgreSQL array literal (``{"a","b"}``) for text or integers.

    Bulk writes send arrays as literals: psycopg adapts a Python list element
    by element, which costs a COPY five times more than the whole row else.
    """
    items = [str(value).replace("\\", "\\\\").replace('"', '\\"') for value in values]
    return '{"' + '","'.join(items) + '"}' if items else "{}"


def like_pattern(term: str) -> str:
    """A LIKE pattern matching the term anywhere, with LIKE's own wildcards escaped."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def where_clause(flt: IncidentFilter | None, term_words: Mapping[str, list[int] | None] | None = None,
                 longest_span: int | None = None) -> tuple[sql.Composable, list]:
    """The WHERE clause and its parameters for a filter, with the semantics of geo.filters.mask.

    ``term_words`` gives, per search term, the word hashes that hold it (see
    geo.stores.pg_search.term_hashes), so the word index can find the
    candidates; a term without them is matched by LIKE alone. ``longest_span``
    is the longest ``date_end - date`` stored, in days (see `time_window`).

    Governorate and district are pushed down loosely (an incident without one may
    still get it filled from the gazetteer at load time); the store filters them
    exactly after filling.
    """
    flt = flt or IncidentFilter()
    parts: list[sql.Composable] = []
    params: list = []

    def add(fragment: str, *values: object) -> None:
        parts.append(sql.SQL(fragment))
        params.extend(values)

    if flt.date_from is not None and flt.date_to is not None and flt.date_from > flt.date_to:
        add("FALSE")  # an empty span matches nothing; daterange() would raise instead
    elif flt.date_from is not None or flt.date_to is not None:
        time_window(add, _date(flt.date_from), _date(flt.date_to), flt.bbox is not None or bool(flt.area_wkt),
                    longest_span)
    if flt.actors:
        _role(add, flt.role, "actor1 = ANY(%s) OR assoc_actor1 && %s", "actor2 = ANY(%s) OR assoc_actor2 && %s",
              list(flt.actors))
    if flt.sides:
        _role(add, flt.role, "side1 = ANY(%s)", "side2 = ANY(%s)", list(flt.sides))
    for column, values in (("event_type", flt.event_types), ("sub_event_type", flt.sub_event_types),
                           ("status", flt.statuses), ("geo_precision", flt.precisions)):
        if values:
            parts.append(sql.SQL("{} = ANY(%s)").format(sql.Identifier(column)))
            params.append(list(values))
    for column, values in (("governorate", flt.governorates), ("district", flt.districts)):
        if values:
            parts.append(sql.SQL("({col} = ANY(%s) OR {col} IS NULL)").format(col=sql.Identifier(column)))
            params.append(list(values))
    if flt.min_fatalities is not None and flt.min_fatalities > 0:
        add("COALESCE(fatalities, 0) >= %s", int(flt.min_fatalities))
    if flt.tags:
        add("tags && %s", list(flt.tags))
    if flt.bbox is not None:
        add("geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", *(float(value) for value in flt.bbox))
    if flt.area_wkt:
        # ST_Contains, like shapely.contains_xy in the in-memory filter: a point
        # exactly on the drawn edge is outside in both, so the stores agree.
        add("ST_Contains(ST_GeomFromText(%s, 4326), geom)", flt.area_wkt)
    for term in search_terms(flt):
        hashes = (term_words or {}).get(term)
        if hashes is None:
            add("search_text LIKE %s", like_pattern(term))
        else:
            add("search_words && %s::integer[] AND search_text LIKE %s", hashes, like_pattern(term))
    if not parts:
        return sql.SQL("TRUE"), []
    return sql.SQL(" AND ").join(sql.SQL("({})").format(part) for part in parts), params


LONGEST_SPAN = "SELECT COALESCE(max(date_end - date), 0) FROM incidents WHERE date_end IS NOT NULL"


def time_window(add, start: dt.date | None, end: dt.date | None, with_area: bool, longest_span: int | None) -> None:
    """Overlap of [date, date_end] with the wanted span (an open end is unbounded), in index-friendly terms.

    An incident overlapping the span starts no later than its end, and no
    earlier than its start minus the longest span stored: bounds the
    first-day b-tree can answer. Given as a number (``longest_span`` days,
    read with `LONGEST_SPAN` from the partial span index), the planner can
    tell how many rows they hold; else a sub-query reads it. With a map area
    the overlap is written on ``period`` too, which the (geom, period) GiST
    takes with the area; without one, on the columns, so that GiST (led by
    geom, slow for time alone) is not used for it.
    """
    if with_area:
        add("period && daterange(%s::date, %s::date, '[]')", start, end)
    if end is not None:
        add("date <= %s::date", end)
    if start is not None:
        add("COALESCE(date_end, date) >= %s::date", start)
        if longest_span is None or longest_span >= (start - dt.date.min).days:
            add(f"date >= %s::date - ({LONGEST_SPAN})", start)
        else:
            add("date >= %s::date", start - dt.timedelta(days=longest_span))


def search_terms(flt: IncidentFilter | None) -> list[str]:
    """The normalised words of the filter's text; each must occur in a matching incident's search text."""
    return normalise(flt.text).split() if flt is not None and flt.text.strip() else []


def _role(add, role: str, acted: str, targeted: str, values: list[str]) -> None:
    count = acted.count("%s")
    if role == "acted":
        add(acted, *[values] * count)
    elif role == "targeted":
        add(targeted, *[values] * count)
    else:
        add(f"{acted} OR {targeted}", *[values] * (2 * count))


def _date(value: dt.date | None) -> dt.date | None:
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
