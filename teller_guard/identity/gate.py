"""The gate: every PIN typed anywhere (sign-in, lock screen, approval, CLI) is checked here,
every refusal is said here, and every audit event about people is written from here.

One :class:`Gate` serves one place of work (a terminal, a browser tab, one CLI command): it
knows where it is (:class:`Where`) so each event says so. Checking a PIN costs one argon2id
verification whatever the answer (an unknown staff id is checked against a stand-in hash), and
a refused PIN is answered no sooner than :data:`REFUSAL_FLOOR` seconds after it was typed, so
neither the words nor the time tell a stranger which staff ids exist.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn, TypedDict

from teller_guard.core.accounts import STAFF_ID_PATTERN, Approval, StaffAccount
from teller_guard.core.audit import FAILED_KINDS, AuditEvent, Origin
from teller_guard.core.closing import MIN_APPROVAL_REASON
from teller_guard.core.permissions import approval_problem, approver_roles
from teller_guard.core.records import Staff
from teller_guard.core.schema import AccessDef
from teller_guard.identity import refusals
from teller_guard.identity.pins import Pin, PinHasher, pin_problem
from teller_guard.identity.refusals import AccessRefused, Refusal
from teller_guard.storage.repository import Repository

_STAFF_ID = re.compile(STAFF_ID_PATTERN)

REFUSAL_FLOOR: dict[str, float] = {"rfc9106-low-memory": 0.25, "insecure-fast-for-tests": 0.0}
"""Seconds a refused PIN takes at least, per hash profile: longer than one verification on a
branch PC, so an unknown id and a wrong PIN are answered after the same time."""


class _ApprovalDetail(TypedDict):
    """What an approval's audit events carry besides the who and the subject."""

    what: str
    requester: str


@dataclass(frozen=True)
class Where:
    """Where the staff member is: the terminal app, a browser tab (with its address), or the CLI."""

    origin: Origin = "terminal"
    client: str | None = None


def _typed(staff_id: str) -> str:
    """An unknown id as typed, kept only in outline (a PIN typed into the id field must not be
    logged): its first character and its length."""
    head = staff_id[:1] if staff_id[:1].isalpha() else "#"
    return head + "*" * min(max(len(staff_id) - 1, 0), 31)


