"""Every role rule, in one place: who exports, reads figures and the audit trail, manages staff,
opens which part of the app, opens which record, and approves."""

from __future__ import annotations

import pytest

from teller_guard.core import permissions as p

ROLES = ("teller", "lobby", "guard", "supervisor", "security", "admin")


def allowed(rule) -> set[str]:  # type: ignore[no-untyped-def]
    return {r for r in (*ROLES, None) if rule(r)}


def test_the_role_tables() -> None:
    assert p.ROLES == ROLES
    assert allowed(p.can_export) == {"security", "supervisor", "admin"}
    assert allowed(p.can_read_stats) == {"security", "supervisor", "admin"}
    assert allowed(p.can_read_audit) == {"security", "admin"}
    assert allowed(p.can_manage_staff) == {"admin"}
    assert allowed(p.can_list_staff) == {"admin", "security"}


@pytest.mark.parametrize(
    ("role", "asked", "lands"),
    [
        ("teller", "counter", "counter"),
        ("teller", "stats", "counter"),
        ("teller", "lobby", "counter"),
        ("lobby", "counter", "lobby"),
        ("guard", "stats", "lobby"),
        ("supervisor", "lobby", "lobby"),
        ("supervisor", "stats", "stats"),
        ("security", "counter", "stats"),
        ("admin", "lobby", "stats"),
    ],
)
def test_each_role_lands_where_it_may_work(role: str, asked: str, lands: str) -> None:
    assert p.mode_for(role, asked) == lands


def test_a_teller_opens_their_own_records_only() -> None:
    assert p.can_view_record("teller", "T001", "T001")
    assert not p.can_view_record("teller", "T001", "T002")
    assert not p.can_view_record("lobby", "L001", "T002")
    assert p.can_view_record("supervisor", "S001", "T002")


def test_who_may_approve() -> None:
    assert p.approval_problem("S001", "supervisor", "T001", admin_may_approve=False) is None
    assert p.approval_problem("t001", "supervisor", "T001", admin_may_approve=False) == "own_case"
    assert p.approval_problem("T002", "teller", "T001", admin_may_approve=False) == "role"
    assert p.approval_problem("B001", "security", "T001", admin_may_approve=True) == "role"
    assert p.approval_problem("A001", "admin", "T001", admin_may_approve=False) == "role"
    assert p.approval_problem("A001", "admin", "T001", admin_may_approve=True) is None
    assert p.approver_roles(admin_may_approve=True) == ("supervisor", "admin")
