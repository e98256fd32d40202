"""Branch statistics for a local business month, with 环比 / 同比, the trend and drill-down.

Formatting only: the grouped rows come from :mod:`teller_guard.storage.queries`, which says
which rows count (superseded corrections and lobby hand-offs continued at the counter are
left out: one customer, one count) and how the figures are kept fast (covering indexes, the
superseded rows subtracted, closed months cached).

Everything is counted by the ``local_month`` written with each intervention (computed in the
branch's time zone at write time), never by UTC timestamps, so 00:00–08:00 Beijing time on
the 1st belongs to the month it happened in, on SQLite and PostgreSQL alike.

Every figure carries a :class:`DrillFilter`; :func:`drill` lists the interventions behind it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

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
from teller_guard.storage.queries import (
    AGE_BANDS,
    AGE_OVER,
    AGE_UNKNOWN,
    NONE,
    PROTECTING_GROUPS,
    DrillFilter,
    Reader,
    month_rows,
    staff_names,
    trend_rows,
)
from teller_guard.storage.queries import drill_count as _drill_count
from teller_guard.storage.queries import drill_summaries as _drill_summaries
from teller_guard.storage.queries import drill_uids as _drill_uids

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from teller_guard.core.records import InterventionSummary

__all__ = [
    "ACK_LABELS",
    "CHANNEL_LABELS",
    "GROUP_LABELS",
    "LEVEL_LABELS",
    "NONE",
    "NONE_LABELS",
    "PROTECTING_GROUPS",
    "ROLE_LABELS",
    "SEX_LABELS",
    "STATUS_LABELS",
    "DrillFilter",
]

# ---------------------------------------------------------------- vocabulary

LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
GROUPS: tuple[str, ...] = tuple(GROUP_LABELS)
ACK_METHODS: tuple[str, ...] = tuple(ACK_LABELS)
ELDERLY_AGE = 60
"""老年人 is 60 and over (《老年人权益保障法》)."""

AGE_BAND_ORDER: tuple[str, ...] = (*(b for _, b in AGE_BANDS), AGE_OVER, AGE_UNKNOWN)

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")

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

    def compact_cells(self, *, first_in_section: bool) -> tuple[str, ...]:
        """:meth:`cells` with compact numbers (万/亿), for the screen's narrow columns."""
        return (
            self.section if first_in_section else "",
            self.label,
            compact_value(self.kind, self.value),
            compact_value(self.kind, self.previous),
            self.mom,
            compact_value(self.kind, self.last_year),
            self.yoy,
        )

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


# ---------------------------------------------------------------- building the figures


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


def figures_of(rows: Any) -> MonthFigures:
    """One month's :class:`MonthFigures` from its grouped rows (:class:`storage.queries.MonthRows`)."""
    total = Cell()
    by: dict[str, dict[Any, Cell]] = defaultdict(lambda: defaultdict(Cell))
    protected = Cell()
    largest = 0
    for channel, status, level, group, ack, n, amount, prot, big in rows.core:
        cell = Cell(n, amount, prot)
        total += cell
        by["channel"][channel] += cell
        by["status"][status] += cell
        by["level"][level] += cell
        by["group"][group or NONE] += cell
        by["ack"][ack or NONE] += cell
        if group in PROTECTING_GROUPS:
            protected += cell
            largest = max(largest, big)
    outcomes: dict[tuple[str, str], int] = defaultdict(int)
    for typ, group, n, prot in rows.typology:
        by["typology"][typ or NONE] += Cell(n, 0, prot)
        outcomes[(typ or NONE, group or NONE)] += n
    staff_d: dict[tuple[str, str], Cell] = defaultdict(Cell)
    for sid, role, group, n, prot in rows.staff:
        by["staff"][(sid, role)] += Cell(n, 0, prot)
        if group in PROTECTING_GROUPS:
            staff_d[(sid, role)] += Cell(n, 0, prot)
    ages: dict[str, int] = defaultdict(int)
    elderly = female = 0
    for age, sex, n in rows.customer:
        ages[band_of(age)] += n
        if age is not None and age >= ELDERLY_AGE:
            elderly += n
        if sex == "F":
            female += n
    durations: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    every: dict[int, int] = defaultdict(int)
    for channel, seconds, n in rows.duration:
        durations[channel][int(seconds)] += n
        every[int(seconds)] += n
    return MonthFigures(
        month=rows.month,
        total=total,
        by_channel=dict(by["channel"]),
        by_status=dict(by["status"]),
        by_level=dict(by["level"]),
        by_group=dict(by["group"]),
        by_ack=dict(by["ack"]),
        protected=protected,
        largest_protected_fen=largest,
        by_typology=dict(by["typology"]),
        outcomes_by_typology=dict(outcomes),
        by_staff=dict(by["staff"]),
        staff_dissuaded=dict(staff_d),
        by_age_band=dict(ages),
        elderly=elderly,
        female=female,
        median_seconds=_median(every),
        median_seconds_by_channel={ch: _median(h) for ch, h in durations.items()},
    )


def band_of(age: int | None) -> str:
    """:func:`teller_guard.core.records.age_band` from the shared table (a test keeps them equal),
    without importing the record models."""
    if age is None:
        return AGE_UNKNOWN
    return next((label for upper, label in AGE_BANDS if age < upper), AGE_OVER)


