"""Demo data: deterministic, genuine engine output, realistic in shape, marked, and safe to run.

Small N throughout (≤ 5,000): the million-row timing lives in ``bench/bench_insert.py``.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from collections import Counter
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from teller_guard.cli import main
from teller_guard.config import Settings
from teller_guard.core.case import CaseState
from teller_guard.core.closing import closing_problems
from teller_guard.core.models import Assessment
from teller_guard.core.records import InterventionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess
from teller_guard.demo import DEMO_STAFF, DemoGenerator
from teller_guard.storage import mapping
from teller_guard.storage.demo import COLUMNS
from teller_guard.storage.repository import Repository
from teller_guard.storage.tables import InterventionRow
from tests.factories import frozen_clock

# One worker builds the shared 5,000-record database (module fixtures), not each of them.
pytestmark = [pytest.mark.xdist_group("demo_data"), pytest.mark.slow]  # builds a 5,000-record log

TZ = ZoneInfo("Asia/Shanghai")
END = datetime(2026, 11, 25, tzinfo=TZ)
"""Local midnight, as the command passes it."""


def _generator(rules: RuleSet, seed: int = 11, months: int = 6) -> DemoGenerator:
    return DemoGenerator(rules, seed=seed, end=END, months=months, tz=TZ, pool_size=400)


def _fill(repo: Repository, rules: RuleSet, n: int, seed: int = 11) -> int:
    repo.staff.add_demo(DEMO_STAFF, "demo-hash", at=END)
    gen = _generator(rules, seed)
    return repo.bulk_insert_rows(COLUMNS, lambda first: gen.chunks(n, first, chunk=700))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, rules: RuleSet) -> Repository:
    """One real SQLite file with 5,000 demo interventions, shared by the read-only tests."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    repo = Repository.open(f"sqlite:///{path}", TZ, clock=frozen_clock)
    assert _fill(repo, rules, 5000) == 5000
    return repo


@pytest.fixture(scope="module")
def records(filled: Repository) -> list[InterventionRecord]:
    return list(filled.records(batch=700))


def test_reading_the_log_in_batches_gives_each_record_as_saved(
    filled: Repository, records: list[InterventionRecord]
) -> None:
    assert len(records) == 5000 == len({r.uid for r in records})
    for rec in random.Random(9).sample(records, 200):
        assert filled.get(rec.uid) == rec
        assert filled.stored_hash(rec.uid) == rec.record_hash()
    counter = list(filled.records(channel="atm", batch=64))
    assert counter and all(r.channel == "atm" for r in counter)
    assert len(counter) == sum(r.channel == "atm" for r in records)


# ------------------------------------------------------------------ determinism


def test_the_same_seed_gives_the_same_rows(rules: RuleSet) -> None:
    a = list(_generator(rules, seed=5).chunks(1500, 1, chunk=400))
    b = list(_generator(rules, seed=5).chunks(1500, 1, chunk=400))
    c = list(_generator(rules, seed=6).chunks(1500, 1, chunk=400))
    assert a == b
    assert [r[1] for ch in a for r in ch["intervention"]] != [r[1] for ch in c for r in ch["intervention"]]
    assert sum(len(ch["intervention"]) for ch in a) == 1500


def test_chunks_follow_the_declared_columns(rules: RuleSet) -> None:
    chunk = next(_generator(rules).chunks(300, 41, chunk=300))
    for table, cols in COLUMNS.items():
        assert all(len(row) == len(cols) for row in chunk[table]), table
    ids = [row[0] for row in chunk["intervention"]]
    assert ids == list(range(41, 41 + 300))
    table_cols = {c.name for c in InterventionRow.__table__.columns}  # type: ignore[attr-defined]
    assert set(COLUMNS["intervention"]) <= table_cols


# ------------------------------------------------------------------ genuine engine output


def _reassess(rules: RuleSet, rec: InterventionRecord) -> Assessment:
    """Score a stored record again from its inputs alone (amount, age, answers, what was said)."""
    return assess(rules, CaseState.from_record(rec).to_input(rules))


