"""What a database is for: the ``db_meta`` table, and whether a database is new.

``demo-data`` marks the databases it fills (``purpose = demo``) and refuses any other that is,
or may be, a branch's: a database marked demo, or a new one (no teller_guard tables yet), is the
only kind it writes to.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

PURPOSE = "purpose"
DEMO = "demo"


def is_new_database(url: str) -> bool:
    """True when ``url`` names a database teller_guard has never written (no file, or no tables)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "").expanduser()
        if not parsed.database or not path.exists() or path.stat().st_size == 0:
            return True
    from teller_guard.storage.db import current_revision, make_engine

    engine = make_engine(url)
    try:
        return current_revision(engine) is None and not _has_tables(engine)
    finally:
        engine.dispose()


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return bool(conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'table'").scalar())
        return bool(
            conn.execute(
                text("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
            ).scalar()
        )


def purpose(engine: Engine) -> str | None:
    """The database's recorded purpose (``demo``), or None."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT value FROM db_meta WHERE key = :k"), {"k": PURPOSE}).scalar()


def mark_demo(engine: Engine) -> None:
    """Record that this database holds demo data (kept if already there)."""
    with engine.begin() as conn:
        if purpose(engine) is None:
            conn.execute(text("INSERT INTO db_meta (key, value) VALUES (:k, :v)"), {"k": PURPOSE, "v": DEMO})


def same_database(a: str, b: str) -> bool:
    """Whether two URLs name the same database (SQLite by resolved path; servers by host, port, name)."""
    ua, ub = make_url(a), make_url(b)
    if ua.get_backend_name() != ub.get_backend_name():
        return False
    if ua.get_backend_name() == "sqlite":
        return Path(ua.database or "").expanduser().resolve() == Path(ub.database or "").expanduser().resolve()
    return (ua.host or "localhost", ua.port or 5432, ua.database) == (
        ub.host or "localhost",
        ub.port or 5432,
        ub.database,
    )
