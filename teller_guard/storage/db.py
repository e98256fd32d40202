"""Build the database engine from a URL and bring its schema up to date.

SQLite (the embedded default) runs in WAL mode with a busy timeout, so several counters can
share one branch file, and with ``synchronous=FULL``, so a power cut after a commit loses
nothing. PostgreSQL (a whole region) needs the ``postgres`` extra (psycopg 3).

Start-up reads the schema version with one query and, when it is at head, never imports
Alembic (:func:`ensure_schema`). When it is behind, the migration runs under a lock — an
exclusive transaction on SQLite, an advisory lock on PostgreSQL — so eight counters starting at
once on a new database migrate it once and all come up; the whole upgrade is one transaction,
so a kill mid-migration leaves the schema as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from teller_guard.storage.faults import SchemaTooNew
from teller_guard.storage.retry import run_with_retry

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSIONS = MIGRATIONS / "versions"
MIGRATION_LOCK_KEY = 0x7467_6D69  # "tgmi": one advisory lock id for teller_guard's migrations
MIGRATION_WAIT = 600.0
"""How long a counter waits for another one's migration (seconds) before giving up."""
from teller_guard.storage.queries import SCHEMA_HEAD  # noqa: E402  (re-exported)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` (never at import time; tests build their own)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            private_file(Path(parsed.database).expanduser())
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    # pre-ping: a server restarted under a running app costs the next save one reconnect, not
    # an error; connect_timeout: a server that is down fails the save in seconds, not minutes.
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def private_file(path: Path) -> None:
    """Create ``path`` (and its folder) owner-only before SQLite opens it: folder 0700, file
    0600. SQLite gives the WAL and shared-memory files the database file's permissions."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:  # a read-only folder: SQLite says so when it opens the file
        pass


def alembic_config(engine: Engine, connection: Connection | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration's revision (:data:`~teller_guard.storage.queries.SCHEMA_HEAD`; tests
    keep it equal to Alembic's head and every revision equal to its file's prefix)."""
    return SCHEMA_HEAD


def _read_revision(conn: Connection) -> str | None:
    if conn.dialect.name == "sqlite":
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
    else:
        exists = conn.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    if not exists:
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None for a new database)."""
    with engine.connect() as conn:
        return _read_revision(conn)


def _check_not_newer(current: str | None, head: str) -> None:
    if current is not None and current > head:
        raise SchemaTooNew(f"the database is at schema {current}; this teller_guard knows up to {head}")


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest revision under a lock (safe to repeat; keeps existing data).

    SQLite: ``BEGIN EXCLUSIVE`` first, so the whole upgrade is one transaction that no other
    connection can interleave with (others wait, with jittered retries, up to
    :data:`MIGRATION_WAIT`). PostgreSQL: ``pg_advisory_xact_lock`` inside the upgrade's
    transaction (DDL is transactional there). Alembic then reads the version inside the lock,
    so a counter that waited finds the work done and changes nothing.

    Raises:
        SchemaTooNew: the database was migrated by a newer teller_guard.
    """
    from alembic import command

    def locked_upgrade() -> None:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN EXCLUSIVE")
            else:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            _check_not_newer(_read_revision(conn), head_revision())
            command.upgrade(alembic_config(engine, conn), "head")
            conn.commit()

    run_with_retry(locked_upgrade, budget=MIGRATION_WAIT)


def ensure_schema(engine: Engine) -> None:
    """Migrate only when the database is behind: one cheap query when it is at head.

    Raises:
        SchemaTooNew: the database was migrated by a newer teller_guard.
    """
    head = head_revision()
    current = run_with_retry(lambda: current_revision(engine))
    if current == head:
        return
    _check_not_newer(current, head)
    migrate(engine)
