"""The record in PostgreSQL with PostGIS, for teams: many curators, replicas, millions of incidents.

One row per incident in ``incidents``: the validated record's fields as
columns, actors by role as text plus ``text[]`` arrays for the associated
actors, ``tags`` as ``text[]``, and the sources as a ``jsonb`` array. Sources
are always read and written with their incident, never queried alone, and
their order matters: a jsonb array keeps both without a join. ``geom`` and
``period`` are generated from lat/lon and date/date_end, so they can never
disagree with them. ``version`` makes edits optimistic: an update names the
version it started from and fails with `ConflictError` if another curator
saved first. Deleted ids are kept in ``deleted_incidents`` and never reused.
"""

from __future__ import annotations

import difflib
import io
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import geopandas as gpd
import orjson
import pandas as pd
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from geo.errors import ConflictError, Problem, RecordError, StoreError
from geo.filters import IncidentFilter, incident_search_words
from geo.frame import columns_to_frame
from geo.gctools import gc_paused, gc_relaxed
from geo.progress import progress_bar
from geo.rawrecord import dump_incident, record_to_raw
from geo.records import fill_admin_areas
from geo.saving import stamp
from geo.schema import source_fields
from geo.stores import pg_copy, pg_search, pg_sql
from geo.stores.base import DEFAULT_ID_PREFIX, new_id
from geo.stores.urls import redact
from geo.summaries import Facets
from geo.validation import validate_incident


@dataclass
class UpsertCounts:
    """What a bulk write did: new incidents, changed ones, unchanged ones, refused deleted ids."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    kept: list[str] = field(default_factory=list)  # ids edited in the database after the incoming copy

    def add(self, other: UpsertCounts) -> None:
        """Add another batch's counts to these."""
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.refused += other.refused
        self.kept += other.kept

    def __str__(self) -> str:
        text = f"{self.inserted} added, {self.updated} updated, {self.unchanged} unchanged"
        if self.refused:
            text += f", {self.refused} refused (ids of deleted incidents are never reused)"
        if self.kept:
            shown = ", ".join(self.kept[:20]) + (f" and {len(self.kept) - 20} more" if len(self.kept) > 20 else "")
            text += (f", {len(self.kept)} kept as they are in the database, edited there after this copy "
                     f"({shown}): pull, redo the change on the new copy, and push again")
        return text


