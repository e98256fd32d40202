"""Staff accounts: who a member of staff is, what role the account gives them, and whether it
may sign in now (active, not locked, a PIN set).

The PIN itself is never here: only its argon2id hash travels, excluded from every dump and
repr, from the staff table to the code that verifies it (:mod:`teller_guard.identity`).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field

from teller_guard.core.base import Frozen
from teller_guard.core.records import Role, Staff, SupervisorAuth

STAFF_ID_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"
"""What a staff id (工号) may look like."""

DEMO_PREFIX = "demo-"
"""Staff ids of ``demo-data`` accounts start with this; real accounts never may."""

DEMO_PIN = "123456"
"""The documented PIN of every ``demo-data`` account (README, ``demo-data --help``). Accepted
only for demo accounts in a database that holds no real staff; never a real account's PIN."""


def is_demo_staff(staff_id: str) -> bool:
    """Whether ``staff_id`` names a ``demo-data`` account."""
    return staff_id.lower().startswith(DEMO_PREFIX)


class StaffAccount(Frozen):
    """A member of staff's account as stored: identity, role, and sign-in state."""

    staff_id: str = Field(pattern=STAFF_ID_PATTERN)
    name: str = Field(min_length=1, max_length=40)
    role: Role
    active: bool = True
    """False once an admin has disabled the account (it can never sign in or approve)."""
    failed_attempts: int = Field(default=0, ge=0)
    """Wrong PINs in a row since the last correct one (reset by a correct PIN or an unlock)."""
    locked_until: AwareDatetime | None = None
    """Set when :attr:`failed_attempts` reached the policy's limit; no PIN is checked before it."""
    pin_set_at: AwareDatetime | None = None
    """When the current PIN was set (``None``: no PIN yet, e.g. an account from before sign-in existed)."""
    must_change: bool = False
    """The PIN was set by an admin (or the account is new): its owner must choose their own first."""
    created_at: AwareDatetime
    pin_hash: str | None = Field(default=None, repr=False, exclude=True)
    """The argon2id hash of the PIN (never the PIN); left out of dumps and reprs."""

    @property
    def staff(self) -> Staff:
        """The public identity (id, name, role) that records and exports carry."""
        return Staff(staff_id=self.staff_id, name=self.name, role=self.role)

    @property
    def is_demo(self) -> bool:
        return is_demo_staff(self.staff_id)

    def locked_at(self, now: datetime) -> bool:
        """Whether the account is locked at ``now``."""
        return self.locked_until is not None and now < self.locked_until


class Approval(Frozen):
    """A supervisor's approval, given on the spot with their own PIN."""

    supervisor: Staff
    """Who approved (their account's id, name and role)."""
    at: AwareDatetime
    reason: str = Field(min_length=1)
    auth: SupervisorAuth = "pin"
    """How they proved who they are."""
    audit_id: int | None = None
    """The audit event that records this approval."""