def test_stored_rows_are_what_the_engine_says_for_their_inputs(
    rules: RuleSet, records: list[InterventionRecord]
) -> None:
    sample = random.Random(3).sample(records, 400)
    for rec in sample:
        again = _reassess(rules, rec)
        assert (rec.score, rec.level) == (again.score, again.level), rec.uid
        assert rec.signals == again.signals, rec.uid
        assert [t.id for t in rec.typologies] == [t.id for t in again.typologies], rec.uid
    # The sample covers the re-quoted amounts and ages, not only untouched templates.
    assert any(s.id == "large_amount" for r in sample for s in r.signals)
    assert any(s.id in ("elderly", "elderly_senior") for r in sample for s in r.signals)


def test_stored_hashes_and_derived_columns_match_the_repository(
    filled: Repository, records: list[InterventionRecord]
) -> None:
    sample = random.Random(4).sample(records, 300)
    with filled.session() as s:
        for rec in sample:
            assert filled.stored_hash(rec.uid) == rec.record_hash(), rec.uid
            row = s.exec(select(InterventionRow).where(InterventionRow.uid == rec.uid)).one()
            expected = mapping.intervention_values(rec, filled.tz)
            got = {k: getattr(row, k) for k in expected}
            assert got == expected, rec.uid


def test_decisions_pass_the_closing_rules(rules: RuleSet, records: list[InterventionRecord]) -> None:
    for rec in random.Random(5).sample(records, 600):
        assert rec.decision is not None
        again = _reassess(rules, rec)
        assert closing_problems(rules, rec.channel, again, rec.decision, rec.acknowledgement) == [], rec.uid


# ------------------------------------------------------------------ realistic shape


def test_levels_channels_and_typologies_look_like_a_branch(records: list[InterventionRecord]) -> None:
    n = len(records)
    levels = Counter(r.level for r in records)
    assert levels["low"] / n > 0.8
    assert 0.01 < (levels["high"] + levels["critical"]) / n < 0.1
    assert levels["medium"] > 0
    channels = Counter(r.channel for r in records)
    assert channels["counter"] > 2 * channels["atm"] > 0
    typologies = Counter(t.id for r in records for t in r.typologies)
    assert len(typologies) >= 6
    assert {"safe_account", "impersonate_authority"} <= set(typologies)
    assert len({r.staff_id for r in records if r.channel == "counter"}) == 8
    assert len({r.staff_id for r in records if r.channel == "atm"}) == 2


def test_outcomes_follow_the_level(records: list[InterventionRecord]) -> None:
    stopped = [r for r in records if r.decision and r.decision.group in ("dissuaded", "police")]
    assert stopped
    assert sum(r.level in ("high", "critical") for r in stopped) / len(stopped) > 0.6
    assert all(r.decision and r.decision.amount_protected_fen == r.amount_fen for r in stopped)
    assert all(
        r.decision.police_ref and r.decision.police_called_at
        for r in stopped
        if r.decision and r.decision.group == "police"
    )
    low = [r for r in records if r.level == "low"]
    assert sum(bool(r.decision and r.decision.group in ("proceeded", "warned")) for r in low) / len(low) > 0.9
    critical = [r for r in records if r.level == "critical"]
    assert (
        sum(bool(r.decision and r.decision.group in ("dissuaded", "police", "deferred")) for r in critical)
        / len(critical)
        > 0.9
    )


def test_counter_cases_at_medium_and_above_carry_the_notice(records: list[InterventionRecord]) -> None:
    noticed = [r for r in records if r.channel == "counter" and r.level != "low"]
    assert noticed and all(r.acknowledgement is not None for r in noticed)
    methods = Counter(r.acknowledgement.method for r in noticed if r.acknowledgement)
    assert methods["refused"] > 0 and methods["paper"] > methods["refused"]
    # Every remittance customer signs (the shipped policy, 002:9): low-risk counter cases too.
    low = [r for r in records if r.channel == "counter" and r.level == "low"]
    assert low and all(r.acknowledgement is not None and r.acknowledgement.method == "paper" for r in low)
    assert all(r.acknowledgement is None for r in records if r.channel == "atm")


