"""Staff accounts for tests: real rows in the staff table, with PINs hashed the way the app
hashes them (the cheap argon2id set the suite runs with)."""

from __future__ import annotations

from teller_guard.core.accounts import StaffAccount
from teller_guard.core.records import Staff
from teller_guard.identity.pins import Pin, PinHasher
from teller_guard.storage.repository import Repository
from tests.factories import FROZEN_NOW

FAST = PinHasher("insecure-fast-for-tests")
"""What ``TELLER_GUARD_PIN_HASH`` gives the whole suite (tests/conftest.py)."""

ADMIN = Staff(staff_id="A001", name="孙管理", role="admin")
SUPERVISOR_2 = Staff(staff_id="S002", name="周主管", role="supervisor")
TELLER_2 = Staff(staff_id="T002", name="刘柜员", role="teller")
GUARD = Staff(staff_id="G001", name="陈保安", role="guard")

PINS: dict[str, str] = {
    "T001": "135792",
    "T002": "246801",
    "L001": "314159",
    "G001": "271828",
    "S001": "975310",
    "S002": "864201",
    "B001": "580136",
    "A001": "703192",
}
"""Each test account's PIN (none of them a run or a repeat, so every one is acceptable)."""


def pin_of(staff: Staff | str) -> Pin:
    return Pin(PINS[staff if isinstance(staff, str) else staff.staff_id])


def add_staff(repo: Repository, staff: Staff, pin: str | None = None, *, must_change: bool = False) -> StaffAccount:
    """Create ``staff``'s account with their PIN from :data:`PINS` (or ``pin``)."""
    secret = Pin(pin) if pin is not None else pin_of(staff)
    return repo.staff.add(staff, FAST.hash(secret), at=FROZEN_NOW, must_change=must_change)


def add_all(repo: Repository, *staff: Staff) -> None:
    for member in staff:
        add_staff(repo, member)