class PostgisStore:
    """An IncidentStore on PostgreSQL with PostGIS.

    Parameters
    ----------
    url : str
        A libpq URL, e.g. ``postgresql://user:password@host:5432/incidents``.
    connect_timeout : int
        Seconds to wait for the server before reporting it unreachable.
    """

    def __init__(self, url: str, connect_timeout: int = 5) -> None:
        self.url = url
        self.safe_url = redact(url)
        self.connect_timeout = connect_timeout
        self._conn: psycopg.Connection | None = None

    def __repr__(self) -> str:
        return f"PostgisStore({self.safe_url!r})"

    # Connections and errors

    def _connection(self) -> psycopg.Connection:
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        try:
            self._conn = psycopg.connect(self.url, connect_timeout=self.connect_timeout, autocommit=True)
        except psycopg.Error as err:
            raise StoreError(
                f"cannot connect to the incident database {self.safe_url}: {_first_line(err, self.url)} — "
                "check that PostgreSQL is running and accepts connections on that host and port, that the "
                "user, password and database name are right, and the URL in INCIDENTS_DB_URL or --db"
            ) from None
        return self._conn

    def close(self) -> None:
        """Close the connection (the next call opens a new one)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn database errors into StoreError naming the database, the step and what to check."""
        where = f"{self.safe_url}: {action}"
        try:
            yield
        except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn) as err:
            raise StoreError(f"{where}: the database has no incident schema ({_first_line(err, self.url)}) — "
                             f"run `python -m geo db init --db URL` first") from None
        except psycopg.errors.InsufficientPrivilege as err:
            raise StoreError(f"{where}: permission denied ({_first_line(err, self.url)}) — connect as a user "
                             "that owns the incident tables") from None
        except psycopg.OperationalError as err:
            self.close()
            raise StoreError(f"{where}: lost the connection ({_first_line(err, self.url)}); the step was "
                             "rolled back and nothing was half-written — check the server and retry") from None
        except (psycopg.DataError, psycopg.IntegrityError) as err:
            raise StoreError(f"{where}: the database refused a value ({_first_line(err, self.url)})") from None
        except psycopg.Error as err:
            raise StoreError(f"{where}: {_first_line(err, self.url)}") from None

    # Schema

    def init(self) -> None:
        """Create the extensions, tables and indexes, or bring an older schema up to date; idempotent."""
        conn = self._connection()
        with self._errors("creating the schema"):
            try:
                with conn.transaction():
                    found = _schema_version(conn)
                    if found is not None and found > pg_sql.SCHEMA_VERSION:
                        raise StoreError(f"{self.safe_url}: schema version {found} is newer than this "
                                         f"program's {pg_sql.SCHEMA_VERSION} — update the program")
                    if found == 1:
                        conn.execute(pg_sql.MIGRATE_1_TO_2)
                    conn.execute(pg_sql.DDL)
                    if found == 1:
                        _fill_search_words(conn)
                    if found is not None and found < 3:
                        conn.execute(pg_sql.MIGRATE_2_TO_3)
                    if found is None:
                        conn.execute("INSERT INTO geo_schema (version) VALUES (%s)", (pg_sql.SCHEMA_VERSION,))
                    elif found < pg_sql.SCHEMA_VERSION:
                        conn.execute("UPDATE geo_schema SET version = %s", (pg_sql.SCHEMA_VERSION,))
            except (psycopg.errors.FeatureNotSupported, psycopg.errors.UndefinedFile) as err:
                raise StoreError(f"{self.safe_url}: PostGIS or pg_trgm is not installed on the server "
                                 f"({_first_line(err, self.url)}) — install postgresql-15-postgis-3 "
                                 "(Debian/Ubuntu) or your platform's PostGIS package") from None
            except psycopg.errors.InsufficientPrivilege as err:
                if "extension" not in str(err):
                    raise
                raise StoreError(f"{self.safe_url}: this user may not add extensions ({_first_line(err, self.url)})"
                                 " — have a superuser run `CREATE EXTENSION postgis; CREATE EXTENSION pg_trgm;` "
                                 "in this database once, then run `db init` again") from None

    # Reading

    def load(self, flt: IncidentFilter | None = None) -> tuple[gpd.GeoDataFrame, list[Problem]]:
        """The incidents matching the filter as a frame shaped exactly like ``read_incidents``'s.

        Parameters
        ----------
        flt : IncidentFilter, optional
            Pushed down to SQL; only matching incidents leave the database.

        Returns
        -------
        (GeoDataFrame, list of Problem)
            Rows ordered by date then id; the database holds only valid
            incidents, so the problem list is empty.
        """
        with gc_paused():
            columns = self._select(flt)
            # The stored search text was made by the same normaliser: no need to redo it per row.
            texts = columns.pop("search_text")
            frame = columns_to_frame(columns, search_texts=texts)
            del columns, texts
        frame = fill_admin_areas(frame)
        if flt is not None and (flt.governorates or flt.districts):
            # Admin areas may be filled at load time; filter them exactly now.
            keep = pd.Series(True, index=frame.index)
            if flt.governorates:
                keep &= frame["governorate"].isin(flt.governorates)
            if flt.districts:
                keep &= frame["district"].isin(flt.districts)
            frame = frame[keep.to_numpy()]
        return frame, []

    def _where(self, flt: IncidentFilter | None) -> tuple[sql.Composable, list]:
        """The WHERE clause for a filter, with the word index's candidates for each search term."""
        conn = self._connection()
        longest_span = conn.execute(pg_sql.LONGEST_SPAN).fetchone()[0] if flt and flt.date_from else None
        return pg_sql.where_clause(flt, {term: pg_search.term_hashes(conn, term) for term in pg_sql.search_terms(flt)},
                                   longest_span)

    def ids(self, flt: IncidentFilter | None = None) -> list[str]:
        """The ids of the matching incidents, ordered by date then id (cheap: no frame is built)."""
        if flt is not None and (flt.governorates or flt.districts):
            return self.load(flt)[0]["id"].tolist()  # admin areas are only exact after filling
        with self._errors("querying incidents"):
            where, params = self._where(flt)
            query = sql.SQL("SELECT id FROM incidents WHERE {} ORDER BY date, id").format(where)
            return [row[0] for row in self._connection().execute(query, params)]

    def count(self, flt: IncidentFilter | None = None) -> int:
        """How many incidents match the filter."""
        if flt is not None and (flt.governorates or flt.districts):
            return len(self.ids(flt))
        with self._errors("counting incidents"):
            where, params = self._where(flt)
            return self._connection().execute(
                sql.SQL("SELECT count(*) FROM incidents WHERE {}").format(where), params).fetchone()[0]

    def _select(self, flt: IncidentFilter | None) -> dict[str, list]:
        """The matching incidents column by column (data columns, version, search_text), ordered by date then id."""
        # Binary results skip parsing every value from text; one transposition then gives whole columns.
        with self._errors("querying incidents"), self._connection().cursor(binary=True) as cursor:
            where, params = self._where(flt)
            query = sql.SQL("SELECT {}, search_text FROM incidents WHERE {} ORDER BY date, id").format(
                pg_sql.select_columns(), where)
            rows = cursor.execute(query, params).fetchall()
        names = (*pg_sql.DATA_COLUMNS, "version", "search_text")
        columns = dict(zip(names, map(list, zip(*rows)))) if rows else {name: [] for name in names}
        columns["sources"] = [_sources(text) for text in columns["sources"]]
        return columns

    def iter_records(self, batch_size: int = 2000) -> Iterator[dict]:
        """Every incident as a validated record, ordered by date then id, streamed in batches."""
        query = sql.SQL("SELECT {} FROM incidents ORDER BY date, id").format(pg_sql.select_columns())
        conn = self._connection()
        with self._errors("reading incidents"), conn.transaction(), conn.cursor(name="geo_pull") as cursor:
            cursor.itersize = batch_size
            cursor.execute(query)
            for row in cursor:
                yield _row_to_record(row)

    def get(self, incident_id: str) -> tuple[dict, str] | None:
        """One incident as written in incidents.yaml (a plain dict) and its version, or None."""
        query = sql.SQL("SELECT {} FROM incidents WHERE id = %s").format(pg_sql.select_columns())
        with self._errors(f"reading incident {incident_id}"):
            row = self._connection().execute(query, (incident_id,)).fetchone()
        if row is None:
            return None
        record = _row_to_record(row)
        return record_to_raw(record), str(row[-1])

    def facets(self) -> Facets:
        """The date span and admin areas of the whole database, for the filters (one query, no rows loaded).

        Incidents stored without an area get one from the gazetteer or the
        boundaries at load time, so the boundaries' areas are offered too.
        """
        from geo.admin import area_names

        with self._errors("reading the record's extent"):
            first, last, governorates, districts = self._connection().execute(
                "SELECT min(date), max(COALESCE(date_end, date)), "
                "array_agg(DISTINCT governorate) FILTER (WHERE governorate IS NOT NULL), "
                "array_agg(DISTINCT district) FILTER (WHERE district IS NOT NULL) FROM incidents").fetchone()
        known_governorates, known_districts = area_names("governorate"), area_names("district")
        return Facets(first, last, tuple(sorted({*(governorates or ()), *known_governorates})),
                      tuple(sorted({*(districts or ()), *known_districts})))

    def deleted_ids(self) -> list[tuple[str, str]]:
        """(id, who deleted it and when) for every deleted incident, by id: these ids are never reused."""
        with self._errors("reading deleted ids"):
            rows = self._connection().execute(
                "SELECT id, deleted_by, to_char(deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') "
                "FROM deleted_incidents ORDER BY id").fetchall()
        return [(ident, f"deleted in the database by {who or 'unknown'} on {day}") for ident, who, day in rows]

    def retire(self, ids: Iterable[str], editor: str) -> int:
        """Keep ids deleted elsewhere (a YAML file's retired ids) from reuse here; return how many were new.

        An id that names a live incident in the database is left alone: that
        incident was saved here, and deleting it is a curator's decision.
        """
        editor = stamp({}, editor)["last_edited_by"]
        with self._errors("retiring deleted ids"):
            rows = self._connection().execute(
                "INSERT INTO deleted_incidents (id, deleted_by) SELECT ident, %s FROM unnest(%s::text[]) AS ident "
                "WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = ident) "
                "ON CONFLICT (id) DO NOTHING RETURNING id", (editor, pg_sql.array_literal(ids))).fetchall()
        return len(rows)

    def next_id(self, date: str, prefix: str = DEFAULT_ID_PREFIX) -> str:
        """A new id ``PREFIX-YYYY-MM-DD-NNN`` never used by a live or deleted incident."""
        new_id(prefix, date, [])  # the date is checked before the database is asked
        pattern = f"{prefix}-{date}-%"
        query = ("SELECT id FROM incidents WHERE id LIKE %(p)s UNION ALL "
                 "SELECT id FROM deleted_incidents WHERE id LIKE %(p)s")
        with self._errors("choosing a new id"):
            taken = [row[0] for row in self._connection().execute(query, {"p": pattern}).fetchall()]
        return new_id(prefix, date, (int(ident.rsplit("-", 1)[1]) for ident in taken
                                     if ident.rsplit("-", 1)[1].isdigit()))

    # Writing

    def save(self, record: dict, base_version: str | None, editor: str) -> str:
        """Add (``base_version`` None) or replace an incident in one transaction; return its new version.

        Raises
        ------
        RecordError
            The incident does not validate; nothing is written.
        ConflictError
            Another curator changed or deleted it since ``base_version``, or
            the id is taken; ``diff`` shows their version against this one.
        """
        raw = stamp(record, editor)
        clean, problems = validate_incident(raw, self.safe_url)
        if clean is None:
            raise RecordError([problem for problem in problems if problem.severity == "error"])
        ident = clean["id"]
        words, index = _search_words(clean), pg_search.WordIndex()
        row = _record_to_params(clean, " ".join(words), index.hashes(words))
        conn = self._connection()
        with self._errors(f"saving incident {ident}"), conn.transaction():
            pg_search.write_vocabulary(conn, index.new_words())
            if base_version is None:
                if conn.execute("SELECT 1 FROM deleted_incidents WHERE id = %s", (ident,)).fetchone():
                    raise ConflictError(f"incident {ident}: this id belonged to a deleted incident and is "
                                        "never reused — give the new incident another id")
                found = conn.execute(pg_sql.insert_one(), row).fetchone()
                if found is None:
                    raise self._conflict(ident, raw, "an incident with this id already exists — "
                                         "open it and edit it, or give the new one another id")
                return str(found[0])
            found = conn.execute(pg_sql.update_one(), (*row, ident, _version(base_version))).fetchone()
            if found is None:
                raise self._conflict(ident, raw, "someone else saved or deleted it since you opened it — "
                                     "reload it, reapply your change and save again")
            return str(found[0])

    def delete(self, incident_id: str, base_version: str, editor: str) -> None:
        """Remove an incident if it still has ``base_version``; its id is never reused."""
        editor = stamp({}, editor)["last_edited_by"]  # a deletion needs a name like any other edit
        conn = self._connection()
        with self._errors(f"deleting incident {incident_id}"), conn.transaction():
            found = conn.execute("DELETE FROM incidents WHERE id = %s AND version = %s RETURNING version",
                                 (incident_id, _version(base_version))).fetchone()
            if found is None:
                raise self._conflict(incident_id, None, "it was changed or deleted since you opened it — "
                                     "reload it and decide again")
            conn.execute("INSERT INTO deleted_incidents (id, deleted_by, last_version) VALUES (%s, %s, %s) "
                         "ON CONFLICT (id) DO NOTHING", (incident_id, editor, found[0]))

    def _conflict(self, ident: str, attempted: dict | None, reason: str) -> ConflictError:
        current = self.get(ident)
        theirs = dump_incident(current[0]).splitlines() if current else []
        mine = dump_incident(attempted).splitlines() if attempted else []
        diff = "\n".join(difflib.unified_diff(theirs, mine, "in the database", "your edit", lineterm=""))
        state = f"now at version {current[1]}" if current else "no longer in the database"
        return ConflictError(f"incident {ident} ({state}): {reason}", diff)

    def upsert(self, records: Iterable[dict], batch_size: int = 5000) -> UpsertCounts:
        """Add or update validated records by id, in batches through COPY, all in one transaction.

        An unchanged incident keeps its version, so re-importing the same data
        changes nothing; if anything fails, nothing of the run is kept. While
        the server writes one batch, the next is read, validated and formatted
        as COPY data in this thread: the two overlap instead of taking turns,
        and the writer thread only sends bytes, so it hardly ever waits for
        the interpreter lock while the server idles. The first load into
        an empty database skips the staging table (see `_copy_batch`). Indexes
        stay in place throughout: the server keeps them up to date while Python
        prepares the next batch, so readers never wait for a rebuild.
        """
        counts = UpsertCounts()
        conn = self._connection()
        with gc_relaxed(), _prompt_handoffs(), self._errors("writing incidents"), conn.transaction(), \
                ThreadPoolExecutor(1) as writer:
            # A large GIN pending list lets the word indexes take a bulk load in
            # big sorted merges instead of one insert per word and row.
            conn.execute("SET LOCAL gin_pending_list_limit = '64MB'")
            conn.execute(sql.SQL("CREATE TEMP TABLE incident_staging ON COMMIT DROP AS "
                                 "SELECT {} FROM incidents WITH NO DATA").format(_write_columns()))
            pending: deque[Future] = deque()
            write = _copy_batch if _is_empty(conn) else _write_batch
            index = pg_search.WordIndex()
            formatting = pg_copy.formatting_cursor(conn)  # used in this thread, the connection in the writer's
            try:
                for data, count in _copy_batches(records, batch_size, formatting, index):
                    words = index.new_words()
                    pending.append(writer.submit(write, conn, data, count, words,
                                                 pg_copy.copy_data(formatting, words, pg_copy.VOCABULARY_TYPES)))
                    if len(pending) > WRITES_AHEAD:
                        counts.add(pending.popleft().result())
                while pending:
                    counts.add(pending.popleft().result())
            finally:
                for future in pending:  # an error while reading: let the writer finish before rolling back
                    future.exception()
        return counts


