"""The intervention log on real databases: round trips, append-only, drafts, hand-offs,
serials, local business days, migrations — on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from teller_guard.core.records import (
    Draft,
    new_uid,
)
from teller_guard.storage.db import current_revision, make_engine, migrate
from teller_guard.storage.repository import Repository
from tests.factories import frozen_clock
from tests.factories.records import SHANGHAI, T0, record


def test_round_trip_keeps_every_field_and_the_hash(repo: Repository) -> None:
    rec = record()
    repo.save_intervention(rec)
    got = repo.get(rec.uid)
    assert got == rec
    assert repo.stored_hash(rec.uid) == rec.record_hash() == got.record_hash()  # type: ignore[union-attr]


def test_local_business_day_not_utc(repo: Repository) -> None:
    repo.save_intervention(record())
    [s] = repo.summaries(local_month="2026-11")
    assert s.local_day == "2026-11-01"
    assert repo.summaries(local_month="2026-10") == []


def test_a_different_branch_time_zone(settings: object, tmp_path: Path) -> None:
    london = Repository.open(f"sqlite:///{tmp_path / 'ldn.db'}", ZoneInfo("Europe/London"), clock=frozen_clock)
    london.save_intervention(record())
    assert [s.local_day for s in london.summaries()] == ["2026-10-31"]


def test_the_log_is_append_only(repo: Repository) -> None:
    rec = record()
    repo.save_intervention(rec)
    for sql in (
        "UPDATE intervention SET score = 0",
        "DELETE FROM intervention",
        "UPDATE decision SET amount_protected_fen = 0",
        "DELETE FROM fired_signal",
    ):
        with pytest.raises(DBAPIError, match="append-only"), repo.engine.begin() as conn:
            conn.execute(text(sql))
    assert repo.get(rec.uid) == rec


def test_a_correction_is_a_new_record(repo: Repository) -> None:
    original = record()
    repo.save_intervention(original)
    fix = record(
        T0 + timedelta(minutes=5), corrects_uid=original.uid, correction_reason="金额录入错误", amount_fen=880_000
    )
    repo.save_intervention(fix)
    assert repo.get(original.uid) == original
    assert [s.uid for s in repo.corrections_of(original.uid)] == [fix.uid]


def test_a_failed_save_leaves_nothing_behind(repo: Repository) -> None:
    rec = record()
    repo.save_intervention(rec)
    dup = record(uid=rec.uid)  # same uid: the unique index refuses the whole transaction
    with pytest.raises(IntegrityError):
        repo.save_intervention(dup)
    with repo.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM answer")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM decision")).scalar() == 1


def test_drafts_survive_and_close(repo: Repository) -> None:
    d = Draft(
        channel="counter",
        staff_id="T001",
        started_at=T0,
        updated_at=T0,
        state={"amount": "5000", "said": {"purpose": "生活费"}},
    )
    repo.save_draft(d)
    repo.save_draft(d.model_copy(update={"state": {"amount": "50000", "said": {"purpose": "生活费"}}}))
    [again] = repo.open_drafts(staff_id="T001")
    assert again.state["amount"] == "50000"
    rec = record()
    repo.save_intervention(rec, draft_id=d.draft_id)
    assert repo.open_drafts(staff_id="T001") == []
    d2 = Draft(channel="counter", staff_id="T001", started_at=T0, updated_at=T0)
    repo.save_draft(d2)
    repo.set_draft_status(d2.draft_id, "abandoned")
    assert repo.open_drafts() == []


def test_handoffs_until_continued(repo: Repository) -> None:
    lobby = record(channel="atm", decision="to_counter", group="handoff", machine_id="ATM01")
    repo.save_intervention(lobby)
    assert [h.uid for h in repo.pending_handoffs()] == [lobby.uid]
    counter = record(T0 + timedelta(minutes=3), handoff_from_uid=lobby.uid)
    repo.save_intervention(counter)
    assert repo.pending_handoffs() == []


def test_notice_serials_are_unique_per_local_day(repo: Repository) -> None:
    a = repo.next_notice_serial("BR0001", at=T0)
    b = repo.next_notice_serial("BR0001", at=T0)
    assert a == "BR0001-20261101-0001" and b == "BR0001-20261101-0002"


def test_bulk_insert_matches_single_saves(repo: Repository) -> None:
    recs = [record(T0 + timedelta(minutes=i), uid=new_uid()) for i in range(50)]
    assert repo.bulk_insert(recs, batch=7) == 50
    for r in recs[::10]:
        assert repo.get(r.uid) == r


def test_sqlite_runs_in_wal_with_a_busy_timeout(repo: Repository, tmp_path: Path) -> None:
    with repo.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 10000
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL: a power cut after commit loses nothing


def test_migrations_are_repeatable_and_keep_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'up.db'}"
    engine = make_engine(url)
    migrate(engine)
    repo = Repository(engine, SHANGHAI)
    rec = record()
    repo.save_intervention(rec)
    migrate(make_engine(url))  # a second start, or an upgrade with nothing new
    assert Repository(make_engine(url), SHANGHAI).get(rec.uid) == rec
    assert current_revision(engine) is not None


def test_two_counters_share_one_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    a = Repository.open(url, SHANGHAI, clock=frozen_clock)
    b = Repository.open(url, SHANGHAI, clock=frozen_clock)
    ra, rb = record(uid=new_uid()), record(T0 + timedelta(seconds=1), uid=new_uid())
    a.save_intervention(ra)
    b.save_intervention(rb)
    assert {s.uid for s in a.summaries()} == {ra.uid, rb.uid}


def test_no_full_id_number_in_the_database_file(repo: Repository, tmp_path: Path) -> None:
    repo.save_intervention(record(customer_ref="a" * 24))
    raw = (tmp_path / "teller_guard.db").read_bytes() + (tmp_path / "teller_guard.db-wal").read_bytes()
    assert b"11010519491231002X" not in raw
    conn = sqlite3.connect(tmp_path / "teller_guard.db")
    cols = [r[1] for r in conn.execute("PRAGMA table_info(intervention)")]
    assert not [c for c in cols if "id_number" in c]


@pytest.mark.postgres
def test_postgresql_round_trip_and_append_only(pg_url: str) -> None:
    repo = Repository.open(pg_url, SHANGHAI, clock=frozen_clock)
    rec = record(uid=new_uid(), amount_fen=3_000_000_000_00)  # ¥3 billion: needs BIGINT
    repo.save_intervention(rec)
    assert repo.get(rec.uid) == rec
    assert [s.local_day for s in repo.summaries(uids=[rec.uid])] == ["2026-11-01"]
    with pytest.raises(DBAPIError, match="append-only"), repo.engine.begin() as conn:
        conn.execute(text("UPDATE intervention SET score = 0"))
    migrate(repo.engine)  # repeatable on PostgreSQL too
    assert repo.get(rec.uid) == rec