class Gate:
    """Authentication, authorisation and approvals for one place of work, with their audit events."""

    def __init__(self, repo: Repository, access: AccessDef, hasher: PinHasher, *, where: Where = Where()) -> None:
        self.repo = repo
        """The database (staff accounts and the audit trail)."""
        self.access = access
        """The branch policy (``[access]`` in policy.toml)."""
        self.hasher = hasher
        """argon2id with the configured parameters."""
        self.where = where
        """Where events happen (terminal, browser + address, CLI)."""

    # ------------------------------------------------------------ the audit trail
    def record(
        self,
        kind: str,
        staff_id: str | None,
        *,
        ok: bool = True,
        subject: str | None = None,
        **detail: str | int | bool | None,
    ) -> AuditEvent:
        """Append one audit event (now, from here)."""
        return self.repo.record_audit(
            AuditEvent(
                at=self.repo.clock(),
                kind=kind,
                staff_id=staff_id,
                ok=ok,
                origin=self.where.origin,
                client=self.where.client,
                subject=subject,
                detail=detail,
            )
        )

    def refuse(
        self,
        kind: str,
        staff_id: str | None,
        refusal: Refusal,
        *,
        subject: str | None = None,
        **detail: str | int | bool | None,
    ) -> NoReturn:
        """Log the refused attempt at ``kind`` and raise :class:`AccessRefused`."""
        self.record(FAILED_KINDS.get(kind, kind), staff_id, ok=False, subject=subject, reason=refusal.code, **detail)
        raise AccessRefused(refusal)

    # ------------------------------------------------------------ PINs
    def check_pin(
        self,
        staff_id: str,
        pin: Pin,
        *,
        kind: str,
        subject: str | None = None,
        allow_must_change: bool = False,
        **detail: str | int | bool | None,
    ) -> StaffAccount:
        """The account whose PIN this is, or :class:`AccessRefused` (logged as ``kind``, refused).

        A wrong PIN counts toward the lock-out; at the policy's limit the account locks (and a
        ``locked_out`` event is written). A locked account's PIN is not checked at all. ``detail``
        goes into every event a refusal writes.
        """
        started = time.monotonic()
        try:
            return self._check_pin(
                staff_id.strip(), pin, kind=kind, subject=subject, allow_must_change=allow_must_change, **detail
            )
        except AccessRefused:
            rest = REFUSAL_FLOOR.get(self.hasher.profile, 0.25) - (time.monotonic() - started)
            if rest > 0:
                time.sleep(rest)
            raise

    def _check_pin(
        self,
        staff_id: str,
        pin: Pin,
        *,
        kind: str,
        subject: str | None,
        allow_must_change: bool,
        **detail: str | int | bool | None,
    ) -> StaffAccount:
        store = self.repo.staff
        now = self.repo.clock()
        account = store.get(staff_id) if _STAFF_ID.match(staff_id) else None
        if account is None:
            self.hasher.verify(None, pin)  # the time a wrong PIN takes
            self.refuse(
                kind, None, refusals.wrong_credentials(self.access), subject=subject, **detail, typed=_typed(staff_id)
            )
        sid = account.staff_id
        if account.locked_at(now):
            assert account.locked_until is not None
            self.hasher.verify(None, pin)
            self.refuse(kind, sid, refusals.locked(sid, account.locked_until, self.repo.tz), subject=subject, **detail)
        if not self.hasher.verify(account.pin_hash, pin):
            if account.pin_hash is None:
                self.refuse(kind, sid, refusals.no_pin(sid), subject=subject, **detail)
            after = store.note_failure(
                sid, at=now, limit=self.access.max_failed_pins, lock_for=timedelta(minutes=self.access.lockout_minutes)
            )
            if after is not None and after.locked_at(now):
                assert after.locked_until is not None
                until = after.locked_until.isoformat()
                self.record("locked_out", sid, ok=False, subject=subject, until=until, **detail)
                refusal = refusals.locked(
                    sid, after.locked_until, self.repo.tz, just_now=True, limit=self.access.max_failed_pins
                )
                self.refuse(kind, sid, refusal, subject=subject, **detail)
            failed = after.failed_attempts if after is not None else 0
            self.refuse(
                kind, sid, refusals.wrong_credentials(self.access), subject=subject, **detail, failed_attempts=failed
            )
        # The PIN is right: only now say what else is wrong with the account.
        if not account.active:
            self.refuse(kind, sid, refusals.disabled(sid), subject=subject, **detail)
        if account.is_demo and store.has_real_staff():
            self.refuse(kind, sid, refusals.demo_account(sid), subject=subject, **detail)
        if account.must_change and not allow_must_change:
            self.refuse(kind, sid, refusals.must_change(sid), subject=subject, **detail)
        assert account.pin_hash is not None
        if self.hasher.needs_rehash(account.pin_hash):
            store.rehash(sid, self.hasher.hash(pin))
        if account.failed_attempts:
            store.note_success(sid)
        return account

    def new_pin_hash(self, staff_id: str, pin: Pin, repeat: Pin, *, kind: str, actor: str | None) -> str:
        """The hash of a new PIN, once it is acceptable and typed the same twice (else refused as ``kind``)."""
        problem = pin_problem(pin, self.access, demo=False)
        if problem is not None:
            self.refuse(kind, actor, refusals.bad_pin(problem, self.access), subject=staff_id)
        if pin != repeat:
            self.refuse(kind, actor, refusals.pins_differ(), subject=staff_id)
        return self.hasher.hash(pin)

    # ------------------------------------------------------------ sessions
    def sign_in(self, staff_id: str, pin: Pin) -> StaffAccount:
        """Sign in at this place of work. A PIN set by an admin is refused with ``must_change``
        (the app then asks for a new one: :meth:`change_pin`)."""
        account = self.check_pin(staff_id, pin, kind="sign_in")
        self.record("sign_in", account.staff_id, role=account.role)
        return account

    def unlock_screen(self, staff: Staff, pin: Pin) -> StaffAccount:
        """The same member of staff back at a locked screen."""
        account = self.check_pin(staff.staff_id, pin, kind="unlock_screen", allow_must_change=True)
        self.record("unlock_screen", account.staff_id)
        return account

    def sign_out(self, staff: Staff, *, kind: str = "sign_out") -> None:
        """``sign_out`` (the key, or the app closing) or ``idle_lock``."""
        self.record(kind, staff.staff_id)

    def change_pin(self, staff_id: str, old: Pin, new: Pin, repeat: Pin) -> StaffAccount:
        """Replace one's own PIN (needs the old one; allowed while the PIN must be changed)."""
        account = self.check_pin(staff_id, old, kind="pin_changed", allow_must_change=True)
        if new == old:
            self.refuse("pin_changed", account.staff_id, refusals.same_pin(), subject=account.staff_id)
        pin_hash = self.new_pin_hash(account.staff_id, new, repeat, kind="pin_changed", actor=account.staff_id)
        changed = self.repo.staff.set_pin(account.staff_id, pin_hash, at=self.repo.clock(), must_change=False)
        assert changed is not None
        self.record("pin_changed", account.staff_id, subject=account.staff_id)
        return changed

    # ------------------------------------------------------------ permission and approval
    def authorize(
        self,
        staff_id: str,
        pin: Pin,
        *,
        kind: str,
        action: str,
        allowed: Collection[str],
        subject: str | None = None,
    ) -> StaffAccount:
        """Check the PIN, then that the account's role is one of ``allowed`` (refusals logged as ``kind``)."""
        account = self.check_pin(staff_id, pin, kind=kind, subject=subject)
        self.require_role(account, kind=kind, action=action, allowed=allowed, subject=subject)
        return account

    def require_role(
        self,
        account: StaffAccount | Staff,
        *,
        kind: str,
        action: str,
        allowed: Collection[str],
        subject: str | None = None,
    ) -> None:
        """Refuse (logged as ``kind``) unless the account's role is in ``allowed``."""
        if account.role not in allowed:
            ordered = tuple(r for r in ("teller", "lobby", "guard", "supervisor", "security", "admin") if r in allowed)
            self.refuse(
                kind,
                account.staff_id,
                refusals.not_allowed(account.staff_id, account.role, action, ordered),
                subject=subject,
            )

    def approve(
        self,
        approver_id: str,
        pin: Pin,
        *,
        requester: Staff,
        reason: str,
        subject: str,
        what: str,
    ) -> Approval:
        """A supervisor's approval of ``requester``'s case ``subject``, given on the spot.

        Args:
            approver_id: the 主管工号 typed.
            pin: their PIN, typed there and then.
            requester: the signed-in member of staff whose case it is (never the approver).
            reason: why (at least :data:`~teller_guard.core.closing.MIN_APPROVAL_REASON` characters).
            subject: the case (intervention uid).
            what: which approval (``decision`` for a high/critical proceed, ``override`` for an
                unsigned notice, …), kept in the audit event.

        Raises:
            AccessRefused: own case, unknown id, wrong PIN, locked, disabled, a role that may not
                approve, no reason (each logged as ``approval_refused``).
        """
        approver_id = approver_id.strip()
        detail = _ApprovalDetail(what=what, requester=requester.staff_id)
        if approver_id.casefold() == requester.staff_id.casefold():
            self.refuse(
                "approval", requester.staff_id, refusals.own_case(requester.staff_id), subject=subject, **detail
            )
        if len(reason.strip()) < MIN_APPROVAL_REASON:
            self.refuse(
                "approval", requester.staff_id, refusals.short_reason(MIN_APPROVAL_REASON), subject=subject, **detail
            )
        account = self.check_pin(approver_id, pin, kind="approval", subject=subject, **detail)
        problem = approval_problem(
            account.staff_id, account.role, requester.staff_id, admin_may_approve=self.access.admin_may_approve
        )
        if problem == "own_case":
            self.refuse("approval", account.staff_id, refusals.own_case(account.staff_id), subject=subject, **detail)
        if problem == "role":
            allowed = approver_roles(admin_may_approve=self.access.admin_may_approve)
            refusal = refusals.not_allowed(account.staff_id, account.role, "approval", allowed)
            self.refuse("approval", account.staff_id, refusal, subject=subject, **detail)
        event = self.record("approval", account.staff_id, subject=subject, why=reason.strip(), **detail)
        return Approval(supervisor=account.staff, at=event.at, reason=reason.strip(), auth="pin", audit_id=event.id)

    # ------------------------------------------------------------ rules
    def note_rules(self, version: str, staff_id: str | None = None) -> bool:
        """Log ``rules_seen`` the first time this rules version is used here; True if it was new."""
        if any(e.subject == version for e in self.repo.audit_events(kind="rules_seen")):
            return False
        self.record("rules_seen", staff_id, subject=version)
        return True