# Batches the reader may prepare ahead of the server: one merge of the word
# index can hold up a batch for long, and the reader should not idle meanwhile.
WRITES_AHEAD = 3


def _schema_version(conn: psycopg.Connection) -> int | None:
    """The schema version the database is at, or None for a database without the incident schema."""
    if conn.execute("SELECT to_regclass('geo_schema')").fetchone()[0] is None:
        return None
    return conn.execute("SELECT max(version) FROM geo_schema").fetchone()[0]


def _fill_search_words(conn: psycopg.Connection, batch_size: int = 5000) -> None:
    """Index the search text of incidents written before the word index existed (schema 1 → 2)."""
    index = pg_search.WordIndex()
    total = conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
    # A bar on a terminal, silence in logs and tests.
    with conn.cursor(name="geo_search_words") as cursor, \
            progress_bar(total=total, unit=" incidents", desc="indexing search words", shown=None) as bar:
        cursor.execute("SELECT id, search_text FROM incidents")
        while rows := cursor.fetchmany(batch_size):
            bar.update(len(rows))
            hashes = [pg_sql.array_literal(index.hashes(text.split())) for _, text in rows]
            pg_search.write_vocabulary(conn, index.new_words())
            conn.execute("UPDATE incidents i SET search_words = w.hashes::integer[] "
                         "FROM unnest(%s::text[], %s::text[]) AS w(id, hashes) WHERE i.id = w.id",
                         ([ident for ident, _ in rows], hashes))