def _reader(source: Engine | Reader) -> tuple[Reader, bool]:
    if isinstance(source, Reader):
        return source, False
    return Reader.of_engine(source), True


def month_stats(
    source: Engine | Reader,
    month: str,
    *,
    typology_labels: Mapping[str, str] | None = None,
    trend_months: int = 12,
) -> MonthStats:
    """Compute the statistics of ``month`` with 环比 / 同比 and the trend.

    Args:
        source: the intervention log (an SQLAlchemy engine or a :class:`Reader`).
        month: the local business month, ``YYYY-MM``.
        typology_labels: fraud-type id → Chinese label (the rules' typologies); ids missing
            here are labelled from the stored records.
        trend_months: how many months the trend covers, ending with ``month``.

    Returns:
        The frozen :class:`MonthStats`.
    """
    parse_month(month)
    prev, last_year = shift_month(month, -1), shift_month(month, -12)
    reader, own = _reader(source)
    try:
        rows = month_rows(reader, (month, prev, last_year))
        trend_keys = [shift_month(month, k - trend_months + 1) for k in range(trend_months)]
        trend = tuple(
            TrendPoint(t.month, t.interventions, t.protected_fen, t.dissuaded) for t in trend_rows(reader, trend_keys)
        )
        names = staff_names(reader)
    finally:
        if own:
            reader.close()
    labels: dict[str, str] = {}
    for m in (last_year, prev, month):
        labels |= rows[m].labels
    labels |= dict(typology_labels or {})
    return MonthStats(
        month=month,
        previous_month=prev,
        last_year_month=last_year,
        current=figures_of(rows[month]),
        previous=figures_of(rows[prev]),
        last_year=figures_of(rows[last_year]),
        trend=trend,
        typology_labels=labels,
        staff_names=names,
    )


# ---------------------------------------------------------------- figures in report order


def _figures(st: MonthStats) -> list[Figure]:
    out: list[Figure] = []
    cur, prev, ly = st.current, st.previous, st.last_year

    def add(key: str, section: str, label: str, kind: Kind, get: Any, flt: DrillFilter) -> None:
        out.append(Figure(key, section, label, kind, get(cur), get(prev), get(ly), flt))

    def f(**kw: Any) -> DrillFilter:
        return DrillFilter(month=st.month, **kw)

    def cell(attr: str, key: str | tuple[str, str], part: str = "count") -> Any:
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
        add(f"staff.{sid}.{role}", sec, f"{who} 核查", "count", cell("by_staff", (sid, role)), f(staff_id=sid))
        add(
            f"staff.{sid}.{role}.dissuaded",
            sec,
            f"{who} 劝阻及报警",
            "count",
            cell("staff_dissuaded", (sid, role)),
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


def compact_count(n: int) -> str:
    """A count for a narrow column: ``86,663``, ``1.2万`` from 100,000, ``1.35亿``."""
    if n >= 100_000_000:
        return f"{Decimal(n) / 100_000_000:.2f}亿"
    if n >= 100_000:
        return f"{Decimal(n) / 10_000:.1f}万"
    return f"{n:,}"


def compact_yuan(fen: int) -> str:
    """Money for a narrow column: ``¥8,800``, ``¥88.0万``, ``¥1.06亿`` (rounded; the exports keep fen)."""
    yuan = Decimal(fen) / 100
    sign = "-" if yuan < 0 else ""
    yuan = abs(yuan)
    if yuan >= 100_000_000:
        return f"{sign}¥{yuan / 100_000_000:.2f}亿"
    if yuan >= 10_000:
        return f"{sign}¥{yuan / 10_000:,.1f}万"
    return f"{sign}¥{yuan:,.0f}" if yuan == yuan.to_integral_value() else f"{sign}¥{yuan:,.2f}"


def compact_value(kind: Kind, value: int | Decimal | None) -> str:
    """:func:`format_value` for the screen's narrow columns."""
    if value is None:
        return "—"
    if kind == "fen":
        return compact_yuan(int(value))
    if kind == "count":
        return compact_count(int(value))
    return format_value(kind, value)


def nice_ticks(top: float, count: int = 4) -> list[int]:
    """Round axis ticks from 0 to at least ``top`` (1, 2, 2.5 or 5 × a power of ten apart)."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** max(0, len(str(int(raw))) - 1)
    step = max(1, int(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)))
    ticks = [0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


# ---------------------------------------------------------------- drill-down


def drill(source: Engine | Reader, flt: DrillFilter, *, limit: int | None = None) -> list[str]:
    """The uids of the interventions behind a figure, newest first."""
    reader, own = _reader(source)
    try:
        return _drill_uids(reader, flt, limit=limit)
    finally:
        if own:
            reader.close()


def drill_count(source: Engine | Reader, flt: DrillFilter) -> int:
    """How many interventions a filter selects (equals the figure it came from)."""
    reader, own = _reader(source)
    try:
        return _drill_count(reader, flt)
    finally:
        if own:
            reader.close()


def drill_summaries(source: Engine | Reader, flt: DrillFilter, **kw: Any) -> list[InterventionSummary]:
    """The interventions behind a figure as list lines (see :func:`storage.queries.drill_summaries`)."""
    reader, own = _reader(source)
    try:
        return _drill_summaries(reader, flt, **kw)
    finally:
        if own:
            reader.close()
