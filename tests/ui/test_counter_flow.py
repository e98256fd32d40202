"""The counter flow driven by keys, end to end: what the teller types is what the log holds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, Label

from teller_guard.config import Settings
from teller_guard.core.records import AcknowledgementRecord
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.acknowledge import AcknowledgeScreen
from teller_guard.ui.screens.counter import CounterScreen
from teller_guard.ui.screens.decision import DecisionModal
from teller_guard.ui.widgets.risk_panel import RiskPanel
from tests.factories import ELDERLY_ID, FROZEN_NOW, SUPERVISOR, TELLER, YOUNG_ID
from tests.factories.accounts import PINS, add_all
from tests.ui.helpers import (
    LOW_RISK_ANSWERS,
    answer_all,
    answer_all_by_keys,
    explain_not_asked,
    focus,
    make_counter_app,
)

LOW_RISK_FORM = [
    ("#amount", "3000"),
    ("#id-number", YOUNG_ID),
    ("#customer-name", "张三丰"),
    ("#payee-name", "张小花"),
    ("#payee-account", "6222020200112233445"),
    LOW_RISK_ANSWERS[0],  # 用途, then what the customer said about it
    ("#said-purpose", "给女儿交房租"),
    *LOW_RISK_ANSWERS[1:],
]


def _text(renderable: object) -> str:
    """What a Rich renderable says, as plain text."""
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def _db_bytes(settings: Settings) -> bytes:
    """The SQLite file and its WAL, as raw bytes (to prove what is *not* in them)."""
    base = Path(settings.db_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (base, base.with_name(base.name + "-wal")) if p.exists())


async def _wait_saved(pilot, repo: Repository, n: int = 1) -> list:  # type: ignore[no-untyped-def]
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        rows = repo.summaries(staff_id="T001")
        if len(rows) >= n:
            return rows
    raise AssertionError("the case was not saved")


@pytest.mark.slow  # every key at a teller's pace, Tab by Tab
async def test_low_risk_transfer_by_keyboard_alone(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await answer_all_by_keys(pilot, LOW_RISK_FORM)
        await pilot.pause()
        # The ID number is replaced by its last four on screen the moment it is complete.
        assert screen.query_one("#id-number", Input).value == "**************1239"
        assert "36 岁 男" in str(screen.query_one("#id-facts", Label).render())
        # The customer's name is masked once the teller moves on; the payee's name and account
        # stay readable while the case is open (to compare with the slip), masked in the draft.
        assert screen.query_one("#customer-name", Input).value == "张**"
        assert screen.query_one("#payee-account", Input).value == "6222020200112233445"
        assert screen.query_one("#payee-name", Input).value == "张小花"
        assert screen.state.payee_account_masked == "****3445" and screen.state.payee_name_masked == "张**"
        panel = screen.query_one("#risk", RiskPanel)
        assert panel.assessment is not None and panel.assessment.level == "low"

        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal)
        await pilot.press("enter")  # 正常办理 is highlighted for a low-risk case
        # Every remittance customer reads and signs the notice (the shipped branch policy, 002:9).
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, AcknowledgeScreen):
                break
        ack_screen = app.screen
        assert isinstance(ack_screen, AcknowledgeScreen)
        await pilot.press(*ack_screen.serial[-4:], "enter")
        rows = await _wait_saved(pilot, repo)
        await pilot.pause()
        # A fresh transfer is on screen.
        assert screen.query_one("#amount", Input).value == ""
        assert screen.state.uid != rows[0].uid

    rec = repo.get(rows[0].uid)
    assert rec is not None
    assert rec.status == "closed" and rec.level == "low"
    assert rec.amount_fen == 300_000
    assert rec.rules_version == rules.version
    assert rec.decision is not None and rec.decision.decision == "proceed" and rec.decision.decided_by == "T001"
    assert rec.acknowledgement is not None and rec.acknowledgement.method == "paper"
    assert rec.customer_age == 36 and rec.customer_sex == "M"
    assert rec.customer_name_masked == "张**" and rec.payee_name_masked == "张**"
    assert rec.payee_account_masked == "****3445"
    assert rec.customer_ref and YOUNG_ID not in rec.customer_ref
    answers = {a.item_id: a.value for a in rec.answers}
    assert answers["purpose"] == "living" and answers["relation"] == "child" and answers["check_amount"] is True
    # Every 二看 is on record: not ticked means looked and not seen.
    assert all(answers[f"look_{k}"] is False for k in ("nervous", "phone", "notes", "vague", "hurried", "coached"))
    assert "给女儿交房租" in rec.purpose_text
    assert set(rec.step_seconds) >= {"转账信息", "三问", "二看", "一核对"}
    assert all(isinstance(v, int) and v >= 0 for v in rec.step_seconds.values())
    # The draft was closed with the case.
    assert repo.open_drafts(staff_id="T001") == []
    # The full ID number and the full account number are nowhere in the database file.
    raw = _db_bytes(settings)
    assert YOUNG_ID.encode() not in raw and YOUNG_ID[:17].encode() not in raw
    assert b"6222020200112233445" not in raw
    assert "张三丰".encode() not in raw


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_critical_safe_account_case_stops_and_reports(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await answer_all(
            pilot,
            [
                ("#amount", "80000"),
                ("#id-number", ELDERLY_ID),
                ("#payee-name", "王五"),
                ("#payee-account", "6217000011112222333"),
                ("#item-purpose", "investigation"),
                ("#said-purpose", "公安局说我涉嫌洗钱要把钱转到安全账户"),
                ("#item-relation", "caller"),
            ],
        )
        # 二看 by one key each (the keys come from the rules), in the 二看 group only.
        await focus(pilot, "#looks-1")
        await pilot.press("2", "1")
        await pilot.pause()
        assert screen.state.answers.get("look_phone") is True
        assert screen.state.answers.get("look_nervous") is True
        panel = screen.query_one("#risk", RiskPanel)
        assert panel.assessment is not None and panel.assessment.level == "critical"
        rendered = _text(panel.render_assessment(panel.assessment))
        assert "安全账户" in rendered and "请对客户说" in rendered

        await pilot.press("f2")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DecisionModal)
        assert modal.chosen == "police"  # the recommended decision at critical
        await pilot.press("enter")
        await pilot.pause()
        # The police reference is missing: the modal stays and says so, focus goes to the field.
        assert app.screen is modal
        assert "报警回执号" in str(modal.query_one("#decision-problems", Label).render())
        assert app.focused is modal.query_one("#police-ref", Input)
        await pilot.press(*"JJ20261125-017", "enter")
        rows = await _wait_saved(pilot, repo)

    rec = repo.get(rows[0].uid)
    assert rec is not None
    assert rec.level == "critical" and rec.score >= 80
    ids = {s.id: s for s in rec.signals}
    assert "t_safe_account" in ids and ids["t_safe_account"].points > 0
    assert "on_phone" in ids and "nervous" in ids and "elderly_senior" in ids
    assert all(s.points > 0 and s.reason for s in rec.signals)
    assert [t.id for t in rec.typologies][0] == "safe_account"
    assert rec.decision is not None and rec.decision.decision == "police"
    assert rec.decision.police_ref == "JJ20261125-017"
    # 10:30 local on the frozen day, typed as local time and stored in UTC.
    assert rec.decision.police_called_at == FROZEN_NOW
    assert rec.decision.amount_protected_fen == 8_000_000
    assert set(rec.observations) >= {"on_phone", "nervous"}
    assert rec.customer_age == 76
    assert ELDERLY_ID.encode() not in _db_bytes(settings)


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_high_risk_cannot_proceed_without_supervisor(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    add_all(repo, TELLER, SUPERVISOR)
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await answer_all(pilot, [("#amount", "60000"), ("#id-number", ELDERLY_ID)])
        await focus(pilot, "#looks-1")
        await pilot.press("2", "1")  # on the phone, nervous
        await pilot.pause()
        assert isinstance(screen, CounterScreen)
        assert screen.assessment is not None and screen.assessment.level == "high", screen.assessment

        await pilot.press("f2")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DecisionModal)
        assert modal.chosen == "defer"
        while modal.chosen != "proceed":
            await pilot.press("up")
        await pilot.pause()
        assert modal.query_one("#supervisor-box").display is True
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal, "a high case closed as 正常办理 without a supervisor"
        assert "请主管输入工号" in str(modal.query_one("#approval-error", Label).render())
        assert app.focused is modal.query_one("#approval-id", Input)
        # The supervisor walks over: 工号 Enter 密码 Enter, then the reason (keys, as typed there).
        await pilot.press(*"S001", "enter")
        await pilot.pause()
        assert app.focused is modal.query_one("#approval-pin", Input)
        await pilot.press(*PINS["S001"], "enter")
        await pilot.pause()
        assert app.screen is modal
        assert app.focused is modal.query_one("#approval-reason", Input)
        assert modal.query_one("#approval-pin", Input).value == PINS["S001"]  # kept until the reason is in
        await pilot.press(*"客户为儿子购房付首付已电话核实", "enter")
        await pilot.pause()
        await explain_not_asked(pilot)  # this test asks only what matters to it
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Proceeding at high risk needs the customer's acknowledgement next.
        ack_screen = app.screen
        assert isinstance(ack_screen, AcknowledgeScreen)
        assert ack_screen.serial.startswith(f"{rules.branch.code}-20261125-")
        assert ack_screen.notice_version == rules.notice.version
        assert repo.summaries(staff_id="T001") == []
        ack_screen.dismiss(
            AcknowledgementRecord(
                method="paper",
                notice_serial=ack_screen.serial,
                notice_version=ack_screen.notice_version,
                notice_text_hash=ack_screen.notice_text_hash,
                witness_staff_id="T001",
                at=FROZEN_NOW,
            )
        )
        rows = await _wait_saved(pilot, repo)

    rec = repo.get(rows[0].uid)
    assert rec is not None and rec.level == "high"
    assert rec.decision is not None and rec.decision.decision == "proceed"
    assert rec.decision.supervisor_id == "S001"
    assert rec.decision.supervisor_reason == "客户为儿子购房付首付已电话核实"
    assert rec.decision.supervisor_auth == "pin" and rec.decision.supervisor_at == FROZEN_NOW
    [approval] = repo.audit_events(kind="approval")
    assert (approval.staff_id, approval.subject, approval.detail["requester"]) == ("S001", rec.uid, "T001")
    assert rec.acknowledgement is not None and rec.acknowledgement.method == "paper"
    assert rec.acknowledgement.notice_serial.endswith("-0001")
    assert "决定" in rec.step_seconds


async def test_cancelled_acknowledgement_does_not_close(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await answer_all(pilot, [("#amount", "60000"), ("#id-number", ELDERLY_ID)])
        await focus(pilot, "#looks-1")
        await pilot.press("2")  # on the phone
        await pilot.pause()
        assert isinstance(screen, CounterScreen)
        assert screen.assessment is not None and screen.assessment.level == "medium", screen.assessment
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal) and app.screen.chosen == "proceed_warned"
        await pilot.press("enter")
        await explain_not_asked(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, AcknowledgeScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await app.workers.wait_for_complete()
        assert repo.summaries(staff_id="T001") == []
        # The case is still there, and still in its draft.
        assert screen.query_one("#amount", Input).value == "60000"
        drafts = repo.open_drafts(staff_id="T001")
        assert [d.draft_id for d in drafts] == [screen.state.draft_id]


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_a_branch_that_asks_no_low_risk_signature_closes_without_a_notice(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    from dataclasses import replace

    policy = replace(rules.policy, notice=replace(rules.policy.notice, low_risk_signs=False))
    app = make_counter_app(settings, replace(rules, policy=policy), repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await answer_all(pilot, LOW_RISK_FORM)  # about the policy, not the keys
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal)
        await pilot.press("enter")
        rows = await _wait_saved(pilot, repo)
    rec = repo.get(rows[0].uid)
    assert rec is not None and rec.decision is not None and rec.decision.decision == "proceed"
    assert rec.acknowledgement is None
