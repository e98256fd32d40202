"""The one clock: every timestamp the app writes comes from a :data:`Clock` handed to it.

The app factory, the repository, drafts, notice serials, statistics defaults and exports all
take a clock instead of reading the system time, so tests freeze it and nothing depends on
the day or the machine's time zone. Only :func:`system_clock` reads the real time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
"""Returns now, timezone-aware, in UTC."""


def system_clock() -> datetime:
    """The real time, aware, in UTC: the default clock of the CLI and the app."""
    return datetime.now(UTC)


def local_today(clock: Clock, zone: ZoneInfo) -> date:
    """Today in the branch's time zone, by ``clock``."""
    return clock().astimezone(zone).date()


def local_day(moment: datetime, zone: ZoneInfo) -> str:
    """The branch-local business day of an aware ``moment`` (``YYYY-MM-DD``)."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (store UTC)")
    return moment.astimezone(zone).date().isoformat()
