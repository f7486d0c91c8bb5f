"""A throw-away PostgreSQL cluster for tests and benchmarks.

``initdb`` into a temporary folder, start on a free local port, hand out a URL,
and remove everything on stop. PostgreSQL refuses to run as root, so under root
the server runs as ``nobody`` through ``runuser``. Durability is switched off:
the data lives only as long as the test run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("GEO_PG_BIN", "/usr/lib/postgresql/15/bin"))


def is_available() -> bool:
    """True when the server binaries are installed."""
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TempCluster:
    """One temporary cluster; use as a context manager or call start()/stop()."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="geo-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "nobody", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)

    def start(self) -> str:
        """Create and start the cluster with PostGIS and pg_trgm; return its URL."""
        self.socket_dir.mkdir()
        if self.as_root:
            # The server user must own its folders; /tmp itself is world-writable.
            shutil.chown(self.root, "nobody")
            shutil.chown(self.socket_dir, "nobody")
        done = self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                         "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()}")
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -F "
                   "-c full_page_writes=off -c synchronous_commit=off -c shared_buffers=256MB "
                   "-c max_wal_size=2GB -c work_mem=32MB -c maintenance_work_mem=256MB")
        done = self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log),
                         "-o", options)
        if done.returncode:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {log}")
        self._create_extensions()
        return self.url

    def _create_extensions(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server and delete its files."""
        if self.data.exists():
            self._run("pg_ctl", "stop", "-m", "fast", "-w", "-D", str(self.data))
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> TempCluster:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
