"""Month statistics against a hand-computed fixture: local months (not UTC), corrections,
环比/同比, the trend, medians, drill-down, another time zone, and PostgreSQL."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from teller_guard.core.records import age_band
from teller_guard.reports.stats import (
    NONE,
    DrillFilter,
    MonthStats,
    change,
    drill,
    drill_count,
    drill_summaries,
    format_value,
    month_stats,
    outcome_matrix,
    previous_month_of,
    shift_month,
)
from teller_guard.storage.queries import age_band_sql
from teller_guard.storage.repository import Repository
from tests.factories import frozen_clock
from tests.factories.stats import EXPECTED, TYPES, lobby_pair, seed


@pytest.fixture
def seeded(repo: Repository) -> Repository:
    seed(repo)
    return repo


def by_key(stats: MonthStats) -> dict[str, object]:
    return {f.key: f.value for f in stats.figures()}


def test_months_shift_across_years() -> None:
    assert shift_month("2026-01", -1) == "2025-12"
    assert shift_month("2026-11", -12) == "2025-11"
    assert shift_month("2026-12", 1) == "2027-01"
    from datetime import date

    assert previous_month_of(date(2026, 1, 5)) == "2025-12"
    with pytest.raises(ValueError):
        shift_month("2026-13", 0)


def test_figures_match_the_hand_computed_month(seeded: Repository) -> None:
    stats = month_stats(seeded.engine, "2026-11", typology_labels=TYPES)
    got = by_key(stats)
    for key, want in EXPECTED.items():
        assert got[key] == want, key


def test_month_boundaries_are_local_not_utc(seeded: Repository) -> None:
    nov = month_stats(seeded.engine, "2026-11")
    uids = set(drill(seeded.engine, DrillFilter(month="2026-11")))
    assert "a" * 32 in uids  # 2026-10-31T17:30Z is 01:30 on 1 November in Beijing
    assert "b" * 32 not in uids  # 23:59 on 31 October local
    assert "c" * 32 not in uids  # 2026-11-30T16:30Z is 00:30 on 1 December in Beijing
    assert nov.previous.total.count == 2  # B and I
    dec = month_stats(seeded.engine, "2026-12")
    assert dec.current.total.count == 1 and dec.current.by_channel["atm"].count == 1


def test_a_correction_replaces_the_record_it_corrects(seeded: Repository) -> None:
    uids = drill(seeded.engine, DrillFilter(month="2026-11"))
    assert "g" * 32 not in uids and "g2" + "0" * 30 in uids
    assert len(uids) == 6


def test_month_on_month_and_year_on_year(seeded: Repository) -> None:
    stats = month_stats(seeded.engine, "2026-11")
    total = stats.figures()[0]
    assert (total.value, total.previous, total.last_year) == (6, 2, 1)
    assert total.mom == "+200.0%" and total.yoy == "+500.0%"
    protected = next(f for f in stats.figures() if f.key == "protected.amount")
    assert (protected.previous, protected.last_year) == (2_000_000, 1_000_000)
    assert protected.mom == "+595.0%"
    assert change(0, 0) == "—" and change(3, 0) == "新增" and change(5, 5) == "持平" and change(1, 4) == "-75.0%"


def test_trend_covers_twelve_local_months(seeded: Repository) -> None:
    stats = month_stats(seeded.engine, "2026-11")
    assert [p.month for p in stats.trend][0] == "2025-12" and stats.trend[-1].month == "2026-11"
    assert len(stats.trend) == 12
    by_month = {p.month: p for p in stats.trend}
    assert (by_month["2026-11"].interventions, by_month["2026-11"].protected_fen, by_month["2026-11"].dissuaded) == (
        6,
        13_900_000,
        3,
    )
    assert (by_month["2026-10"].interventions, by_month["2026-10"].protected_fen) == (2, 2_000_000)
    assert sum(p.interventions for p in stats.trend) == 8  # J (Nov 2025) is outside, C (Dec) after


def test_median_time_per_check(seeded: Repository) -> None:
    cur = month_stats(seeded.engine, "2026-11").current
    assert cur.median_seconds == Decimal("107.5")  # 40 70 95 | 120 200 300
    assert cur.median_seconds_by_channel == {"counter": Decimal(95), "atm": Decimal(200)}
    assert format_value("seconds", cur.median_seconds) == "1分47.5秒"


def test_outcomes_by_fraud_type(seeded: Repository) -> None:
    types, groups, matrix = outcome_matrix(month_stats(seeded.engine, "2026-11", typology_labels=TYPES))
    table = {t: dict(zip(groups, row, strict=True)) for t, row in zip(types, matrix, strict=True)}
    assert table["虚假投资理财"] == {"劝阻成功": 1, "停止办理并报警": 0, "暂缓办理": 0, "提示后办理": 1, "未处置": 0}
    assert table["冒充公检法"]["停止办理并报警"] == 1
    assert table["未识别类型"]["暂缓办理"] == 1 and table["未识别类型"]["未处置"] == 1


def test_typology_labels_fall_back_to_the_stored_label(seeded: Repository) -> None:
    stats = month_stats(seeded.engine, "2026-11")  # no labels passed
    assert stats.typology_label("investment") == "虚假投资理财"
    assert stats.typology_label(NONE) == "未识别类型"


def test_every_count_drills_down_to_exactly_its_interventions(seeded: Repository) -> None:
    stats = month_stats(seeded.engine, "2026-11")
    for fig in stats.figures():
        if fig.kind == "count":
            assert drill_count(seeded.engine, fig.filter) == fig.value, fig.key
            assert len(drill(seeded.engine, fig.filter)) == fig.value, fig.key
    protected = next(f for f in stats.figures() if f.key == "protected.amount")
    assert sum(s.amount_protected_fen for s in drill_summaries(seeded.engine, protected.filter)) == 13_900_000
    largest = next(f for f in stats.figures() if f.key == "protected.largest")
    assert drill(seeded.engine, largest.filter) == ["a" * 32]


def test_drill_summaries_are_newest_first_and_limited(seeded: Repository) -> None:
    rows = drill_summaries(seeded.engine, DrillFilter(month="2026-11"), limit=3)
    assert [r.uid[0] for r in rows] == ["h", "g", "f"]
    assert rows[1].decision_label == "劝阻成功（客户放弃）" and rows[1].decision_group == "dissuaded"


def test_sql_age_bands_equal_the_domain_rule(repo: Repository) -> None:
    # Evaluate the drill-down CASE on a one-column table holding every age.
    compiled = age_band_sql("customer_age")
    with repo.engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE ages (customer_age INTEGER)"))
        conn.execute(text("INSERT INTO ages VALUES (NULL)," + ",".join(f"({a})" for a in range(121))))
        rows = conn.execute(text(f"SELECT customer_age, {compiled} FROM ages")).all()
    assert len(rows) == 122
    for age, band in rows:
        assert band == age_band(age), age


def test_another_branch_time_zone(tmp_path: Path) -> None:
    london = Repository.open(f"sqlite:///{tmp_path / 'ldn.db'}", ZoneInfo("Europe/London"), clock=frozen_clock)
    seed(london)
    uids = set(drill(london.engine, DrillFilter(month="2026-11")))
    assert "a" * 32 not in uids  # 17:30 on 31 October in London
    assert "c" * 32 in uids  # 16:30 on 30 November in London
    stats = month_stats(london.engine, "2026-11")
    assert stats.current.by_channel["atm"].count == 2
    assert stats.current.total.count == 6


def test_month_stats_on_postgresql(pg_url: str, repo: Repository) -> None:
    # A database of our own in the shared throwaway cluster, so other tests' rows don't count.
    name = f"tg_stats_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    pg = Repository.open(pg_url.rsplit("/", 1)[0] + f"/{name}", ZoneInfo("Asia/Shanghai"))
    try:
        seed(pg)
        seed(repo)
        on_pg = month_stats(pg.engine, "2026-11", typology_labels=TYPES)
        on_sqlite = month_stats(repo.engine, "2026-11", typology_labels=TYPES)
        got = by_key(on_pg)
        for key, want in EXPECTED.items():
            assert got[key] == want, key
        assert [(f.key, f.value, f.previous, f.last_year) for f in on_pg.figures()] == [
            (f.key, f.value, f.previous, f.last_year) for f in on_sqlite.figures()
        ]
        assert on_pg.trend == on_sqlite.trend
        assert on_pg.current.median_seconds == Decimal("107.5")
        protected = next(f for f in on_pg.figures() if f.key == "protected.largest")
        assert drill(pg.engine, protected.filter) == ["a" * 32]
        assert isinstance(on_pg.current.protected.protected_fen, int)
    finally:
        pg.engine.dispose()


# ---------------------------------------------------------------- one customer, one count


def test_a_lobby_to_counter_pair_counts_once_under_the_counters_outcome(seeded: Repository) -> None:
    lobby_uid, counter_uid = lobby_pair(seeded)
    stats = month_stats(seeded.engine, "2026-11", typology_labels=TYPES)
    got = by_key(stats)
    assert got["total.count"] == EXPECTED["total.count"] + 1  # not + 2
    assert got["group.handoff"] == 0 and got["group.dissuaded"] == EXPECTED["group.dissuaded"] + 1
    assert got["typology.investment"] == EXPECTED["typology.investment"] + 1
    assert got["channel.atm"] == EXPECTED["channel.atm"]  # the lobby step is not a second check
    assert got["protected.amount"] == EXPECTED["protected.amount"] + 50_000
    assert stats.trend[-1].interventions == EXPECTED["total.count"] + 1
    uids = drill(seeded.engine, next(f for f in stats.figures() if f.key == "total.count").filter)
    assert counter_uid in uids and lobby_uid not in uids
    for fig in stats.figures():  # every figure still drills down to exactly its interventions
        if fig.kind == "count":
            assert drill_count(seeded.engine, fig.filter) == fig.value, fig.key
    (counter,) = [s for s in drill_summaries(seeded.engine, DrillFilter(month="2026-11")) if s.uid == counter_uid]
    assert counter.handoff_from_uid == lobby_uid  # the lobby step stays visible on the counter's row


def test_a_handoff_not_yet_continued_counts_as_brought_to_the_counter(seeded: Repository) -> None:
    lobby_pair(seeded, pending=True)
    got = by_key(month_stats(seeded.engine, "2026-11"))
    assert got["total.count"] == EXPECTED["total.count"] + 1 and got["group.handoff"] == 1


# ---------------------------------------------------------------- the cache


def test_cached_months_follow_every_new_record(seeded: Repository) -> None:
    from tests.factories.stats import rec

    before = month_stats(seeded.engine, "2026-11")  # fills the cache for Nov, Oct, Nov 2025 and the trend
    with seeded.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM stats_cache")).scalar_one() >= 15
    # A correction written in December that replaces a November record changes November.
    seeded.save_intervention(
        rec(
            "2026-12-03T02:00:00",
            uid="e2" + "0" * 30,
            group="dissuaded",
            protected=2_000_000,
            amount=2_000_000,
            typology="investment",
            corrects_uid="e" * 32,
            correction_reason="结果录错",
        )
    )
    # A late record closed in November (a draft finished from a backup, an import) too.
    seeded.save_intervention(rec("2026-11-29T02:00:00", uid="m" * 32, group="warned", amount=10_000))
    after = month_stats(seeded.engine, "2026-11")
    with seeded.engine.begin() as conn:
        conn.execute(text("DELETE FROM stats_cache"))
    fresh = month_stats(seeded.engine, "2026-11")
    assert [(f.key, f.value, f.previous, f.last_year) for f in after.figures()] == [
        (f.key, f.value, f.previous, f.last_year) for f in fresh.figures()
    ]
    assert after.trend == fresh.trend
    assert after.current.total.count == before.current.total.count  # e replaced (-1), m added (+1)
    assert after.current.by_group["warned"].count == 1  # e gone, m in
    assert after.current.protected.count == before.current.protected.count  # the correction counts in December
    december = month_stats(seeded.engine, "2026-12")
    assert december.current.by_group["dissuaded"].count == 1


def test_schema_head_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from teller_guard.storage.db import MIGRATIONS
    from teller_guard.storage.queries import SCHEMA_HEAD

    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == SCHEMA_HEAD


def test_a_corrected_hand_off_still_counts_once(seeded: Repository) -> None:
    """The counter's case of a hand-off corrected (the late police receipt number): the lobby
    step, the original and the correction are one customer, counted once, as corrected."""
    from teller_guard.core.corrections import build_correction
    from tests.factories import SUPERVISOR

    lobby_uid, counter_uid = lobby_pair(seeded)
    original = seeded.get(counter_uid)
    assert original is not None and original.decision is not None
    new_decision = original.decision.model_copy(update={"amount_protected_fen": 40_000})
    fixed = build_correction(
        original, new_decision, staff=SUPERVISOR, reason="客户只放弃了四百元", at=original.closed_at
    )
    seeded.save_intervention(fixed)
    assert fixed.handoff_from_uid == lobby_uid and fixed.corrects_uid == counter_uid
    stats = month_stats(seeded.engine, "2026-11", typology_labels=TYPES)
    got = by_key(stats)
    assert got["total.count"] == EXPECTED["total.count"] + 1
    assert got["protected.amount"] == EXPECTED["protected.amount"] + 40_000
    uids = drill(seeded.engine, next(f for f in stats.figures() if f.key == "total.count").filter)
    assert fixed.uid in uids and counter_uid not in uids and lobby_uid not in uids
