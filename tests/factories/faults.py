"""Database faults on demand: an engine whose SQLite file cannot grow (a full disk)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from teller_guard.storage.db import make_engine


def full_disk_engine(url: str, pages: dict[str, int]) -> Engine:
    """An engine whose connections may not grow the file past ``pages['max']`` pages.

    Raise ``pages['max']`` and ``dispose()`` the engine to free the disk again.
    """
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _cap(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        current = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {max(current, pages['max'])}")
        cur.close()

    return engine
