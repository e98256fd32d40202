"""Retrying a unit of work when the database is only busy, with jittered back-off.

Several counters share one database. On SQLite a writer waits for the lock (``busy_timeout``)
but may still be told ``database is locked``; on PostgreSQL a transaction may fail with a
serialisation failure or a deadlock, and a restarted server drops every pooled connection.
None of these means the work was wrong: the same unit of work, run again a moment later,
succeeds. :func:`run_with_retry` does that, with full jitter so the counters that collided do
not collide again, and gives up after a time budget with the last error (which
:mod:`teller_guard.storage.faults` turns into one clear line).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from teller_guard.storage.faults import Transient, transient_kind

T = TypeVar("T")

BASE_DELAY = 0.01
"""The first back-off (seconds) before jitter; doubled at each attempt."""
MAX_DELAY = 1.0
"""No single wait is longer than this."""
BUDGET = 30.0
"""Give up when a unit of work has been retried for this long (seconds)."""
CONNECTION_ATTEMPTS = 4
"""A dropped connection is retried this many times (pre-ping reconnects on the next try)."""

retries: dict[str, int] = {"busy": 0, "serialization": 0, "connection": 0}
"""Retries made in this process so far, by kind (the load benchmark prints them)."""


def run_with_retry(
    work: Callable[[], T],
    *,
    budget: float = BUDGET,
    on_retry: Callable[[int, Transient, BaseException], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Run ``work()``; run it again while it fails for a transient reason, within ``budget`` seconds.

    ``work`` must be a whole unit of work (its own transaction), safe to run again after a
    failure: a failed transaction has been rolled back. ``on_retry(attempt, kind, exc)`` is
    called before each new attempt (the UI shows one "retrying" line).

    Raises:
        The last exception, once the budget is spent or the error is not transient.
    """
    started = clock()
    attempt = 0
    connection_failures = 0
    while True:
        try:
            return work()
        except Exception as exc:
            kind = transient_kind(exc)
            if kind is None:
                raise
            attempt += 1
            if kind == "connection":
                connection_failures += 1
                if connection_failures > CONNECTION_ATTEMPTS:
                    raise
            delay = min(MAX_DELAY, BASE_DELAY * 2 ** min(attempt, 10)) * jitter()
            if clock() - started + delay > budget:
                raise
            retries[kind] += 1
            if on_retry is not None:
                on_retry(attempt, kind, exc)
            sleep(delay)
