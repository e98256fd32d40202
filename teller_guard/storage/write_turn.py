"""Taking turns for SQLite's write lock, so no counter waits long behind the others.

SQLite lets one connection write at a time; the others wait in its busy handler, which sleeps
1, 2, 5 … up to 100 ms between tries. Under contention a writer that has waited a while
sleeps 100 ms at a time while newcomers, polling at 1 ms, take the lock before it: most saves
take milliseconds, a few take a second. :func:`write_turn` queues the counters' writes on a
lock file beside the database instead (``flock``, tried every millisecond), so the one that
gets the turn finds SQLite's lock free. PostgreSQL needs none of this (row locks queue).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

WAIT = 30.0
"""After this long (seconds) the write goes ahead anyway and SQLite's own busy wait applies."""
POLL = 0.001


@contextmanager
def write_turn(engine: Engine) -> Iterator[None]:
    """Hold the database's writer turn for the block (a no-op off SQLite or when the folder is read-only)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    try:
        fd = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only folder: SQLite will say so on the write itself
        yield
        return
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(POLL)
        yield
    finally:
        os.close(fd)  # releases the turn
