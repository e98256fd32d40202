"""Branch statistics for a local business month, with 环比 / 同比 and drill-down.

Everything is counted by the ``local_month`` string written with each intervention (computed
in the branch's time zone at write time), never by UTC timestamps, so 00:00–08:00 Beijing
time on the 1st belongs to the month it happened in, on SQLite and PostgreSQL alike.

Which rows count: every intervention in the log (closed or abandoned) except one that a
later correction replaces (a correction names the record it corrects in ``corrects_uid``;
the correction counts in its own month instead).

Speed: each breakdown is one ``GROUP BY`` over the three months compared (this month, the
previous month, the same month last year) and reads only the covering index
``ix_intervention_month_stats`` (migration 0002); the 12-month trend reads the narrow
``ix_intervention_month_outcome``. No query touches the wide table rows.

Every figure carries a :class:`DrillFilter`; :func:`drill` lists the interventions behind it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, and_, case, func, literal, or_, select
from sqlalchemy.sql import ColumnElement, Select

from teller_guard.core.records import InterventionSummary, age_band
from teller_guard.core.vocabulary import (  # noqa: F401 (re-exported for the screens and exports)
    ACK_LABELS,
    CHANNEL_LABELS,
    GROUP_LABELS,
    LEVEL_LABELS,
    NONE_LABELS,
    ROLE_LABELS,
    SEX_LABELS,
    STATUS_LABELS,
)
from teller_guard.storage.tables import DecisionRow, InterventionRow, StaffRow

# ---------------------------------------------------------------- vocabulary

LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
GROUPS: tuple[str, ...] = tuple(GROUP_LABELS)
PROTECTING_GROUPS: tuple[str, ...] = ("dissuaded", "police")
"""Outcomes whose ``amount_protected_fen`` counts as 避免损失金额."""
ACK_METHODS: tuple[str, ...] = tuple(ACK_LABELS)
ELDERLY_AGE = 60
"""老年人 is 60 and over (《老年人权益保障法》)."""
NONE = "-"
"""Filter value meaning "no value" (no decision, no acknowledgement, no fraud type)."""

# Same bands as :func:`teller_guard.core.records.age_band` (a test keeps them equal).
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (18, "18岁以下"),
    (30, "18-29岁"),
    (40, "30-39岁"),
    (50, "40-49岁"),
    (60, "50-59岁"),
    (70, "60-69岁"),
    (80, "70-79岁"),
)
AGE_OVER = "80岁及以上"
AGE_UNKNOWN = "未知"
AGE_BAND_ORDER: tuple[str, ...] = (*(b for _, b in AGE_BANDS), AGE_OVER, AGE_UNKNOWN)

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")

I = InterventionRow.__table__.c  # type: ignore[attr-defined]  # noqa: E741  (Core columns, no ORM objects)


# ---------------------------------------------------------------- months


def parse_month(month: str) -> tuple[int, int]:
    """``"2026-11"`` → ``(2026, 11)``.

    Raises:
        ValueError: not ``YYYY-MM`` with a month 01–12.
    """
    m = _MONTH_RE.match(month)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"invalid month {month!r} (expected YYYY-MM)")
    return int(m.group(1)), int(m.group(2))


def shift_month(month: str, delta: int) -> str:
    """The month ``delta`` months after (negative: before) ``month``."""
    y, m = parse_month(month)
    n = y * 12 + (m - 1) + delta
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def previous_month_of(day: date) -> str:
    """The local month before the one ``day`` is in (the default report period)."""
    return shift_month(f"{day.year:04d}-{day.month:02d}", -1)


# ---------------------------------------------------------------- drill-down filter


class DrillFilter(BaseModel):
    """Which interventions of a month a figure counts. ``None`` means "any"; :data:`NONE`
    means "no value" for ``decision_group``, ``ack_method`` and ``typology``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    month: str
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

    def where(self) -> list[ColumnElement[bool]]:
        """The SQL conditions for this filter (besides "not replaced by a correction")."""
        cond: list[ColumnElement[bool]] = [I.local_month == self.month]
        for column, value in (
            (I.channel, self.channel),
            (I.status, self.status),
            (I.level, self.level),
            (I.staff_id, self.staff_id),
            (I.customer_sex, self.sex),
        ):
            if value is not None:
                cond.append(column == value)
        for column, values in ((I.decision_group, self.decision_groups), (I.ack_method, self.ack_methods)):
            if values is not None:
                cond.append(_in_or_null(column, values))
        if self.typology is not None:
            cond.append(_in_or_null(I.primary_typology, (self.typology,)))
        if self.age_band is not None:
            cond.append(age_band_sql() == self.age_band)
        if self.min_age is not None:
            cond.append(I.customer_age >= self.min_age)
        if self.protected_fen is not None:
            cond.append(I.amount_protected_fen == self.protected_fen)
        return cond


