"""Who may do what: the one place every role rule lives.

The app, the CLI and the closing rules all ask here, so there is one rule to audit and one to
change. A role always comes from the member of staff's account (``staff`` table), never from a
choice made at sign-in. Roles (DOMAIN.md §7): ``teller`` 柜员, ``lobby`` 大堂经理, ``guard`` 保安,
``supervisor`` 主管, ``security`` 安全保卫, ``admin`` 管理员.
"""

from __future__ import annotations

from typing import Literal

ROLES: tuple[str, ...] = ("teller", "lobby", "guard", "supervisor", "security", "admin")
"""Every role an account can hold."""

EXPORT_ROLES: frozenset[str] = frozenset({"security", "supervisor", "admin"})
"""Roles allowed to export the monthly ledger (安全保卫岗, 主管, 管理员): it leaves the branch."""

STATS_ROLES: frozenset[str] = frozenset({"security", "supervisor", "admin"})
"""Roles that may read the branch's figures and the records behind them (statistics, drill-down)."""

AUDIT_ROLES: frozenset[str] = frozenset({"security", "admin"})
"""Roles that may read the audit trail (sign-ins, approvals, exports, staff changes)."""

STAFF_ADMIN_ROLES: frozenset[str] = frozenset({"admin"})
"""Roles that may add, disable, enable, unlock staff and reset their PINs."""

STAFF_LIST_ROLES: frozenset[str] = frozenset({"admin", "security"})
"""Roles that may list the staff accounts (security reads the audit trail and must know who is who)."""

APPROVER_ROLES: frozenset[str] = frozenset({"supervisor"})
"""Roles that give a supervisor's approval; ``admin`` too when the policy says so."""

Mode = Literal["counter", "lobby", "stats"]
MODES: tuple[Mode, ...] = ("counter", "lobby", "stats")

MODE_ROLES: dict[str, frozenset[str]] = {
    "counter": frozenset({"teller", "supervisor"}),
    "lobby": frozenset({"lobby", "guard", "supervisor"}),
    "stats": STATS_ROLES,
}
"""Which roles may open each part of the app."""

HOME_MODE: dict[str, Mode] = {
    "teller": "counter",
    "supervisor": "counter",
    "lobby": "lobby",
    "guard": "lobby",
    "security": "stats",
    "admin": "stats",
}
"""Where each role starts when the part asked for is not theirs."""


def can_export(role: str | None) -> bool:
    """Whether staff with ``role`` may export the monthly intervention log.

    Args:
        role: the staff role, or ``None`` when nobody is signed in.

    Returns:
        True for the roles in :data:`EXPORT_ROLES`, False for everyone else.
    """
    return role in EXPORT_ROLES


def can_read_stats(role: str | None) -> bool:
    """Whether ``role`` may read the branch's statistics and every record behind them."""
    return role in STATS_ROLES


def can_read_audit(role: str | None) -> bool:
    """Whether ``role`` may read the audit trail."""
    return role in AUDIT_ROLES


def can_manage_staff(role: str | None) -> bool:
    """Whether ``role`` may change staff accounts (add, disable, enable, reset a PIN, unlock)."""
    return role in STAFF_ADMIN_ROLES


def can_list_staff(role: str | None) -> bool:
    """Whether ``role`` may list the staff accounts."""
    return role in STAFF_LIST_ROLES


def can_open(role: str | None, mode: str) -> bool:
    """Whether ``role`` may open the app's ``mode`` (counter, lobby, stats)."""
    return role in MODE_ROLES.get(mode, frozenset())


def mode_for(role: str, asked: str) -> Mode:
    """The part of the app a member of staff with ``role`` lands on when ``asked`` was requested:
    ``asked`` when the role may open it, otherwise the role's own part."""
    if can_open(role, asked):
        for mode in MODES:
            if mode == asked:
                return mode
    return HOME_MODE.get(role, "counter")


def can_view_record(role: str | None, viewer_id: str, record_staff_id: str) -> bool:
    """Whether a member of staff may open one intervention record: their own, or any for the
    roles that read the branch's records."""
    return can_read_stats(role) or viewer_id == record_staff_id


CORRECTION_ROLES: frozenset[str] = frozenset({"supervisor"})
"""Roles that may correct any record; others correct only their own (within the branch policy)."""

HISTORY_ROLES: frozenset[str] = frozenset({"supervisor", "security", "admin"})
"""Roles that may search the history of every counter and every day (others: their own records)."""


def can_correct(role: str | None, corrector_id: str, record_staff_id: str) -> bool:
    """Whether a member of staff may start a correction of a record: a supervisor any record,
    anyone else their own (which fields, and whether a supervisor must approve, is
    :func:`teller_guard.core.corrections.needs_approval`)."""
    if role in CORRECTION_ROLES:
        return True
    return role in ("teller", "lobby") and corrector_id.casefold() == record_staff_id.casefold()


ORPHAN_ROLES: frozenset[str] = frozenset({"supervisor", "admin"})
"""Roles offered the cases other staff left open (by a crash, a power cut, a shift that ended),
to resume or to log as abandoned, so an orphaned case always reaches the log."""


def can_settle_orphans(role: str | None) -> bool:
    """Whether ``role`` is offered other staff's cases left open at the counter."""
    return role in ORPHAN_ROLES


def can_search_history(role: str | None) -> bool:
    """Whether ``role`` may search every counter's records (not only their own)."""
    return role in HISTORY_ROLES


def may_approve(role: str | None, *, admin_may_approve: bool) -> bool:
    """Whether ``role`` may give a supervisor's approval (policy ``[access].admin_may_approve``)."""
    return role in APPROVER_ROLES or (admin_may_approve and role == "admin")


ApprovalProblem = Literal["own_case", "role"]


def approval_problem(
    approver_id: str, approver_role: str, requester_id: str, *, admin_may_approve: bool
) -> ApprovalProblem | None:
    """Why this member of staff cannot approve the requester's case, or ``None`` if they can.

    Args:
        approver_id: who is approving (authenticated separately).
        approver_role: their account's role.
        requester_id: the member of staff whose case it is (the signed-in teller).
        admin_may_approve: the branch policy.

    Returns:
        ``"own_case"`` when the approver is the requester (never, whatever the role), ``"role"``
        when the role may not approve, ``None`` when the approval stands.
    """
    if approver_id.casefold() == requester_id.casefold():
        return "own_case"
    if not may_approve(approver_role, admin_may_approve=admin_may_approve):
        return "role"
    return None


def approver_roles(*, admin_may_approve: bool) -> tuple[str, ...]:
    """The roles that may approve under the policy, in :data:`ROLES` order."""
    return tuple(r for r in ROLES if may_approve(r, admin_may_approve=admin_may_approve))