def _write_columns() -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(column) for column in pg_sql.WRITE_COLUMNS)


@contextmanager
def _prompt_handoffs(seconds: float = 0.0005) -> Iterator[None]:
    """Shorten the interpreter's thread switch interval for a bulk write.

    The COPY writer thread gives up the GIL at every socket wait; with the
    default 5 ms interval it then waits behind the parsing thread before it
    can send more, and the server idles. Measured: ~10% more rows per second.
    """
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _is_empty(conn: psycopg.Connection) -> bool:
    """True when the database holds no incident and never deleted one: a first load."""
    return conn.execute("SELECT NOT EXISTS (SELECT 1 FROM incidents) "
                        "AND NOT EXISTS (SELECT 1 FROM deleted_incidents)").fetchone()[0]


def _copy_batch(conn: psycopg.Connection, data: bytes, count: int, words: list[tuple[str, int]],
                words_data: bytes) -> UpsertCounts:
    """COPY one batch of a first load straight into ``incidents`` (in the writer thread).

    Skipping the staging table and the upsert saves the server ~6 µs per row
    (about a seventh of its work), and so does copying the new search words
    without a conflict check. An id or word that is already there (repeated
    later in the file, loaded meanwhile by someone else, or left by incidents
    deleted outside this program) fails its COPY; that part of the batch is
    then undone to its savepoint and written the usual way.
    """
    if words and not pg_search.copy_vocabulary(conn, words_data):
        pg_search.write_vocabulary(conn, words)
    try:
        with conn.transaction(), conn.cursor() as cursor:
            pg_copy.copy_into(cursor, "incidents", pg_sql.WRITE_COLUMNS, data)
    except psycopg.errors.UniqueViolation:
        return _write_batch(conn, data, count, [], b"")
    return UpsertCounts(inserted=count)


