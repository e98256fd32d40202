"""Staff administration: the first admin, then everything an admin does to accounts.

Each change names the acting admin (already authenticated through the :class:`Gate`), is
checked against :mod:`teller_guard.core.permissions`, and leaves an audit event. A PIN an
admin sets (new account, reset) must be changed by its owner at first use.
"""

from __future__ import annotations

import re

from teller_guard.core.accounts import STAFF_ID_PATTERN, StaffAccount, is_demo_staff
from teller_guard.core.permissions import STAFF_ADMIN_ROLES
from teller_guard.core.records import Role, Staff
from teller_guard.identity import refusals
from teller_guard.identity.gate import Gate
from teller_guard.identity.pins import Pin
from teller_guard.storage.staff import AdminExists, StaffExists

_STAFF_ID = re.compile(STAFF_ID_PATTERN)


class StaffAdmin:
    """Account changes made through one :class:`Gate` (so each is logged from where it was made)."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate

    def _account(self, staff_id: str, *, kind: str, actor: str | None) -> StaffAccount:
        account = self.gate.repo.staff.get(staff_id)
        if account is None:
            self.gate.refuse(kind, actor, refusals.unknown_staff(staff_id), subject=staff_id)
        return account

    def _check_actor(self, actor: StaffAccount, kind: str, subject: str) -> None:
        self.gate.require_role(actor, kind=kind, action="staff_admin", allowed=STAFF_ADMIN_ROLES, subject=subject)

    def _new_id(self, staff_id: str, *, actor: str | None) -> None:
        if not _STAFF_ID.match(staff_id):
            raise ValueError("a staff id is 1-32 letters, digits, '-' or '_'")
        if is_demo_staff(staff_id):
            self.gate.refuse("staff_added", actor, refusals.demo_id(staff_id), subject=staff_id)

    def first_admin(self, staff_id: str, name: str, pin: Pin, repeat: Pin) -> StaffAccount:
        """Create the first admin, without another admin: only while there is no admin at all."""
        staff = Staff(staff_id=staff_id, name=name, role="admin")
        if self.gate.repo.staff.has_admin():
            self.gate.refuse("staff_added", None, refusals.admin_exists(), subject=staff_id, first_run=True)
        self._new_id(staff_id, actor=None)
        pin_hash = self.gate.new_pin_hash(staff_id, pin, repeat, kind="staff_added", actor=None)
        try:
            # The admin chose this PIN themselves: nothing to change at first use.
            account = self.gate.repo.staff.add(
                staff, pin_hash, at=self.gate.repo.clock(), must_change=False, first_admin=True
            )
        except AdminExists:
            self.gate.refuse("staff_added", None, refusals.admin_exists(), subject=staff_id, first_run=True)
        except StaffExists:
            self.gate.refuse("staff_added", None, refusals.staff_exists(staff_id), subject=staff_id, first_run=True)
        self.gate.record("staff_added", staff_id, subject=staff_id, role="admin", first_run=True)
        return account

    def add(self, actor: StaffAccount, staff_id: str, name: str, role: Role, pin: Pin, repeat: Pin) -> StaffAccount:
        """A new account with a first PIN its owner must change at first use."""
        self._check_actor(actor, "staff_added", staff_id)
        self._new_id(staff_id, actor=actor.staff_id)
        staff = Staff(staff_id=staff_id, name=name, role=role)
        pin_hash = self.gate.new_pin_hash(staff_id, pin, repeat, kind="staff_added", actor=actor.staff_id)
        try:
            account = self.gate.repo.staff.add(staff, pin_hash, at=self.gate.repo.clock(), must_change=True)
        except StaffExists:
            self.gate.refuse("staff_added", actor.staff_id, refusals.staff_exists(staff_id), subject=staff_id)
        self.gate.record("staff_added", actor.staff_id, subject=account.staff_id, role=role)
        return account

    def set_active(self, actor: StaffAccount, staff_id: str, active: bool) -> StaffAccount:
        """Disable (never signs in or approves again until enabled) or enable an account."""
        kind = "staff_enabled" if active else "staff_disabled"
        self._check_actor(actor, kind, staff_id)
        account = self._account(staff_id, kind=kind, actor=actor.staff_id)
        if not active and account.role == "admin" and account.active and self.gate.repo.staff.active_admins() <= 1:
            self.gate.refuse(kind, actor.staff_id, refusals.last_admin(account.staff_id), subject=account.staff_id)
        changed = self.gate.repo.staff.set_active(account.staff_id, active)
        assert changed is not None
        self.gate.record(kind, actor.staff_id, subject=account.staff_id)
        return changed

    def reset_pin(self, actor: StaffAccount, staff_id: str, pin: Pin, repeat: Pin) -> StaffAccount:
        """A new PIN chosen by the admin (it must be changed at first use); ends any lock-out."""
        self._check_actor(actor, "pin_reset", staff_id)
        account = self._account(staff_id, kind="pin_reset", actor=actor.staff_id)
        if account.is_demo:
            self.gate.refuse("pin_reset", actor.staff_id, refusals.demo_id(account.staff_id), subject=account.staff_id)
        pin_hash = self.gate.new_pin_hash(account.staff_id, pin, repeat, kind="pin_reset", actor=actor.staff_id)
        changed = self.gate.repo.staff.set_pin(account.staff_id, pin_hash, at=self.gate.repo.clock(), must_change=True)
        assert changed is not None
        self.gate.record("pin_reset", actor.staff_id, subject=account.staff_id)
        return changed

    def unlock(self, actor: StaffAccount, staff_id: str) -> StaffAccount:
        """End a lock-out now."""
        self._check_actor(actor, "staff_unlocked", staff_id)
        account = self._account(staff_id, kind="staff_unlocked", actor=actor.staff_id)
        changed = self.gate.repo.staff.unlock(account.staff_id)
        assert changed is not None
        was = (
            account.locked_until.isoformat()
            if account.locked_at(self.gate.repo.clock()) and account.locked_until
            else None
        )
        self.gate.record("staff_unlocked", actor.staff_id, subject=account.staff_id, was_locked_until=was)
        return changed