def _in_or_null(column: Any, values: Iterable[str]) -> ColumnElement[bool]:
    vals = [v for v in values if v != NONE]
    parts: list[ColumnElement[bool]] = []
    if vals:
        parts.append(column.in_(vals))
    if NONE in values:
        parts.append(column.is_(None))
    return or_(*parts) if parts else literal(False)


def age_band_sql() -> ColumnElement[str]:
    """SQL for :func:`teller_guard.core.records.age_band` (portable ``CASE``)."""
    whens = [(I.customer_age.is_(None), literal(AGE_UNKNOWN))]
    whens += [(I.customer_age < upper, literal(label)) for upper, label in AGE_BANDS]
    return case(*whens, else_=literal(AGE_OVER))


def _effective() -> ColumnElement[bool]:
    """Not replaced by a later correction (driven from the small corrects_uid index)."""
    corrected = InterventionRow.__table__.alias("corrected")  # type: ignore[attr-defined]
    correction = InterventionRow.__table__.alias("correction")  # type: ignore[attr-defined]
    replaced = (
        select(corrected.c.id)
        .select_from(correction.join(corrected, corrected.c.uid == correction.c.corrects_uid))
        .where(correction.c.corrects_uid.is_not(None))
    )
    return I.id.not_in(replaced)


# ---------------------------------------------------------------- one month's figures


@dataclass(frozen=True)
class Cell:
    """A count with the transfer amount and the amount protected behind it (exact fen)."""

    count: int = 0
    amount_fen: int = 0
    protected_fen: int = 0

    def __add__(self, other: Cell) -> Cell:
        return Cell(
            self.count + other.count,
            self.amount_fen + other.amount_fen,
            self.protected_fen + other.protected_fen,
        )


@dataclass(frozen=True)
class MonthFigures:
    """The raw figures of one local month (read-only; build with :func:`month_stats`)."""

    month: str
    total: Cell = Cell()
    by_channel: dict[str, Cell] = field(default_factory=dict)
    by_status: dict[str, Cell] = field(default_factory=dict)
    by_level: dict[str, Cell] = field(default_factory=dict)
    by_group: dict[str, Cell] = field(default_factory=dict)
    """Keyed by outcome group, :data:`NONE` for no decision."""
    by_ack: dict[str, Cell] = field(default_factory=dict)
    protected: Cell = Cell()
    """Dissuaded + police: count, transfer amount, amount protected."""
    largest_protected_fen: int = 0
    by_typology: dict[str, Cell] = field(default_factory=dict)
    outcomes_by_typology: dict[tuple[str, str], int] = field(default_factory=dict)
    by_staff: dict[tuple[str, str], Cell] = field(default_factory=dict)
    """(staff_id, role) → all interventions of that member of staff."""
    staff_dissuaded: dict[tuple[str, str], Cell] = field(default_factory=dict)
    """(staff_id, role) → dissuaded + police only."""
    by_age_band: dict[str, int] = field(default_factory=dict)
    elderly: int = 0
    female: int = 0
    median_seconds: Decimal | None = None
    median_seconds_by_channel: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class TrendPoint:
    """One month of the 12-month trend."""

    month: str
    interventions: int
    protected_fen: int
    dissuaded: int
    """Dissuaded + police."""