def _write_batch(conn: psycopg.Connection, data: bytes, count: int, words: list[tuple[str, int]],
                 words_data: bytes) -> UpsertCounts:  # noqa: ARG001 - the signature of _copy_batch
    """COPY one batch into the staging table and upsert it, with its new search words (in the writer thread)."""
    pg_search.write_vocabulary(conn, words)
    with conn.cursor() as cursor:
        pg_copy.copy_into(cursor, "incident_staging", pg_sql.WRITE_COLUMNS, data)
        kept = [row[0] for row in cursor.execute(pg_sql.kept_newer("incident_staging")).fetchall()]
        cursor.execute(pg_sql.upsert_from_staging("incident_staging"))
        flags = [row[0] for row in cursor.fetchall()]
        refused = cursor.execute(
            "SELECT count(*) FROM incident_staging s JOIN deleted_incidents d USING (id)").fetchone()[0]
        cursor.execute("TRUNCATE incident_staging")
    inserted = sum(flags)
    return UpsertCounts(inserted, len(flags) - inserted, count - len(flags) - refused - len(kept), refused, kept)


def _copy_batches(records: Iterable[dict], size: int, formatting: psycopg.Cursor,
                  index: pg_search.WordIndex) -> Iterator[tuple[bytes, int]]:
    """Records as COPY data, in batches of ``size`` distinct ids; their new search words wait in the index.

    Each record is formatted as it arrives, while the validator's work on it
    is still in the processor's caches: formatting a whole batch afterwards
    cost 3 µs more per row. An id met twice in a batch: the last one wins,
    and the batch is formatted again from its records.
    """
    records = iter(records)
    while True:
        batch: dict[str, dict] = {}
        replaced = False
        buffer = io.BytesIO()
        with pg_copy.writing(formatting, buffer) as copy:
            for record in records:
                if record["id"] in batch:
                    replaced = True
                else:
                    copy.write_row(_row(record, index))
                batch[record["id"]] = record
                if len(batch) >= size:
                    break
        if not batch:
            return
        data = pg_copy.copy_data(formatting, (_row(record, index) for record in batch.values())) if replaced \
            else buffer.getvalue()
        yield data, len(batch)
        if len(batch) < size:
            return


