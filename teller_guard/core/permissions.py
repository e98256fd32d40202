"""Who may do what: the one place role checks live (the later login work hardens it here).

The CLI and the app both ask :func:`can_export` before writing a monthly export, so there is
one rule to audit and one to change.
"""

from __future__ import annotations

EXPORT_ROLES: frozenset[str] = frozenset({"security", "supervisor", "admin"})
"""Roles allowed to export the monthly ledger (安全保卫岗, 主管, 管理员): it leaves the branch."""


def can_export(role: str | None) -> bool:
    """Whether staff with ``role`` may export the monthly intervention log.

    Args:
        role: the staff role (``teller``, ``lobby``, ``guard``, ``supervisor``, ``security``,
            ``admin``), or ``None`` when nobody is signed in.

    Returns:
        True for the roles in :data:`EXPORT_ROLES`, False for everyone else.
    """
    return role in EXPORT_ROLES