def test_times_are_local_business_hours(records: list[InterventionRecord]) -> None:
    for r in records:
        local = r.started_at.astimezone(TZ)
        assert r.started_at.tzinfo is not None
        assert local.weekday() != 6, r.uid  # closed on Sunday
        assert time(8, 30) <= local.time() <= time(17, 30), r.uid
        assert r.closed_at > r.started_at
        assert r.closed_at < END
        assert r.duration_seconds == sum(r.step_seconds.values())
    months = {r.started_at.astimezone(TZ).strftime("%Y-%m") for r in records}
    assert len(months) >= 6


def test_every_lobby_handoff_is_continued_at_the_counter(filled: Repository, records: list[InterventionRecord]) -> None:
    handoffs = {r.uid for r in records if r.decision and r.decision.group == "handoff"}
    continued = {r.handoff_from_uid for r in records if r.handoff_from_uid}
    assert handoffs and handoffs == continued
    assert filled.pending_handoffs() == []


def test_elderly_customers_are_a_real_share(records: list[InterventionRecord]) -> None:
    elderly = sum((r.customer_age or 0) >= 60 for r in records) / len(records)
    assert 0.1 < elderly < 0.5


# ------------------------------------------------------------------ marked, minimised


def test_demo_rows_are_marked_and_hold_no_personal_data(records: list[InterventionRecord]) -> None:
    masked = re.compile(r"^\w\*{1,2}$|^\w\*{5,}$")
    for r in records:
        assert r.extra == {"demo": "1"}
        assert r.staff_id.startswith("demo-")
        assert r.customer_ref is None and r.payee_ref is None
        assert r.customer_name_masked and masked.match(r.customer_name_masked), r.customer_name_masked
        if r.payee_account_masked:
            assert re.fullmatch(r"\*{4}\d{4}", r.payee_account_masked)
        if r.acknowledgement:
            assert r.acknowledgement.notice_serial.startswith("DEMO-")
        if r.decision and r.decision.police_ref:
            assert r.decision.police_ref.startswith("DEMO-")


# ------------------------------------------------------------------ the command


def _count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM intervention").fetchone()[0])


