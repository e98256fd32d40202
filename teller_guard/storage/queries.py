"""Read models for the reports: a month's grouped figures, the trend, drill-down lists, the
ledger rows and the typical cases. The reports format what this module reads; no other
module outside ``storage/`` writes SQL against the log.

**Which rows count.** Every intervention in the log (closed or abandoned) except one that a
later record *supersedes*:

* a correction names the record it corrects in ``corrects_uid`` — the correction counts
  instead, in its own month;
* a counter case that continues a lobby hand-off names the lobby case in
  ``handoff_from_uid`` — one customer is one count, under the counter's outcome; the lobby
  step stays visible on the counter's row (ledger column 大堂转入, the record view).

Superseded rows are few. Each breakdown is therefore one ``GROUP BY`` over a covering index
of the month (migration 0002) *without* any exclusion filter, and the superseded rows of the
month are then read by primary key and subtracted — so a log without corrections pays
nothing for them.

**Cache (SQLite).** A month's grouped rows are kept in ``stats_cache`` with the log's
highest id when they were read (the watermark). SQLite has one writer at a time, so ids
are committed in order: a cached month is still exact unless a row with a higher id lies
in that month or supersedes a row of that month, which one range read over the new rows
tells. PostgreSQL commits concurrent inserts out of id order, so there nothing is cached.

**Speed without SQLAlchemy.** :class:`Reader` speaks plain SQL with ``:name`` parameters,
either through the standard :mod:`sqlite3` module (the ``stats`` command opens the file
directly and never imports SQLAlchemy) or through an SQLAlchemy engine (PostgreSQL, or the
app's engine).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from teller_guard.core.records import InterventionSummary

NONE = "-"
"""Filter value meaning "no value" (no decision, no acknowledgement, no fraud type)."""
PROTECTING_GROUPS: tuple[str, ...] = ("dissuaded", "police")
"""Outcomes whose ``amount_protected_fen`` counts as 避免损失金额."""
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (18, "18岁以下"),
    (30, "18-29岁"),
    (40, "30-39岁"),
    (50, "40-49岁"),
    (60, "50-59岁"),
    (70, "60-69岁"),
    (80, "70-79岁"),
)
"""Upper bound (exclusive) and label: the same bands as :func:`teller_guard.core.records.age_band`
(a test keeps them equal)."""
AGE_OVER = "80岁及以上"
AGE_UNKNOWN = "未知"

SCHEMA_HEAD = "0007"
"""The newest migration (a test keeps it equal to Alembic's head): a reader that finds this
revision needs no migration run, so it imports neither Alembic nor SQLAlchemy."""
CACHE_VERSION = "1"
"""Bumped whenever the cached payload's shape changes (older entries are then ignored)."""

_SUPERSEDING = (
    "SELECT corrects_uid AS u FROM intervention WHERE corrects_uid > '' "
    "UNION ALL SELECT handoff_from_uid AS u FROM intervention WHERE handoff_from_uid > ''"
)
"""The uids that a later record replaces (each index holds only the few non-null values)."""


# ---------------------------------------------------------------- the connection


def sqlite_path(url: str) -> str | None:
    """The file of an SQLite URL (``sqlite:///rel.db``, ``sqlite:////abs.db``); ``None`` for
    any other database or an in-memory one."""
    scheme, sep, rest = url.partition(":///")
    if not sep or scheme.split("+")[0] != "sqlite":
        return None
    path = rest.split("?")[0]
    return path or None


class Reader:
    """Plain SQL against the log, over :mod:`sqlite3` or an SQLAlchemy engine.

    Build with :meth:`of_engine` (the app's and the commands' engine) or :meth:`open`
    (a database URL; SQLite files are opened without importing SQLAlchemy).
    """

    def __init__(self, *, engine: Engine | None = None, db: sqlite3.Connection | None = None) -> None:
        self._engine = engine
        self._db = db

    @classmethod
    def of_engine(cls, engine: Engine) -> Reader:
        """A reader over an SQLAlchemy engine; on SQLite it uses the same file through :mod:`sqlite3`."""
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            return cls(db=_connect(str(engine.url.database)))
        return cls(engine=engine)

    @classmethod
    def open(cls, url: str) -> Reader:
        """A reader for a database URL."""
        path = sqlite_path(url)
        if path is not None and path != ":memory:":
            return cls(db=_connect(path))
        from teller_guard.storage.db import make_engine

        return cls(engine=make_engine(url))

    @property
    def is_sqlite(self) -> bool:
        return self._db is not None or (self._engine is not None and self._engine.dialect.name == "sqlite")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return list(self.iter(sql, params))

    def iter(self, sql: str, params: dict[str, Any] | None = None, *, size: int = 5000) -> Iterator[tuple[Any, ...]]:
        """Rows as plain tuples, fetched ``size`` at a time (no ORM objects, no type processing)."""
        if self._db is not None:
            cur = self._db.execute(sql, params or {})
            while batch := cur.fetchmany(size):
                yield from batch
            return
        from sqlalchemy import text

        assert self._engine is not None
        with self._engine.connect() as conn:
            result = conn.execution_options(yield_per=size).execute(text(sql), params or {})
            for row in result:
                # PostgreSQL sums integers as NUMERIC: every figure here is a whole number.
                yield tuple(int(v) if isinstance(v, Decimal) else v for v in row)

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        got = self.rows(sql, params)
        return got[0][0] if got else None

    def write(self, sql: str, rows: Sequence[dict[str, Any]]) -> bool:
        """A short write to the derived cache (SQLite only). Never waits long and never fails the
        caller: a busy database just means nothing is cached this time."""
        if self._db is None or not rows:
            return False
        try:
            self._db.execute("PRAGMA busy_timeout=200")
            with self._db:
                self._db.executemany(sql, rows)
            return True
        except sqlite3.Error:
            return False
        finally:
            with suppress(sqlite3.Error):
                self._db.execute("PRAGMA busy_timeout=30000")


def _connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA busy_timeout=30000")
    return db


def _in(name: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """``:name0, :name1 …`` and their parameters, for an ``IN`` list."""
    vals = list(values)
    params = {f"{name}{k}": v for k, v in enumerate(vals)}
    return ", ".join(f":{p}" for p in params) or "NULL", params


# ---------------------------------------------------------------- a month's grouped rows


@dataclass
class MonthRows:
    """The grouped rows of one local month, with superseded records already subtracted.

    Each list holds plain tuples ending in the count (and sums). ``None`` means no value
    (no decision, no notice, no fraud type, unknown age).
    """

    month: str
    core: list[tuple[str, str, str, str | None, str | None, int, int, int, int]] = field(default_factory=list)
    """(channel, status, level, decision_group, ack_method, n, amount_fen, protected_fen, largest_protected_fen)"""
    typology: list[tuple[str | None, str | None, int, int]] = field(default_factory=list)
    """(primary_typology, decision_group, n, protected_fen)"""
    staff: list[tuple[str, str, str | None, int, int]] = field(default_factory=list)
    """(staff_id, staff_role, decision_group, n, protected_fen)"""
    customer: list[tuple[int | None, str | None, int]] = field(default_factory=list)
    """(customer_age, customer_sex, n)"""
    duration: list[tuple[str, int, int]] = field(default_factory=list)
    """(channel, duration_seconds, n)"""
    labels: dict[str, str] = field(default_factory=dict)
    """Fraud type id → its label as stored with the records (for types the rules no longer have)."""

    def to_json(self) -> str:
        return json.dumps(
            [self.core, self.typology, self.staff, self.customer, self.duration, self.labels],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, month: str, payload: str) -> MonthRows:
        core, typ, staff, cust, dur, labels = json.loads(payload)
        return cls(
            month,
            [tuple(r) for r in core],
            [tuple(r) for r in typ],
            [tuple(r) for r in staff],
            [tuple(r) for r in cust],
            [tuple(r) for r in dur],
            dict(labels),
        )


@dataclass(frozen=True)
class TrendRow:
    """One month of the trend: every intervention, and the protecting ones."""

    month: str
    interventions: int
    protected_fen: int
    dissuaded: int
    """Dissuaded + police."""


_CORE_SQL = (
    "SELECT channel, status, level, decision_group, ack_method, count(*), "
    "coalesce(sum(amount_fen), 0), coalesce(sum(amount_protected_fen), 0), coalesce(max(amount_protected_fen), 0) "
    "FROM intervention WHERE local_month = :month "
    "GROUP BY channel, status, level, decision_group, ack_method"
)
_TYPOLOGY_SQL = (
    "SELECT primary_typology, decision_group, count(*), coalesce(sum(amount_protected_fen), 0) "
    "FROM intervention WHERE local_month = :month GROUP BY primary_typology, decision_group"
)
_STAFF_SQL = (
    "SELECT staff_id, staff_role, decision_group, count(*), coalesce(sum(amount_protected_fen), 0) "
    "FROM intervention WHERE local_month = :month GROUP BY staff_id, staff_role, decision_group"
)
_CUSTOMER_SQL = (
    "SELECT customer_age, customer_sex, count(*) FROM intervention WHERE local_month = :month "
    "GROUP BY customer_age, customer_sex"
)
_DURATION_SQL = (
    "SELECT channel, duration_seconds, count(*) FROM intervention WHERE local_month = :month "
    "GROUP BY channel, duration_seconds"
)
_SUPERSEDED_COLUMNS = (
    "t.id, t.local_month, t.channel, t.status, t.level, t.decision_group, t.ack_method, t.amount_fen, "
    "t.amount_protected_fen, t.primary_typology, t.staff_id, t.staff_role, t.customer_age, t.customer_sex, "
    "t.duration_seconds"
)


def _superseded(reader: Reader, months: Iterable[str]) -> list[tuple[Any, ...]]:
    """The rows of ``months`` that a correction or a counter continuation replaces."""
    marks, params = _in("m", sorted(set(months)))
    # Driven from the few superseding uids (CROSS JOIN keeps SQLite from scanning the months).
    return reader.rows(
        f"SELECT DISTINCT {_SUPERSEDED_COLUMNS} FROM ({_SUPERSEDING}) s CROSS JOIN intervention t "
        f"WHERE t.uid = s.u AND t.local_month IN ({marks})",
        params,
    )


def _subtract(groups: list[tuple[Any, ...]], key: tuple[Any, ...], amounts: tuple[int, ...]) -> None:
    """Take one record out of the grouped rows (the count and each summed amount)."""
    width = len(key)
    for k, row in enumerate(groups):
        if tuple(row[:width]) == key:
            rest = [row[width] - 1, *(row[width + 1 + j] - a for j, a in enumerate(amounts))]
            tail = list(row[width + 1 + len(amounts) :])
            groups[k] = (*key, *rest, *tail)
            if rest[0] == 0:
                del groups[k]
            return
    raise AssertionError(f"superseded row not in its group {key}")


def _read_month(reader: Reader, month: str, gone: list[tuple[Any, ...]]) -> MonthRows:
    p = {"month": month}
    rows = MonthRows(
        month,
        core=reader.rows(_CORE_SQL, p),
        typology=reader.rows(_TYPOLOGY_SQL, p),
        staff=reader.rows(_STAFF_SQL, p),
        customer=reader.rows(_CUSTOMER_SQL, p),
        duration=reader.rows(_DURATION_SQL, p),
    )
    recheck_largest: set[tuple[Any, ...]] = set()
    for r in gone:
        _, _, channel, status, level, group, ack, amount, protected, typ, staff, role, age, sex, seconds = r
        key = (channel, status, level, group, ack)
        largest = next(g[8] for g in rows.core if tuple(g[:5]) == key)
        _subtract(rows.core, key, (amount, protected))
        if protected and protected == largest:
            recheck_largest.add(key)
        _subtract(rows.typology, (typ, group), (protected,))
        _subtract(rows.staff, (staff, role, group), (protected,))
        _subtract(rows.customer, (age, sex), ())
        _subtract(rows.duration, (channel, seconds), ())
    if recheck_largest:
        ids, params = _in("g", [r[0] for r in gone])
        for k, g in enumerate(rows.core):
            group_key = tuple(g[:5])
            if group_key not in recheck_largest:
                continue
            largest = reader.scalar(
                "SELECT coalesce(max(amount_protected_fen), 0) FROM intervention WHERE local_month = :month "
                "AND channel = :c AND status = :s AND level = :l AND decision_group IS :d AND ack_method IS :a "
                f"AND id NOT IN ({ids})"
                if reader.is_sqlite
                else "SELECT coalesce(max(amount_protected_fen), 0) FROM intervention WHERE local_month = :month "
                "AND channel = :c AND status = :s AND level = :l AND decision_group IS NOT DISTINCT FROM :d "
                f"AND ack_method IS NOT DISTINCT FROM :a AND id NOT IN ({ids})",
                {"month": month, "c": g[0], "s": g[1], "l": g[2], "d": g[3], "a": g[4], **params},
            )
            rows.core[k] = (*g[:8], int(largest))
    for typ, _group, _n, _p in rows.typology:
        if typ is not None and typ not in rows.labels:
            stored = reader.scalar(
                "SELECT typology_labels FROM intervention WHERE local_month = :month AND primary_typology = :t LIMIT 1",
                {"month": month, "t": typ},
            )
            rows.labels[typ] = (stored or typ).split("；")[0]
    return rows


def _changed_months(reader: Reader, watermark: int) -> set[str]:
    """Months whose figures rows with an id above ``watermark`` change (their own month, and
    the month of any record they supersede)."""
    got = {r[0] for r in reader.rows("SELECT DISTINCT local_month FROM intervention WHERE id > :w", {"w": watermark})}
    got |= {
        r[0]
        for r in reader.rows(
            "SELECT DISTINCT t.local_month FROM intervention n CROSS JOIN intervention t "
            "WHERE n.id > :w AND (t.uid = n.corrects_uid OR t.uid = n.handoff_from_uid)",
            {"w": watermark},
        )
    }
    return got


class _Cache:
    """The ``stats_cache`` table (SQLite): payloads valid at a watermark id."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.enabled = reader.is_sqlite and bool(
            reader.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'stats_cache'")
        )
        self.top = int(reader.scalar("SELECT coalesce(max(id), 0) FROM intervention") or 0)
        self._changed: dict[int, set[str]] = {}
        self._writes: list[dict[str, Any]] = []

    def get(self, key: str, month: str) -> str | None:
        if not self.enabled:
            return None
        got = self.reader.rows(
            "SELECT watermark, payload FROM stats_cache WHERE key = :k", {"k": f"{CACHE_VERSION}:{key}"}
        )
        if not got:
            return None
        watermark, payload = got[0]
        if watermark > self.top:  # the log was replaced under the cache
            return None
        if watermark < self.top:
            if watermark not in self._changed:
                self._changed[watermark] = _changed_months(self.reader, watermark)
            if month in self._changed[watermark]:
                return None
            self._writes.append({"k": f"{CACHE_VERSION}:{key}", "w": self.top, "p": payload})
        return str(payload)

    def split(self, kind: str, months: Sequence[str]) -> tuple[dict[str, str], list[str]]:
        """The cached payloads of ``months`` and the months still to read."""
        found: dict[str, str] = {}
        missing: list[str] = []
        for m in dict.fromkeys(months):
            payload = self.get(f"{kind}:{m}", m)
            if payload is None:
                missing.append(m)
            else:
                found[m] = payload
        return found, missing

    def put(self, key: str, payload: str) -> None:
        if self.enabled:
            self._writes.append({"k": f"{CACHE_VERSION}:{key}", "w": self.top, "p": payload})

    def flush(self) -> None:
        if self._writes:
            self.reader.write(
                "INSERT OR REPLACE INTO stats_cache (key, watermark, payload) VALUES (:k, :w, :p)", self._writes
            )
            self._writes = []


def month_rows(reader: Reader, months: Sequence[str]) -> dict[str, MonthRows]:
    """The grouped rows of each month (cached on SQLite, see the module docstring)."""
    cache = _Cache(reader)
    found, missing = cache.split("month", months)
    out = {m: MonthRows.from_json(m, payload) for m, payload in found.items()}
    if missing:
        gone = _superseded(reader, missing)
        for m in missing:
            out[m] = _read_month(reader, m, [r for r in gone if r[1] == m])
            cache.put(f"month:{m}", out[m].to_json())
    cache.flush()
    return out


def trend_rows(reader: Reader, months: Sequence[str]) -> list[TrendRow]:
    """Interventions and protecting outcomes per month, in the order given (cached on SQLite).

    Months not cached are read as one grouped query over the outcome index.
    """
    cache = _Cache(reader)
    found, missing = cache.split("trend", months)
    got = {m: TrendRow(m, *json.loads(payload)) for m, payload in found.items()}
    if missing:
        marks, params = _in("m", missing)
        acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        # Grouped in the order of ix_intervention_month_outcome, so SQLite needs no sort.
        for m, group, n, protected in reader.rows(
            "SELECT local_month, decision_group, count(*), coalesce(sum(amount_protected_fen), 0) FROM intervention "
            f"WHERE local_month IN ({marks}) GROUP BY local_month, channel, status, level, decision_group",
            params,
        ):
            a = acc[m]
            a[0] += n
            if group in PROTECTING_GROUPS:
                a[1] += protected
                a[2] += n
        for r in _superseded(reader, missing):
            a = acc[r[1]]
            a[0] -= 1
            if r[5] in PROTECTING_GROUPS:
                a[1] -= r[8]
                a[2] -= 1
        for m in missing:
            got[m] = TrendRow(m, *acc[m]) if m in acc else TrendRow(m, 0, 0, 0)
            cache.put(f"trend:{m}", json.dumps([got[m].interventions, got[m].protected_fen, got[m].dissuaded]))
    cache.flush()
    return [got[m] for m in months]


def staff_names(reader: Reader) -> dict[str, str]:
    return dict(reader.rows("SELECT staff_id, name FROM staff"))


# ---------------------------------------------------------------- drill-down


@dataclass(frozen=True, kw_only=True)
class DrillFilter:
    """Which interventions a figure counts: one local month, or a range of local days
    (``day_from`` … ``day_to``, inclusive). ``None`` means "any"; :data:`NONE` means "no value"
    for ``decision_groups``, ``ack_methods`` and ``typology``."""

    month: str | None = None
    day_from: date | None = None
    day_to: date | None = None
    channel: str | None = None
    status: str | None = None
    level: str | None = None
    decision_groups: tuple[str, ...] | None = None
    """Any of these outcome groups (``NONE`` for no decision)."""
    ack_methods: tuple[str, ...] | None = None
    """Any of these acknowledgement methods (``NONE`` for no notice)."""
    typology: str | None = None
    staff_id: str | None = None
    age_band: str | None = None
    min_age: int | None = None
    sex: str | None = None
    protected_fen: int | None = None
    """Exactly this amount protected (the "largest single amount" figure)."""

    def __post_init__(self) -> None:
        if self.month is None and (self.day_from is None or self.day_to is None):
            raise ValueError("a drill-down needs a month or both ends of a day range")
        if self.day_from and self.day_to and self.day_from > self.day_to:
            raise ValueError("day_from is after day_to")

    def over_days(self, day_from: date, day_to: date) -> DrillFilter:
        """The same figure over a range of local days instead of its month."""
        return replace(self, month=None, day_from=day_from, day_to=day_to)

    def where(self) -> tuple[str, dict[str, Any]]:
        """SQL conditions on ``i`` (the intervention) and their parameters."""
        cond: list[str] = []
        params: dict[str, Any] = {}
        if self.day_from is not None and self.day_to is not None:
            cond.append("i.local_day BETWEEN :day_from AND :day_to")
            params |= {"day_from": self.day_from.isoformat(), "day_to": self.day_to.isoformat()}
        if self.month is not None:
            cond.append("i.local_month = :month")
            params["month"] = self.month
        for column, value in (
            ("channel", self.channel),
            ("status", self.status),
            ("level", self.level),
            ("staff_id", self.staff_id),
            ("customer_sex", self.sex),
        ):
            if value is not None:
                cond.append(f"i.{column} = :{column}")
                params[column] = value
        for column, values in (
            ("decision_group", self.decision_groups),
            ("ack_method", self.ack_methods),
            ("primary_typology", (self.typology,) if self.typology is not None else None),
        ):
            if values is None:
                continue
            named = [v for v in values if v != NONE]
            parts = []
            if named:
                marks, p = _in(column, named)
                parts.append(f"i.{column} IN ({marks})")
                params |= p
            if NONE in values:
                parts.append(f"i.{column} IS NULL")
            cond.append("(" + " OR ".join(parts) + ")" if parts else "0 = 1")
        if self.age_band is not None:
            cond.append(f"{age_band_sql('i.customer_age')} = :age_band")
            params["age_band"] = self.age_band
        if self.min_age is not None:
            cond.append("i.customer_age >= :min_age")
            params["min_age"] = self.min_age
        if self.protected_fen is not None:
            cond.append("i.amount_protected_fen = :protected_fen")
            params["protected_fen"] = self.protected_fen
        return " AND ".join(cond), params


def age_band_sql(column: str = "customer_age") -> str:
    """SQL for :func:`teller_guard.core.records.age_band` (portable ``CASE``)."""
    whens = " ".join(f"WHEN {column} < {upper} THEN '{label}'" for upper, label in AGE_BANDS)
    return f"(CASE WHEN {column} IS NULL THEN '{AGE_UNKNOWN}' {whens} ELSE '{AGE_OVER}' END)"


_NOT_SUPERSEDED = f"i.uid NOT IN ({_SUPERSEDING})"

DrillSort = Literal["time", "amount", "protected", "level", "staff"]
_DRILL_ORDER: dict[str, str] = {
    "time": "i.closed_at {d}, i.id {d}",
    "amount": "i.amount_fen {d}, i.id {d}",
    "protected": "i.amount_protected_fen {d}, i.id {d}",
    "level": "i.score {d}, i.id {d}",
    "staff": "i.staff_id {d}, i.closed_at {d}",
}


def drill_count(reader: Reader, flt: DrillFilter) -> int:
    """How many interventions a filter selects (equals the figure it came from)."""
    where, params = flt.where()
    return int(reader.scalar(f"SELECT count(*) FROM intervention i WHERE {where} AND {_NOT_SUPERSEDED}", params))


def drill_uids(reader: Reader, flt: DrillFilter, *, limit: int | None = None) -> list[str]:
    """The uids behind a figure, newest first."""
    where, params = flt.where()
    tail = f" LIMIT {int(limit)}" if limit is not None else ""
    return [
        r[0]
        for r in reader.rows(
            f"SELECT i.uid FROM intervention i WHERE {where} AND {_NOT_SUPERSEDED} "
            f"ORDER BY i.closed_at DESC, i.id DESC{tail}",
            params,
        )
    ]


def drill_summaries(
    reader: Reader,
    flt: DrillFilter,
    *,
    limit: int = 500,
    sort: DrillSort = "time",
    descending: bool = True,
    text: str = "",
) -> list[InterventionSummary]:
    """The first ``limit`` interventions behind a figure as list lines.

    Args:
        sort: the order (time, amount, amount protected, level/score, staff).
        descending: largest / newest first.
        text: keep only rows whose staff id, masked customer, fraud type or decision contains it.
    """
    where, params = flt.where()
    if text.strip():
        where += (
            " AND (i.staff_id LIKE :q OR i.customer_name_masked LIKE :q OR i.typology_labels LIKE :q "
            "OR d.label LIKE :q OR i.uid LIKE :q)"
        )
        params["q"] = f"%{text.strip()}%"
    from teller_guard.core.records import InterventionSummary

    order = _DRILL_ORDER[sort].format(d="DESC" if descending else "ASC")
    sql = (
        "SELECT i.uid, i.closed_at, i.local_day, i.channel, i.status, i.staff_id, i.machine_id, "
        "i.customer_name_masked, i.customer_age, i.amount_fen, i.score, i.level, i.typology_labels, "
        "d.decision, d.label, i.decision_group, i.amount_protected_fen, i.handoff_from_uid "
        "FROM intervention i LEFT JOIN decision d ON d.intervention_id = i.id "
        f"WHERE {where} AND {_NOT_SUPERSEDED} ORDER BY {order} LIMIT {int(limit)}"
    )
    out = []
    for r in reader.iter(sql, params):
        out.append(
            InterventionSummary(
                uid=r[0],
                closed_at=utc(r[1]),
                local_day=r[2],
                channel=r[3],
                status=r[4],
                staff_id=r[5],
                machine_id=r[6],
                customer_name_masked=r[7],
                customer_age=r[8],
                amount_fen=r[9],
                score=r[10],
                level=r[11],
                typology_labels=r[12],
                decision=r[13],
                decision_label=r[14],
                decision_group=r[15],
                amount_protected_fen=r[16],
                handoff_from_uid=r[17],
            )
        )
    return out


def utc(value: str | datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite keeps UTC text, PostgreSQL a timestamp)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


# ---------------------------------------------------------------- the ledger


LEDGER_COLUMNS = (
    "i.uid, i.closed_at, i.channel, i.status, i.staff_id, i.staff_role, i.customer_name_masked, "
    "i.customer_sex, i.customer_age, i.amount_fen, i.purpose_text, i.payee_name_masked, i.payee_account_masked, "
    "i.payee_relation_text, i.signal_ids, i.score, i.level, i.typology_labels, d.label, i.decision_group, "
    "i.amount_protected_fen, d.police_ref, a.notice_serial, i.ack_method, l.uid, l.staff_id, l.machine_id"
)
"""What one ledger row reads, in order."""


def superseded_ids(reader: Reader, month: str) -> set[int]:
    return {r[0] for r in _superseded(reader, [month])}


def ledger_count(reader: Reader, month: str) -> int:
    """How many ledger rows the export of ``month`` has."""
    total = int(reader.scalar("SELECT count(*) FROM intervention WHERE local_month = :m", {"m": month}))
    return total - len(superseded_ids(reader, month))


def ledger_rows(reader: Reader, month: str) -> Iterator[tuple[Any, ...]]:
    """The ledger rows of ``month``, oldest first, as the columns of :data:`LEDGER_COLUMNS`, with
    ``closed_at`` as UTC text ``YYYY-MM-DD HH:MM:SS[.ffffff]``. Superseded records are left out."""
    gone, params = _in("g", sorted(superseded_ids(reader, month)))
    sql = (
        f"SELECT {LEDGER_COLUMNS} FROM intervention i "
        "LEFT JOIN decision d ON d.intervention_id = i.id "
        "LEFT JOIN acknowledgement a ON a.intervention_id = i.id "
        "LEFT JOIN intervention l ON l.uid = i.handoff_from_uid "
        f"WHERE i.local_month = :m{f' AND i.id NOT IN ({gone})' if params else ''} ORDER BY i.closed_at, i.id"
    )
    if reader.is_sqlite:  # SQLite keeps UTC as text already: the rows go out untouched
        yield from reader.iter(sql, {"m": month, **params})
        return
    for row in reader.iter(sql, {"m": month, **params}):
        yield (row[0], row[1].astimezone(UTC).isoformat(" "), *row[2:])


# ---------------------------------------------------------------- typical cases

_LEVEL_RANK = "CASE i.level WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END"


@dataclass(frozen=True)
class CaseRow:
    """What a 典型案例 is told from (nothing that identifies the customer besides what is masked later)."""

    uid: str
    closed_at: datetime
    channel: str
    customer_sex: str | None
    customer_age: int | None
    amount_fen: int
    purpose_text: str
    payee_relation_text: str
    signal_ids: str
    score: int
    level: str
    typology_labels: str
    decision_label: str
    decision_group: str
    amount_protected_fen: int


def typical_cases(reader: Reader, month: str, *, limit: int = 3) -> list[CaseRow]:
    """Up to ``limit`` of the month's dissuasions and police reports, highest level and largest
    amount protected first."""
    groups, params = _in("g", PROTECTING_GROUPS)
    sql = (
        "SELECT i.uid, i.closed_at, i.channel, i.customer_sex, i.customer_age, i.amount_fen, i.purpose_text, "
        "i.payee_relation_text, i.signal_ids, i.score, i.level, i.typology_labels, d.label, i.decision_group, "
        "i.amount_protected_fen FROM intervention i JOIN decision d ON d.intervention_id = i.id "
        f"WHERE i.local_month = :m AND i.decision_group IN ({groups}) AND {_NOT_SUPERSEDED} "
        f"ORDER BY {_LEVEL_RANK} DESC, i.amount_protected_fen DESC, i.closed_at, i.id LIMIT {int(limit)}"
    )
    return [CaseRow(r[0], utc(r[1]), *r[2:]) for r in reader.rows(sql, {"m": month, **params})]