def _search_words(record: dict) -> list[str]:
    """The words of a record's normalised search text, by the very function the in-memory filter uses."""
    return incident_search_words(record.get("description"), record.get("place"), record.get("notes"),
                                 record.get("sources"))


def _row(record: dict, index: pg_search.WordIndex) -> list:
    """The COPY row of a record; its new search words wait in the index."""
    found = _search_words(record)
    return pg_copy.copy_row(record, " ".join(found), index.array(found))


def _record_to_params(record: dict, text: str, hashes: list[int]) -> list:
    """The values of pg_sql.WRITE_COLUMNS for one validated record, as query parameters."""
    params = {column: record.get(column) for column in pg_sql.DATA_COLUMNS}
    for column in ("assoc_actor1", "assoc_actor2", "tags"):
        params[column] = list(params[column] or [])
    params["sources"] = Jsonb(params["sources"] or [])
    return [*params.values(), text, hashes]


def _row_to_record(row: tuple) -> dict:
    """A validated record (as geo.validation makes it) from a row of select_columns()."""
    record = dict(zip(pg_sql.DATA_COLUMNS, row, strict=False))
    for column in ("date", "date_end"):
        if record[column] is not None:
            record[column] = record[column].isoformat()
    record["sources"] = _sources(record["sources"])
    record["line"] = None
    return record


def _sources(text: str) -> list[dict]:
    """A stored sources array (json text) as validation writes it: every schema field, in order, None when absent."""
    # Jsonb keeps an object's keys in its own order; merging onto the empty source restores the schema's.
    empty = _empty_source()
    shaped = [{**empty, **source} for source in (orjson.loads(text) if text else [])]
    if any(len(source) != len(empty) for source in shaped):
        # A field no longer in the schema: drop it, as validation would.
        shaped = [{name: source[name] for name in empty} for source in shaped]
    return shaped


@cache
def _empty_source() -> dict[str, None]:
    """Every source field, in schema order, as None (never mutated: only merged into new dicts)."""
    return dict.fromkeys(source_fields())


def _version(token: str) -> int:
    try:
        return int(token)
    except (TypeError, ValueError):
        raise ConflictError(f"version {token!r} is not a version of this database — reload the incident") from None


def _first_line(err: Exception, url: str) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text.replace(url, redact(url))
