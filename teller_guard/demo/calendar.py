"""When demo visits happen: business days, the busy half-hours, and instants spelled the way the
rows store them (SQLite ``DateTime`` text, a record's JSON ``...Z``), cached per day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


def _hms_table() -> list[str]:
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


HMS = _hms_table()


@dataclass(frozen=True)
class Stamp:
    """One instant in the three spellings the rows need (DB text, record JSON, local day)."""

    db: str
    js: str


class StampClock:
    """Turns epoch seconds into the SQLite storage text of SQLAlchemy's ``DateTime`` and the
    ``...Z`` form pydantic writes in a record's canonical JSON, with per-day caches so a
    million rows cost a few table lookups each instead of a ``strftime``."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def day(self, epoch: int) -> str:
        d = epoch // 86400
        s = self._days.get(d)
        if s is None:
            s = self._days[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
        return s

    def db(self, epoch: int) -> str:
        return f"{self.day(epoch)} {HMS[epoch % 86400]}.000000"

    def js(self, epoch: int) -> str:
        return f"{self.day(epoch)}T{HMS[epoch % 86400]}Z"


# Half-hour slots from 08:30 to 17:30 local, weighted for the morning peak, the lunch lull and
# the afternoon peak.
SLOT_WEIGHTS = (0.6, 0.9, 1.1, 1.3, 1.3, 1.2, 1.0, 0.7, 0.6, 0.7, 0.9, 1.1, 1.2, 1.2, 1.1, 1.0, 0.8, 0.5)
OPENS_AT = 8 * 3600 + 1800
WEEKDAY_WEIGHTS = (1.25, 1.05, 1.0, 1.0, 1.1, 0.6, 0.0)  # Mon … Sun; Sunday closed


def business_days(end: date, months: int) -> list[date]:
    """Local business days (Mon–Sat) from ``months`` months before ``end`` up to ``end``."""
    y, m = end.year, end.month - months
    while m < 1:
        y, m = y - 1, m + 12
    day = min(
        end.day,
        [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1],
    )
    start = date(y, m, day) + timedelta(days=1)
    out, d = [], start
    while d <= end:
        if WEEKDAY_WEIGHTS[d.weekday()] > 0:
            out.append(d)
        d += timedelta(days=1)
    return out
