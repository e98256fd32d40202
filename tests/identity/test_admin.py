"""Staff administration: the first admin exactly once, then only admins change accounts."""

from __future__ import annotations

import threading

import pytest

from teller_guard.core.rules import RuleSet
from teller_guard.identity import AccessRefused, Gate
from teller_guard.identity.admin import StaffAdmin
from teller_guard.identity.pins import Pin
from teller_guard.storage.repository import Repository
from tests.factories import SECURITY, TELLER
from tests.factories.accounts import ADMIN, FAST, add_all, pin_of

NEW = Pin("582046")


@pytest.fixture
def admin(repo: Repository, rules: RuleSet) -> StaffAdmin:
    return StaffAdmin(Gate(repo, rules.access, FAST))


def code(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(AccessRefused) as info:
        call()
    return info.value.code


def test_the_first_admin_can_be_created_once(admin: StaffAdmin) -> None:
    first = admin.first_admin("A001", "孙管理", NEW, NEW)
    assert first.role == "admin" and not first.must_change  # they chose the PIN themselves
    assert code(lambda: admin.first_admin("A002", "钱管理", NEW, NEW)) == "admin_exists"
    events = admin.gate.repo.audit_events(kind="staff_added")
    assert [(e.staff_id, e.ok, e.detail.get("first_run")) for e in events] == [
        ("A001", True, True),
        (None, False, True),
    ]


def test_two_first_runs_at_once_make_one_admin(admin: StaffAdmin, repo: Repository, rules: RuleSet) -> None:
    results: list[str] = []

    def first_run(staff_id: str) -> None:
        other = StaffAdmin(Gate(Repository(repo.engine, repo.tz, clock=repo.clock), rules.access, FAST))
        try:
            other.first_admin(staff_id, "管理员", NEW, NEW)
            results.append("made")
        except AccessRefused as exc:
            results.append(exc.code)

    threads = [threading.Thread(target=first_run, args=(f"A00{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["admin_exists"] * 3 + ["made"]
    assert [a.role for a in repo.staff.all()] == ["admin"]


def test_only_an_admin_changes_accounts(admin: StaffAdmin, repo: Repository) -> None:
    add_all(repo, ADMIN, SECURITY, TELLER)
    security = repo.staff.get("B001")
    assert security is not None
    assert code(lambda: admin.add(security, "T005", "新柜员", "teller", NEW, NEW)) == "role"
    assert code(lambda: admin.unlock(security, "T001")) == "role"
    boss = repo.staff.get("A001")
    assert boss is not None
    added = admin.add(boss, "T005", "新柜员", "teller", NEW, NEW)
    assert added.must_change and added.role == "teller"
    assert code(lambda: admin.add(boss, "t005", "重名", "teller", NEW, NEW)) == "staff_exists"
    assert code(lambda: admin.add(boss, "demo-t99", "演示", "teller", NEW, NEW)) == "demo_id"
    assert code(lambda: admin.add(boss, "T006", "弱密码", "teller", Pin("111111"), Pin("111111"))) == "pin_too_simple"
    assert code(lambda: admin.reset_pin(boss, "T404", NEW, NEW)) == "unknown_staff"


def test_disable_enable_and_the_last_admin(admin: StaffAdmin, repo: Repository) -> None:
    add_all(repo, ADMIN, TELLER)
    boss = repo.staff.get("A001")
    assert boss is not None
    assert not admin.set_active(boss, "T001", False).active
    assert code(lambda: admin.gate.sign_in("T001", pin_of(TELLER))) == "disabled"
    assert admin.set_active(boss, "T001", True).active
    assert code(lambda: admin.set_active(boss, "A001", False)) == "last_admin"


def test_reset_pin_must_be_changed_and_ends_a_lock_out(admin: StaffAdmin, repo: Repository) -> None:
    add_all(repo, ADMIN, TELLER)
    for _ in range(5):
        code(lambda: admin.gate.sign_in("T001", Pin("000000")))
    boss = repo.staff.get("A001")
    assert boss is not None
    reset = admin.reset_pin(boss, "T001", NEW, NEW)
    assert reset.must_change and reset.locked_until is None and reset.failed_attempts == 0
    assert code(lambda: admin.gate.sign_in("T001", NEW)) == "must_change"
    kinds = [e.kind for e in repo.audit_events(staff_id="A001")]
    assert kinds == ["pin_reset"]