Kind = Literal["count", "fen", "seconds"]


@dataclass(frozen=True)
class Figure:
    """One line of the report: a value this month with the previous month and last year."""

    key: str
    """Stable id (``channel.counter``, ``group.dissuaded``, ``protected.amount`` …)."""
    section: str
    label: str
    kind: Kind
    value: int | Decimal | None
    previous: int | Decimal | None
    last_year: int | Decimal | None
    filter: DrillFilter

    @property
    def mom(self) -> str:
        """环比 (against the previous month) as ``+12.5%``."""
        return change(self.value, self.previous)

    @property
    def yoy(self) -> str:
        """同比 (against the same month last year)."""
        return change(self.value, self.last_year)

    def cells(self, *, first_in_section: bool) -> tuple[str, ...]:
        """The row as people read it (section, label, this month, last month, 环比, last year, 同比),
        shared by the terminal table and the app's table."""
        return (
            self.section if first_in_section else "",
            self.label,
            format_value(self.kind, self.value),
            format_value(self.kind, self.previous),
            self.mom,
            format_value(self.kind, self.last_year),
            self.yoy,
        )


@dataclass(frozen=True)
class MonthStats:
    """The statistics of one month with 环比 / 同比, the 12-month trend and outcomes by fraud type."""

    month: str
    previous_month: str
    last_year_month: str
    current: MonthFigures
    previous: MonthFigures
    last_year: MonthFigures
    trend: tuple[TrendPoint, ...]
    typology_labels: dict[str, str]
    staff_names: dict[str, str]

    def typology_label(self, typology: str) -> str:
        if typology == NONE:
            return NONE_LABELS["typology"]
        return self.typology_labels.get(typology, typology)

    def figures(self) -> list[Figure]:
        """Every figure, in report order, each with its drill-down filter."""
        return _figures(self)

    def headline(self) -> dict[str, int | Decimal | None]:
        """The totals every export and the screen state (for cross-checking)."""
        c = self.current
        return {
            "interventions": c.total.count,
            "amount_fen": c.total.amount_fen,
            "dissuaded": c.protected.count,
            "protected_fen": c.protected.protected_fen,
            "largest_protected_fen": c.largest_protected_fen,
            "police": c.by_group.get("police", Cell()).count,
        }


def change(value: int | Decimal | None, base: int | Decimal | None) -> str:
    """``+12.5%`` / ``-3.0%`` / ``持平``; ``—`` when there is nothing to compare with."""
    if value is None or base is None or base == 0:
        return "—" if not value else "新增"
    pct = (Decimal(value) - Decimal(base)) * 100 / Decimal(base)
    pct = pct.quantize(Decimal("0.1"))
    if pct == 0:
        return "持平"
    return f"{pct:+}%"


# ---------------------------------------------------------------- queries


def _months_where(months: Iterable[str]) -> list[ColumnElement[bool]]:
    return [I.local_month.in_(sorted(set(months))), _effective()]


def _sum(column: Any, name: str) -> Any:
    return func.coalesce(func.sum(column), 0).label(name)


def _agg() -> list[Any]:
    return [func.count().label("n"), _sum(I.amount_fen, "amount"), _sum(I.amount_protected_fen, "protected")]


def _grouped(conn: Any, months: Iterable[str], *cols: Any, aggs: list[Any] | None = None) -> list[Any]:
    stmt: Select[Any] = (
        select(I.local_month, *cols, *(aggs if aggs is not None else _agg()))
        .where(*_months_where(months))
        .group_by(I.local_month, *cols)
    )
    return list(conn.execute(stmt))


def _cell(row: Any) -> Cell:
    return Cell(int(row.n), int(row.amount), int(row.protected))