def test_cli_fills_a_file_and_a_second_run_adds_to_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.db"
    assert main(["demo-data", "--db", f"sqlite:///{path}", "--n", "1200", "--seed", "2", "--months", "3"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "1,200 demo interventions" in out[0] and str(path) in out[0]
    assert main(["demo-data", "--db", f"sqlite:///{path}", "--n", "300"]) == 0
    assert _count(path) == 1500


def test_cli_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    rows = []
    for name in ("a.db", "b.db"):
        path = tmp_path / name
        assert main(["demo-data", "--db", f"sqlite:///{path}", "--n", "400", "--seed", "9"]) == 0
        with sqlite3.connect(path) as db:
            rows.append(
                db.execute(
                    "SELECT uid, amount_fen, level, closed_at, record_hash FROM intervention ORDER BY id"
                ).fetchall()
            )
    assert rows[0] == rows[1] and len(rows[0]) == 400


@pytest.mark.parametrize("n", ["0", "-3", "many"])
def test_cli_bad_count_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], n: str) -> None:
    assert main(["demo-data", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--n", n]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--n" in err[0]
    assert not (tmp_path / "x.db").exists()


def test_cli_refuses_the_branch_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo-data", "--n", "10"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--db" in err[0]
    assert not (Settings().data_dir / "teller_guard.db").exists()


def test_cli_refuses_a_database_with_real_interventions(
    tmp_path: Path, rules: RuleSet, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "branch.db"
    repo = Repository.open(f"sqlite:///{path}", TZ, clock=frozen_clock)
    case = CaseState(channel="counter", staff_id="T01", amount="500", customer_age=40)
    result = assess(rules, case.to_input(rules))
    repo.save_intervention(case.to_record(rules, result, decision=None, closed_at=frozen_clock()))
    assert main(["demo-data", "--db", f"sqlite:///{path}", "--n", "10"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "1 real interventions" in err[0]
    assert _count(path) == 1


def test_cli_refuses_a_database_with_real_staff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from teller_guard.core.records import Staff
    from tests.factories.accounts import add_staff

    path = tmp_path / "new_branch.db"
    add_staff(
        Repository.open(f"sqlite:///{path}", TZ, clock=frozen_clock), Staff(staff_id="T01", name="王五"), "135792"
    )
    assert main(["demo-data", "--db", f"sqlite:///{path}", "--n", "10"]) == 2
    assert "real staff" in capsys.readouterr().err
    assert _count(path) == 0


def test_step_seconds_are_stored_as_the_repository_stores_them(filled: Repository) -> None:
    with sqlite3.connect(str(filled.engine.url.database)) as db:
        raw = db.execute("SELECT step_seconds FROM intervention WHERE channel = 'counter' LIMIT 1").fetchone()[0]
    steps = json.loads(raw)
    assert raw == json.dumps(steps, sort_keys=True)
    assert set(steps) == {"转账信息", "三问", "二看", "一核对", "决定"}


# ------------------------------------------------------------------ the bulk path


def test_the_second_process_yields_the_same_rows(rules: RuleSet) -> None:
    from teller_guard.demo import DemoSpec, pipelined_chunks

    spec = DemoSpec(str(rules.folder), seed=8, end=END, months=6, tz="Asia/Shanghai", pool_size=400)
    here = list(spec.generator().chunks(1500, 7, chunk=500))
    there = list(pipelined_chunks(spec, 1500, 7, chunk=500))
    assert there == here and len(there) == 3


def _schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()


def test_rebuilding_indexes_keeps_the_schema_and_the_references(tmp_path: Path, rules: RuleSet) -> None:
    path = tmp_path / "bulk.db"
    repo = Repository.open(f"sqlite:///{path}", TZ, clock=frozen_clock)
    before = _schema(path)
    gen = _generator(rules)
    assert repo.bulk_insert_rows(COLUMNS, lambda first: gen.chunks(800, first, chunk=300), rebuild_indexes=True) == 800
    assert _schema(path) == before
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    with repo.engine.connect() as conn:  # the pooled connection has its foreign keys back on
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_bulk_rows_that_point_elsewhere_are_refused_and_nothing_is_written(tmp_path: Path, rules: RuleSet) -> None:
    path = tmp_path / "bulk.db"
    repo = Repository.open(f"sqlite:///{path}", TZ, clock=frozen_clock)
    chunk = next(_generator(rules).chunks(50, 1, chunk=50))
    stray = {**chunk, "answer": [*chunk["answer"], (999, "purpose", '"living"', "", "2026-01-05 02:00:00.000000")]}
    with pytest.raises(ValueError, match="answer row points outside"):
        repo.bulk_insert_rows(COLUMNS, lambda first: [stray])
    gapped = {**chunk, "intervention": chunk["intervention"][1:]}
    with pytest.raises(ValueError, match="without gaps"):
        repo.bulk_insert_rows(COLUMNS, lambda first: [gapped])
    assert _count(path) == 0


@pytest.mark.postgres
def test_demo_rows_on_postgresql_are_the_same_records(pg_url: str, rules: RuleSet, repo: Repository) -> None:
    """The Core path (server databases): the same chunks give the same records and hashes as on SQLite."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"tg_demo_{uuid.uuid4().hex[:8]}"  # our own database in the shared throwaway cluster
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    pg = Repository.open(pg_url.rsplit("/", 1)[0] + f"/{name}", TZ, clock=frozen_clock)
    try:
        assert _fill(pg, rules, 400, seed=12) == 400
        assert _fill(repo, rules, 400, seed=12) == 400
        uids = [s.uid for s in repo.summaries()]
        assert sorted(uids) == sorted(s.uid for s in pg.summaries())
        for uid in uids[:60]:
            on_pg = pg.get(uid)
            assert on_pg is not None and on_pg == repo.get(uid)
            assert pg.stored_hash(uid) == on_pg.record_hash()
    finally:
        pg.engine.dispose()
