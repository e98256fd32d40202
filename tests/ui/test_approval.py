"""A supervisor's approval at the teller's screen (极高 case, 正常办理): a wrong PIN, the teller's
own id, another teller's id, a disabled supervisor, then the right supervisor — through the one
approval component, with the teller signed in throughout."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import Input, Label

from teller_guard.config import Settings
from teller_guard.core.models import AssessmentInput
from teller_guard.core.records import DecisionRecord, Staff
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.decision import DecisionModal
from teller_guard.ui.widgets.approval import SupervisorApproval
from tests.factories import FROZEN_NOW, SUPERVISOR, TELLER, frozen_clock
from tests.factories.accounts import PINS, SUPERVISOR_2, TELLER_2, add_all
from tests.ui.helpers import make_counter_app, settle


def critical_modal(rules: RuleSet, settings: Settings) -> DecisionModal:
    a = assess(
        rules,
        AssessmentInput(
            channel="counter",
            amount=Decimal(80000),
            purpose="民警打电话说我涉嫌洗钱",
            observations=frozenset({"on_phone", "nervous"}),
        ),
    )
    assert a.level == "critical" and not any(t.auto_stop for t in a.typologies)
    return DecisionModal(
        rules=rules,
        assessment=a,
        amount_fen=8_000_000,
        staff=TELLER,
        zone=settings.zone,
        clock=frozen_clock,
        case_uid="case-critical",
    )


async def attempt(pilot, modal: DecisionModal, who: str, pin: str) -> str:  # type: ignore[no-untyped-def]
    for name, value in (("id", who), ("pin", pin), ("reason", "客户坚持，已联系其女儿核实为购房首付")):
        modal.query_one(f"#approval-{name}", Input).value = value
    await pilot.press("f2")
    await settle(pilot)
    await settle(pilot)
    return str(modal.query_one("#approval-error", Label).render())


@pytest.fixture
def staffed(repo: Repository) -> Repository:
    add_all(repo, TELLER, TELLER_2, SUPERVISOR, SUPERVISOR_2)
    repo.staff.set_active("S002", False)
    return repo


async def test_supervisor_approval_at_the_tellers_screen(
    settings: Settings, rules: RuleSet, staffed: Repository
) -> None:
    app = make_counter_app(settings, rules, staffed)
    results: list[DecisionRecord | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        modal = critical_modal(rules, settings)
        app.push_screen(modal, results.append)
        await pilot.pause()
        while modal.chosen != "proceed":
            await pilot.press("up")
        assert modal.query_one("#supervisor-box").display
        approval = modal.query_one(SupervisorApproval)
        # Each refusal: one Chinese line, the PIN field emptied, the case still open.
        assert "工号或密码不对" in await attempt(pilot, modal, "S001", "000000")
        assert modal.query_one("#approval-pin", Input).value == ""
        assert "不能由经办柜员本人授权" in await attempt(pilot, modal, "T001", PINS["T001"])
        assert "柜员不能主管授权" in await attempt(pilot, modal, "T002", PINS["T002"])
        assert "工号 S002 已停用" in await attempt(pilot, modal, "S002", PINS["S002"])
        assert results == [] and app.screen is modal and app.context.staff == TELLER
        for name, value in (("id", "S001"), ("pin", PINS["S001"]), ("reason", "客户坚持，已联系其女儿核实为购房首付")):
            modal.query_one(f"#approval-{name}", Input).value = value
        await pilot.press("f2")
        await settle(pilot)
        await settle(pilot)
        assert not approval.busy and app.screen is not modal
    [decision] = results
    assert decision is not None and decision.decision == "proceed"
    assert (decision.supervisor_id, decision.supervisor_auth, decision.supervisor_at) == ("S001", "pin", FROZEN_NOW)
    assert decision.supervisor_reason == "客户坚持，已联系其女儿核实为购房首付"
    assert decision.decided_by == "T001"
    refused = [(e.staff_id, e.detail["reason"]) for e in staffed.audit_events(kind="approval_refused")]
    assert refused == [("S001", "wrong_credentials"), ("T001", "own_case"), ("T002", "role"), ("S002", "disabled")]
    [given] = staffed.audit_events(kind="approval")
    assert (given.staff_id, given.subject, given.detail["requester"]) == ("S001", "case-critical", "T001")
    assert staffed.staff.get("S001").failed_attempts == 0  # type: ignore[union-attr]


async def test_a_supervisor_on_the_counter_cannot_approve_their_own_case(
    settings: Settings, rules: RuleSet, staffed: Repository
) -> None:
    app = make_counter_app(settings, rules, staffed, staff=SUPERVISOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        modal = critical_modal(rules, settings)
        modal.staff = SUPERVISOR
        app.push_screen(modal)
        await pilot.pause()
        while modal.chosen != "proceed":
            await pilot.press("up")
        assert "不能由经办柜员本人授权" in await attempt(pilot, modal, "s001", PINS["S001"])


def test_the_teller_staff_record_is_untouched(staffed: Repository) -> None:
    assert staffed.get_staff("T001") == Staff(staff_id="T001", name="王柜员", role="teller")