def _median(hist: Mapping[int, int]) -> Decimal | None:
    n = sum(hist.values())
    if n == 0:
        return None
    want = [(n - 1) // 2, n // 2]
    got: list[int] = []
    seen = 0
    for value in sorted(hist):
        count = hist[value]
        for w in want[len(got) :]:
            if w < seen + count:
                got.append(value)
            else:
                break
        seen += count
        if len(got) == 2:
            break
    return (Decimal(got[0]) + Decimal(got[1])) / 2


def month_stats(
    engine: Engine,
    month: str,
    *,
    typology_labels: Mapping[str, str] | None = None,
    trend_months: int = 12,
) -> MonthStats:
    """Compute the statistics of ``month`` with 环比 / 同比 and the trend.

    Args:
        engine: the intervention log (SQLite or PostgreSQL).
        month: the local business month, ``YYYY-MM``.
        typology_labels: fraud-type id → Chinese label (the rules' typologies); ids missing
            here are labelled from the stored records.
        trend_months: how many months the trend covers, ending with ``month``.

    Returns:
        The frozen :class:`MonthStats`.
    """
    parse_month(month)
    prev, last_year = shift_month(month, -1), shift_month(month, -12)
    months = (month, prev, last_year)
    acc: dict[str, dict[str, Any]] = {m: defaultdict(lambda: defaultdict(Cell)) for m in months}
    scalars: dict[str, dict[str, Any]] = {m: {"largest": 0, "elderly": 0, "female": 0} for m in months}
    outcomes: dict[str, dict[tuple[str, str], int]] = {m: defaultdict(int) for m in months}
    ages: dict[str, dict[str, int]] = {m: defaultdict(int) for m in months}
    durations: dict[str, dict[str, dict[int, int]]] = {m: defaultdict(lambda: defaultdict(int)) for m in months}

    with engine.connect() as conn:
        # 1. channel × status × level × outcome × acknowledgement: the core counts and amounts.
        for r in _grouped(
            conn,
            months,
            I.channel,
            I.status,
            I.level,
            I.decision_group,
            I.ack_method,
            aggs=[*_agg(), func.max(I.amount_protected_fen).label("largest")],
        ):
            a, cell = acc[r.local_month], _cell(r)
            group, ack = r.decision_group or NONE, r.ack_method or NONE
            a["total"][""] += cell
            a["channel"][r.channel] += cell
            a["status"][r.status] += cell
            a["level"][r.level] += cell
            a["group"][group] += cell
            a["ack"][ack] += cell
            if group in PROTECTING_GROUPS:
                a["protected"][""] += cell
                s = scalars[r.local_month]
                s["largest"] = max(s["largest"], int(r.largest or 0))
        # 2. fraud type × outcome.
        for r in _grouped(
            conn,
            months,
            I.primary_typology,
            I.decision_group,
            aggs=[func.count().label("n"), literal(0).label("amount"), _sum(I.amount_protected_fen, "protected")],
        ):
            typ, group = r.primary_typology or NONE, r.decision_group or NONE
            acc[r.local_month]["typology"][typ] += _cell(r)
            outcomes[r.local_month][(typ, group)] += int(r.n)
        # 3. staff × outcome.
        for r in _grouped(
            conn,
            months,
            I.staff_id,
            I.staff_role,
            I.decision_group,
            aggs=[func.count().label("n"), literal(0).label("amount"), _sum(I.amount_protected_fen, "protected")],
        ):
            key = f"{r.staff_id}\x00{r.staff_role}"
            acc[r.local_month]["staff"][key] += _cell(r)
            if r.decision_group in PROTECTING_GROUPS:
                acc[r.local_month]["staff_dissuaded"][key] += _cell(r)
        # 4. customer profile: by exact age (index order), banded here by the same rule as SQL.
        for r in _grouped(conn, months, I.customer_age, I.customer_sex, aggs=[func.count().label("n")]):
            n, age = int(r.n), r.customer_age
            ages[r.local_month][age_band(age)] += n
            if age is not None and age >= ELDERLY_AGE:
                scalars[r.local_month]["elderly"] += n
            if r.customer_sex == "F":
                scalars[r.local_month]["female"] += n
        # 5. time per check: a histogram of whole seconds gives an exact median on any back end.
        for r in _grouped(conn, months, I.channel, I.duration_seconds, aggs=[func.count().label("n")]):
            durations[r.local_month][r.channel][int(r.duration_seconds)] += int(r.n)
        # 6. the trend: grouped in the order of the outcome index (no sort), summed here.
        first = shift_month(month, -(trend_months - 1))
        trend_rows = conn.execute(
            select(
                I.local_month,
                I.channel,
                I.status,
                I.level,
                I.decision_group,
                func.count().label("n"),
                _sum(I.amount_protected_fen, "protected"),
            )
            .where(I.local_month >= first, I.local_month <= month, _effective())
            .group_by(I.local_month, I.channel, I.status, I.level, I.decision_group)
        ).all()
        # 7. names: staff and any fraud type the caller did not label.
        staff_names = {r.staff_id: r.name for r in conn.execute(select(StaffRow.staff_id, StaffRow.name))}  # type: ignore[call-overload]
        labels = dict(typology_labels or {})
        for m in months:
            for typ in acc[m]["typology"]:
                if typ != NONE and typ not in labels:
                    stored = conn.execute(
                        select(I.typology_labels).where(I.local_month == m, I.primary_typology == typ).limit(1)
                    ).scalar()
                    labels[typ] = (stored or typ).split("；")[0]

    def figures_of(m: str) -> MonthFigures:
        a = acc[m]
        staff = {tuple(k.split("\x00")): v for k, v in a["staff"].items()}
        staff_d = {tuple(k.split("\x00")): v for k, v in a["staff_dissuaded"].items()}
        all_durations: dict[int, int] = defaultdict(int)
        for hist in durations[m].values():
            for sec, n in hist.items():
                all_durations[sec] += n
        return MonthFigures(
            month=m,
            total=a["total"][""],
            by_channel=dict(a["channel"]),
            by_status=dict(a["status"]),
            by_level=dict(a["level"]),
            by_group=dict(a["group"]),
            by_ack=dict(a["ack"]),
            protected=a["protected"][""],
            largest_protected_fen=scalars[m]["largest"],
            by_typology=dict(a["typology"]),
            outcomes_by_typology=dict(outcomes[m]),
            by_staff=staff,  # type: ignore[arg-type]
            staff_dissuaded=staff_d,  # type: ignore[arg-type]
            by_age_band=dict(ages[m]),
            elderly=scalars[m]["elderly"],
            female=scalars[m]["female"],
            median_seconds=_median(all_durations),
            median_seconds_by_channel={ch: _median(h) for ch, h in durations[m].items()},
        )

    per_month: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in trend_rows:
        p = per_month[r.local_month]
        p[0] += int(r.n)
        if r.decision_group in PROTECTING_GROUPS:
            p[1] += int(r.protected)
            p[2] += int(r.n)
    trend = tuple(
        TrendPoint(m, *per_month[m]) if m in per_month else TrendPoint(m, 0, 0, 0)
        for m in (shift_month(month, k - trend_months + 1) for k in range(trend_months))
    )
    return MonthStats(
        month=month,
        previous_month=prev,
        last_year_month=last_year,
        current=figures_of(month),
        previous=figures_of(prev),
        last_year=figures_of(last_year),
        trend=trend,
        typology_labels=labels,
        staff_names=staff_names,
    )


# ---------------------------------------------------------------- figures in report order


def _figures(st: MonthStats) -> list[Figure]:
    out: list[Figure] = []
    cur, prev, ly = st.current, st.previous, st.last_year

    def add(key: str, section: str, label: str, kind: Kind, get: Any, flt: DrillFilter) -> None:
        out.append(Figure(key, section, label, kind, get(cur), get(prev), get(ly), flt))

    def f(**kw: Any) -> DrillFilter:
        return DrillFilter(month=st.month, **kw)

    def cell(attr: str, key: str, part: str = "count") -> Any:
        return lambda mf: getattr(getattr(mf, attr).get(key, Cell()), part)

    sec = "总体"
    add("total.count", sec, "核查笔数", "count", lambda m: m.total.count, f())
    add("total.amount", sec, "涉及金额", "fen", lambda m: m.total.amount_fen, f())
    for ch, label in CHANNEL_LABELS.items():
        add(f"channel.{ch}", sec, f"{label}核查笔数", "count", cell("by_channel", ch), f(channel=ch))
    add(
        "status.abandoned",
        sec,
        "中途放弃",
        "count",
        cell("by_status", "abandoned"),
        f(status="abandoned"),
    )

    sec = "告知书"
    signed = ("paper", "screen")
    add(
        "ack.signed",
        sec,
        "已签署",
        "count",
        lambda m: sum(m.by_ack.get(k, Cell()).count for k in signed),
        f(ack_methods=signed),
    )
    for method in ACK_METHODS:
        add(f"ack.{method}", sec, ACK_LABELS[method], "count", cell("by_ack", method), f(ack_methods=(method,)))
    add("ack.none", sec, NONE_LABELS["ack_method"], "count", cell("by_ack", NONE), f(ack_methods=(NONE,)))

    sec = "风险等级"
    for lvl in LEVELS:
        add(f"level.{lvl}", sec, f"{LEVEL_LABELS[lvl]}风险", "count", cell("by_level", lvl), f(level=lvl))

    sec = "处置结果"
    for grp, label in GROUP_LABELS.items():
        add(f"group.{grp}", sec, label, "count", cell("by_group", grp), f(decision_groups=(grp,)))
    add(
        "group.warned.amount",
        sec,
        "提示后办理金额",
        "fen",
        cell("by_group", "warned", "amount_fen"),
        f(decision_groups=("warned",)),
    )

    sec = "避免损失"
    protecting = f(decision_groups=PROTECTING_GROUPS)
    add("protected.count", sec, "劝阻及报警笔数", "count", lambda m: m.protected.count, protecting)
    add("protected.amount", sec, "避免损失金额", "fen", lambda m: m.protected.protected_fen, protecting)
    add(
        "protected.largest",
        sec,
        "最大单笔避免损失",
        "fen",
        lambda m: m.largest_protected_fen,
        f(decision_groups=PROTECTING_GROUPS, protected_fen=cur.largest_protected_fen),
    )

    sec = "涉诈类型"
    typs = sorted(
        {*cur.by_typology, *prev.by_typology, *ly.by_typology},
        key=lambda t: (t == NONE, -cur.by_typology.get(t, Cell()).count, t),
    )
    for typ in typs:
        add(f"typology.{typ}", sec, st.typology_label(typ), "count", cell("by_typology", typ), f(typology=typ))

    sec = "客户画像"
    add(
        "customer.elderly",
        sec,
        f"老年客户（{ELDERLY_AGE}岁及以上）",
        "count",
        lambda m: m.elderly,
        f(min_age=ELDERLY_AGE),
    )
    add("customer.female", sec, "女性客户", "count", lambda m: m.female, f(sex="F"))
    for band in AGE_BAND_ORDER:
        if any(band in m.by_age_band for m in (cur, prev, ly)):
            add(f"age.{band}", sec, band, "count", lambda m, b=band: m.by_age_band.get(b, 0), f(age_band=band))

    sec = "员工"
    staff = sorted(
        {*cur.by_staff, *prev.by_staff, *ly.by_staff},
        key=lambda k: (-cur.by_staff.get(k, Cell()).count, k),
    )
    for sid, role in staff:
        who = f"{sid} {st.staff_names.get(sid, '')}".strip() + f"（{ROLE_LABELS.get(role, role)}）"
        add(f"staff.{sid}.{role}", sec, f"{who} 核查", "count", cell("by_staff", (sid, role)), f(staff_id=sid))  # type: ignore[arg-type]
        add(
            f"staff.{sid}.{role}.dissuaded",
            sec,
            f"{who} 劝阻及报警",
            "count",
            cell("staff_dissuaded", (sid, role)),  # type: ignore[arg-type]
            f(staff_id=sid, decision_groups=PROTECTING_GROUPS),
        )

    sec = "用时"
    add("time.median", sec, "每笔核查用时中位数", "seconds", lambda m: m.median_seconds, f())
    for ch, label in CHANNEL_LABELS.items():
        add(
            f"time.median.{ch}",
            sec,
            f"{label}用时中位数",
            "seconds",
            lambda m, c=ch: m.median_seconds_by_channel.get(c),
            f(channel=ch),
        )
    return out


def outcome_matrix(st: MonthStats) -> tuple[list[str], list[str], list[list[int]]]:
    """Outcomes by fraud type for this month: (type labels, outcome labels, counts[type][outcome])."""
    cur = st.current
    typs = sorted(cur.by_typology, key=lambda t: (t == NONE, -cur.by_typology[t].count, t))
    groups = [g for g in (*GROUPS, NONE) if any(cur.outcomes_by_typology.get((t, g)) for t in typs)]
    matrix = [[cur.outcomes_by_typology.get((t, g), 0) for g in groups] for t in typs]
    return (
        [st.typology_label(t) for t in typs],
        [GROUP_LABELS.get(g, NONE_LABELS["decision_group"]) for g in groups],
        matrix,
    )


# ---------------------------------------------------------------- formatting


def format_value(kind: Kind, value: int | Decimal | None) -> str:
    """A figure for people: counts as ``1,234``, money as ``¥1,234.00``, seconds as ``2分05秒``."""
    from teller_guard.core.money import format_yuan

    if value is None:
        return "—"
    if kind == "fen":
        return format_yuan(int(value))
    if kind == "seconds":
        whole = int(Decimal(value))
        half = "" if Decimal(value) == whole else ".5"
        return f"{whole // 60}分{whole % 60:02d}{half}秒" if whole >= 60 else f"{whole}{half}秒"
    return f"{int(value):,}"


# ---------------------------------------------------------------- drill-down


def _drill_stmt(flt: DrillFilter) -> Select[Any]:
    return select(I.uid).where(*flt.where(), _effective()).order_by(I.closed_at.desc(), I.id.desc())


def drill(engine: Engine, flt: DrillFilter, *, limit: int | None = None) -> list[str]:
    """The uids of the interventions behind a figure, newest first."""
    stmt = _drill_stmt(flt)
    if limit is not None:
        stmt = stmt.limit(limit)
    with engine.connect() as conn:
        return [r.uid for r in conn.execute(stmt)]


def drill_count(engine: Engine, flt: DrillFilter) -> int:
    """How many interventions a filter selects (equals the figure it came from)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(*flt.where(), _effective())).scalar_one())


def drill_summaries(engine: Engine, flt: DrillFilter, *, limit: int = 500) -> list[InterventionSummary]:
    """The first ``limit`` interventions behind a figure as list lines, newest first."""
    D = DecisionRow.__table__.c  # type: ignore[attr-defined]  # noqa: N806
    stmt = (
        select(
            I.uid,
            I.closed_at,
            I.local_day,
            I.channel,
            I.status,
            I.staff_id,
            I.machine_id,
            I.customer_name_masked,
            I.customer_age,
            I.amount_fen,
            I.score,
            I.level,
            I.typology_labels,
            D.decision,
            D.label.label("decision_label"),
            I.decision_group,
            I.amount_protected_fen,
        )
        .select_from(InterventionRow.__table__.outerjoin(DecisionRow.__table__, and_(D.intervention_id == I.id)))  # type: ignore[attr-defined]
        .where(*flt.where(), _effective())
        .order_by(I.closed_at.desc(), I.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [InterventionSummary(**r._asdict()) for r in conn.execute(stmt)]
