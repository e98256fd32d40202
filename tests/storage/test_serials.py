"""Notice serials: unique per branch and local day, gapless, every one's fate recorded, under
contention from several processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from teller_guard.core.records import AcknowledgementRecord, Draft
from teller_guard.storage.db import make_engine, migrate
from teller_guard.storage.repository import Repository
from teller_guard.storage.serials import audit
from tests.factories import frozen_clock
from tests.factories.records import T0, record

SHANGHAI = ZoneInfo("Asia/Shanghai")


def ack(serial: str, method: str = "paper") -> AcknowledgementRecord:
    return AcknowledgementRecord(
        method=method, notice_serial=serial, notice_version="v1", notice_text_hash="h", witness_staff_id="T001", at=T0
    )


def test_numbers_run_per_branch_and_local_day(repo: Repository) -> None:
    assert [repo.next_notice_serial("BR0001", at=T0) for _ in range(3)] == [
        "BR0001-20261101-0001",
        "BR0001-20261101-0002",
        "BR0001-20261101-0003",
    ]
    assert repo.next_notice_serial("BR0002", at=T0) == "BR0002-20261101-0001"  # another branch, same region db
    assert repo.next_notice_serial("BR0001", at=T0 + timedelta(days=1)) == "BR0001-20261102-0001"
    # 23:59 UTC on 1 November is already 2 November in Beijing
    assert repo.next_notice_serial("BR0001", at=datetime(2026, 11, 1, 23, 59, tzinfo=UTC)) == "BR0001-20261102-0002"


def test_every_serial_is_used_or_void_when_its_case_closes(repo: Repository) -> None:
    draft = "d1"
    first = repo.next_notice_serial("BR0001", draft_id=draft, at=T0)  # printed, then printed again
    second = repo.next_notice_serial("BR0001", draft_id=draft, at=T0)
    refused = repo.next_notice_serial("BR0001", draft_id="d2", at=T0)
    abandoned = repo.next_notice_serial("BR0001", draft_id="d3", at=T0)
    torn = repo.next_notice_serial("BR0001", draft_id="d4", at=T0)
    assert audit(repo.engine).open == 5

    repo.save_intervention(record(acknowledgement=ack(second)), draft_id=draft)
    repo.save_intervention(record(acknowledgement=ack(refused, "refused")), draft_id="d2")
    abandoned_case = record(acknowledgement=None).model_copy(update={"decision": None, "status": "abandoned"})
    repo.save_intervention(abandoned_case, draft_id="d3")
    assert repo.void_notice_serial(torn, "客户离开，告知书作废") is True
    assert repo.void_notice_serial(torn, "again") is False

    with repo.engine.connect() as conn:
        fate = dict(conn.execute(text("SELECT serial, status FROM notice_serial")).fetchall())
    assert fate == {first: "void", second: "used", refused: "used", abandoned: "void", torn: "void"}
    report = audit(repo.engine)
    assert (report.issued, report.used, report.void, report.open) == (5, 2, 3, 0)
    assert report.missing == [] and report.duplicates == []


def test_a_gap_is_reported(repo: Repository) -> None:
    for _ in range(3):
        repo.next_notice_serial("BR0001", at=T0)
    with repo.engine.begin() as conn:
        conn.execute(text("DELETE FROM notice_serial WHERE seq = 2"))
    assert audit(repo.engine).missing == ["BR0001-20261101-0002"]


def test_a_failed_save_hands_the_number_out_again(repo: Repository) -> None:
    """The counter row and the serial row are one transaction: no number is skipped."""
    repo.next_notice_serial("BR0001", at=T0)
    with repo.engine.begin() as conn:  # a serial row already there under the next number
        conn.execute(
            text("INSERT INTO notice_serial (serial, local_day, issued_at, status) VALUES (:s, '2026-11-01', :t, 'x')"),
            {"s": "BR0001-20261101-0002", "t": "2026-10-31 17:30:00.000000"},
        )
    with pytest.raises(Exception, match="UNIQUE"):
        repo.next_notice_serial("BR0001", at=T0)
    with repo.engine.connect() as conn:
        assert conn.execute(text("SELECT last_seq FROM notice_counter")).scalar() == 1


ALLOCATE = """
import sys, time
from datetime import datetime, UTC
from zoneinfo import ZoneInfo
from teller_guard.storage.repository import Repository
url, start, n, who = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
while time.time() < start:
    time.sleep(0.002)
repo = Repository.open(url, ZoneInfo("Asia/Shanghai"))
at = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
print("\\n".join(repo.next_notice_serial("BR0001", draft_id=f"{who}-{i}", at=at) for i in range(n)))
"""


def allocate_together(url: str, processes: int, each: int) -> list[str]:
    start = time.time() + 2.0  # noqa: TID251 - a start line shared by processes, on the wall clock
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ALLOCATE, url, str(start), str(each), f"p{k}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(processes)
    ]
    serials: list[str] = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        serials += out.split()
    return serials


def _check_gapless(serials: list[str], total: int) -> None:
    assert len(serials) == total and len(set(serials)) == total
    assert sorted(serials) == [f"BR0001-20261101-{n:04d}" for n in range(1, total + 1)]


@pytest.mark.slow
def test_six_processes_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'branch.db'}"
    _check_gapless(allocate_together(url, 6, 40), 240)
    report = audit(make_engine(url))
    assert report.missing == [] and report.duplicates == [] and report.open == 240


@pytest.mark.slow
def test_six_processes_on_a_new_postgresql_database(pg_database: str) -> None:
    _check_gapless(allocate_together(pg_database, 6, 40), 240)
    engine = make_engine(pg_database)
    assert audit(engine).missing == []
    engine.dispose()


def test_existing_serials_are_carried_over_by_the_migration(tmp_path: Path) -> None:
    """A 0.1.0 database (schema 0003) with serials issued the old way keeps counting after them."""
    from alembic import command

    from teller_guard.storage.db import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as conn:
        for n in (1, 2, 3):
            conn.execute(
                text("INSERT INTO notice_serial (serial, local_day, issued_at) VALUES (:s, '2026-11-01', :t)"),
                {"s": f"BR0001-20261101-{n:04d}", "t": "2026-10-31 17:30:00.000000"},
            )
    repo = Repository(engine, SHANGHAI, clock=frozen_clock)
    repo.save_draft(Draft(draft_id="old", channel="counter", staff_id="T001", started_at=T0, updated_at=T0))
    migrate(engine)
    assert repo.next_notice_serial("BR0001", at=T0) == "BR0001-20261101-0004"
    report = audit(engine)
    assert report.missing == [] and report.issued == 4 and report.open == 4
