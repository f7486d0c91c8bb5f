"""Shared fixtures. Each fixture family keeps to its own block."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

# PostgreSQL/PostGIS: a real server, never a mock.
# GEO_TEST_DB_URL points at an existing server (with PostGIS available); else a
# throw-away cluster is started from Debian's postgresql-15 binaries. Locally a
# missing server skips the database tests; in CI (CI=true) it fails them.


def _no_database(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI needs PostgreSQL with PostGIS: {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL with PostGIS: {reason} (install postgresql-15-postgis-3 or set GEO_TEST_DB_URL)")


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of a PostgreSQL server with PostGIS for the whole test session."""
    configured = os.environ.get("GEO_TEST_DB_URL")
    if configured:
        yield configured
        return
    from tests import pgcluster

    if not pgcluster.is_available():
        _no_database(f"{pgcluster.PG_BIN}/initdb not found")
    cluster = pgcluster.TempCluster()
    try:
        url = cluster.start()
    except Exception as err:  # any failure to start is reported, not raised as a traceback
        cluster.stop()
        _no_database(f"could not start a throw-away cluster: {err}")
    try:
        yield url
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema: each test gets its own tables."""
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in pg_server_url else "?"
    yield f"{pg_server_url}{joiner}options=-csearch_path%3D{schema},public"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
