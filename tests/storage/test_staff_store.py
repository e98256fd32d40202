"""The staff table: accounts, the lock-out counter under concurrency, old rows after the
migration, and no PIN anywhere in the file — on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from teller_guard.core.records import AcknowledgementRecord, Staff
from teller_guard.core.rules import RuleSet
from teller_guard.identity import Gate
from teller_guard.identity.pins import Pin
from teller_guard.storage.db import alembic_config, make_engine, migrate
from teller_guard.storage.repository import Repository
from teller_guard.storage.staff import AdminExists, StaffExists
from tests.factories import FROZEN_NOW, SUPERVISOR, TELLER, counter_record, frozen_clock
from tests.factories.accounts import FAST, PINS, add_staff, pin_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOCK = timedelta(minutes=15)


def scenario(repo: Repository, rules: RuleSet) -> None:
    """What every backend must do the same way."""
    store = repo.staff
    add_staff(repo, TELLER)
    assert store.get("t001") == store.get("T001") and store.get("T001").staff == TELLER  # type: ignore[union-attr]
    with pytest.raises(StaffExists):
        add_staff(repo, Staff(staff_id="t001", name="重复", role="teller"), "246801")
    # The first admin, once.
    admin = Staff(staff_id="A001", name="孙管理", role="admin")
    store.add(admin, FAST.hash(Pin("703192")), at=FROZEN_NOW, must_change=False, first_admin=True)
    with pytest.raises(AdminExists):
        store.add(
            Staff(staff_id="A002", name="钱", role="admin"), "h", at=FROZEN_NOW, must_change=False, first_admin=True
        )
    assert store.has_admin() and store.active_admins() == 1 and store.has_real_staff()
    # The lock-out counter: eight failures from four threads at once all count (5 lock, 3 after).
    threads = [
        threading.Thread(target=lambda: store.note_failure("T001", at=FROZEN_NOW, limit=5, lock_for=LOCK))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("T001").failed_attempts == 4  # type: ignore[union-attr]
    locked = store.note_failure("T001", at=FROZEN_NOW, limit=5, lock_for=LOCK)
    assert locked is not None and locked.locked_until == FROZEN_NOW + LOCK and locked.failed_attempts == 0
    after = store.note_failure("T001", at=FROZEN_NOW + LOCK, limit=5, lock_for=LOCK)  # the lock has ended
    assert after is not None and after.locked_until is None and after.failed_attempts == 1
    # An approval as the record keeps it, through the gate and back.
    add_staff(repo, SUPERVISOR)
    gate = Gate(repo, rules.access, FAST)
    approval = gate.approve(
        "S001", pin_of(SUPERVISOR), requester=TELLER, reason="客户已电话核实", subject="x", what="override"
    )
    rec = counter_record(rules, amount="60000", answers={}, minutes_ago=1)
    ack = AcknowledgementRecord(
        method="override",
        notice_serial="BR-1",
        notice_version="v",
        notice_text_hash="h",
        witness_staff_id="T001",
        at=FROZEN_NOW,
        supervisor_id=approval.supervisor.staff_id,
        reason=approval.reason,
        supervisor_at=approval.at,
        supervisor_auth=approval.auth,
    )
    rec = rec.model_copy(update={"acknowledgement": ack})
    repo.save_intervention(rec)
    back = repo.get(rec.uid)
    assert back == rec and back.acknowledgement.supervisor_auth == "pin"  # type: ignore[union-attr]
    assert repo.stored_hash(rec.uid) == rec.record_hash() == back.record_hash()  # type: ignore[union-attr]
    [event] = repo.audit_events(kind="approval")
    assert event.staff_id == "S001" and event.at == FROZEN_NOW


def test_staff_accounts_on_sqlite(repo: Repository, rules: RuleSet) -> None:
    scenario(repo, rules)
    raw = b"".join(p.read_bytes() for p in Path(str(repo.engine.url.database)).parent.glob("teller_guard.db*"))
    for pin in PINS.values():
        assert pin.encode() not in raw  # hashes only


@pytest.fixture
def pg_repo(pg_url: str) -> Iterator[Repository]:
    name = f"tg_staff_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    repo = Repository.open(pg_url.rsplit("/", 1)[0] + f"/{name}", SHANGHAI, clock=frozen_clock)
    yield repo
    repo.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name}"))
    admin.dispose()


def test_staff_accounts_on_postgresql(pg_repo: Repository, rules: RuleSet) -> None:
    scenario(pg_repo, rules)
    with pg_repo.engine.connect() as conn:
        hashes = conn.execute(text("SELECT pin_hash FROM staff")).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


def test_rows_of_the_old_sign_in_keep_no_pin(tmp_path: Path) -> None:
    """Before 0004 anyone typed any id, name and role: those rows cannot sign in until an admin sets a PIN."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO staff (staff_id, name, role, created_at) VALUES ('T007', '自称主管', 'security', :t)"),
            {"t": "2026-11-01 00:00:00.000000"},
        )
    migrate(engine)
    repo = Repository(engine, SHANGHAI, clock=frozen_clock)
    account = repo.staff.get("T007")
    assert account is not None and account.pin_hash is None and account.active and not account.must_change
    command.downgrade(alembic_config(engine), "0003")  # and back, the append-only triggers intact
    migrate(engine)
    with engine.connect() as conn:
        triggers = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
    assert {"decision_no_update", "decision_no_delete", "acknowledgement_no_update"} <= set(triggers)
