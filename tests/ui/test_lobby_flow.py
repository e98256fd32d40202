"""Pilot tests of 大堂「一问二看三提醒」: keyboard and touch flows, validation, drafts, bindings."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input, Static

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.lobby import LobbyScreen
from teller_guard.ui.widgets.risk_panel import RiskPanel
from teller_guard.ui.widgets.tap_toggle import TapToggle
from tests.ui.helpers import lobby, make_lobby_app, settle, tab_to, tap

REMINDERS = ("remind_fraud", "remind_verify", "remind_confirm")


@pytest.mark.slow  # every key at a lobby manager's pace
async def test_keyboard_flow_dissuaded_is_logged(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        assert app.focused is not None and app.focused.id == "machine-ATM01"
        await pilot.press("enter")  # machine → focus jumps to 一问
        assert app.focused is not None and app.focused.id == "opt-business-withdraw"
        await tab_to(pilot, "opt-business-transfer_told")
        await pilot.press("enter")  # choice → focus jumps to what the customer said
        assert app.focused is not None and app.focused.id == "said-business"
        await pilot.press(*"公安局的人让我转到安全账户")
        await pilot.press("enter", *"30000", "enter", *"68", "enter")
        assert isinstance(app.focused, TapToggle)
        await pilot.press("1", "2")  # 二看 by key
        for rid in REMINDERS:
            await tab_to(pilot, f"remind-{rid}")
            await pilot.press("enter")
        await tab_to(pilot, "yes-will_verify")
        await pilot.press("enter")
        await tab_to(pilot, "outcome-dissuaded")
        await pilot.press("enter")
        # The amount the customer did not send is prefilled from the amount asked.
        assert screen.query_one("#protected", Input).value == "30000"
        assert screen.query_one("#police-ref").display is False
        panel = screen.query_one("#lobby-risk", RiskPanel)
        assert panel.assessment is not None and panel.assessment.level == "critical"
        await pilot.press("ctrl+s")
        await settle(pilot)

        saved = screen.last_saved
        assert saved is not None
        rec = repo.get(saved.uid)
        assert rec is not None
        assert rec.channel == "atm" and rec.machine_id == "ATM01"
        assert rec.staff_id == "L001" and rec.staff_role == "lobby"
        assert rec.amount_fen == 3_000_000 and rec.customer_age == 68
        assert rec.decision is not None and rec.decision.decision == "dissuaded"
        assert rec.decision.amount_protected_fen == 3_000_000
        answers = {a.item_id: a.value for a in rec.answers}
        assert answers["business"] == "transfer_told"
        assert all(answers[r] is True for r in REMINDERS)
        assert answers["look_demeanour"] is True and answers["look_phone"] is True
        assert answers["look_notes"] is False  # looked, saw nothing: recorded as "no"
        assert answers["will_verify"] is True
        assert {"nervous", "on_phone"} <= set(rec.observations)
        assert "安全账户" in rec.purpose_text
        # The draft is closed and the form is ready for the next customer.
        assert repo.open_drafts(channel="atm") == []
        assert screen.case.machine_id is None and screen.case.answers == {}
        assert screen.case.uid != saved.uid


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_touch_flow_self_proceed(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        await tap(pilot, "#machine-ATM02")
        await tap(pilot, "#opt-business-withdraw")
        for rid in REMINDERS:
            await tap(pilot, f"#remind-{rid}")
        await tap(pilot, "#remind-atm-delay")
        await tap(pilot, "#outcome-self_proceed")
        await tap(pilot, "#lobby-save-button")
        await settle(pilot)
        rec = repo.get(screen.last_saved.uid) if screen.last_saved else None
        assert rec is not None
        assert rec.machine_id == "ATM02"
        assert rec.decision is not None and rec.decision.group == "warned"
        answers = {a.item_id: a.value for a in rec.answers}
        assert answers["atm_delay_reminder"] is True  # the branch-policy reminder was said
        assert rec.level == "low"


async def test_tap_toggle_twice_unticks(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        await tap(pilot, "#look-look_phone")
        assert screen.case.answers["look_phone"] is True
        assert screen.query_one("#look-look_phone", TapToggle).label.plain.startswith("☑")
        await pilot.pause(0.3)  # a second tap within the press effect (0.2 s) is a bounce, not a tap
        await tap(pilot, "#look-look_phone")
        assert screen.case.answers["look_phone"] is False
        assert screen.query_one("#look-look_phone", TapToggle).label.plain.startswith("☐")


async def test_self_proceed_needs_all_reminders(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        await tap(pilot, "#machine-ATM01")
        await tap(pilot, "#opt-business-transfer_family")
        await tap(pilot, "#remind-remind_fraud")
        await tap(pilot, "#outcome-self_proceed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        problems = str(screen.query_one("#lobby-problems", Static).render())
        assert "三提醒未完成" in problems and "提醒客户与家人或熟人核实" in problems
        assert "提醒客户小心上当受骗" not in problems
        assert screen.last_saved is None
        assert repo.summaries(channel="atm") == []


async def test_police_needs_reference_and_time(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        await tap(pilot, "#machine-STM01")
        await tap(pilot, "#opt-business-transfer_told")
        await tap(pilot, "#outcome-police")
        assert screen.query_one("#police-time", Input).value == "10:30"  # local time now, editable
        screen.query_one("#protected", Input).value = "5000"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "报警回执号" in str(screen.query_one("#lobby-problems", Static).render())
        assert screen.last_saved is None
        screen.query_one("#police-ref", Input).value = "JJ20261125-007"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.last_saved is not None
        d = repo.get(screen.last_saved.uid).decision  # type: ignore[union-attr]
        assert d is not None and d.police_ref == "JJ20261125-007"
        assert d.police_called_at is not None and d.police_called_at.hour == 2  # 10:30 Beijing = 02:30 UTC
        assert d.amount_protected_fen == 500_000


async def test_missing_machine_and_business_block_saving(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = str(screen.query_one("#lobby-problems", Static).render())
        assert "请选择设备" in text and "一问" in text and "请选择处理结果" in text


async def test_bad_amount_is_flagged_and_not_scored(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        screen.query_one("#amount", Input).value = "三万"
        screen.query_one("#age", Input).value = "200"
        await pilot.pause()
        err = str(screen.query_one("#facts-error").render())
        assert "金额请填数字" in err and "1–120" in err
        assert screen.case.amount == "" and screen.case.customer_age is None
        screen.query_one("#amount", Input).value = "250000"
        await pilot.pause()
        assert screen.assessment is not None
        assert "very_large_amount" in screen.assessment.signal_ids()


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_draft_survives_a_crash(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await tap(pilot, "#machine-ATM02")
        await tap(pilot, "#opt-business-transfer_other")
        await pilot.press(*"给网友")
        await pilot.press("3")  # focus is in the text box: this is typed, not a look
        await tap(pilot, "#look-look_notes")
        await tap(pilot, "#outcome-to_counter")
        await settle(pilot)
    # The app is gone without closing the case (a crash, a flat tablet battery).
    drafts = repo.open_drafts(channel="atm")
    assert len(drafts) == 1 and drafts[0].state["machine_id"] == "ATM02"

    again = make_lobby_app(settings, rules, repo)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = lobby(pilot)
        assert screen.case.draft_id == drafts[0].draft_id
        assert screen.case.machine_id == "ATM02"
        assert screen.case.said["business"] == "给网友3"
        assert screen.case.answers["look_notes"] is True
        assert screen.outcome == "to_counter"
        assert screen.query_one("#look-look_notes", TapToggle).on is True
        assert screen.query_one("#machine-ATM02", Button).variant == "primary"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.last_saved is not None
    assert repo.open_drafts(channel="atm") == []
    assert [h.uid for h in repo.pending_handoffs()] == [screen.last_saved.uid]


async def test_new_customer_abandons_the_draft(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        await tap(pilot, "#machine-ATM01")
        await settle(pilot)
        first = screen.case.draft_id
        assert [d.draft_id for d in repo.open_drafts(channel="atm")] == [first]
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert repo.open_drafts(channel="atm") == []
        assert screen.case.draft_id != first and screen.case.machine_id is None
    # Never dropped: the begun case is in the log as abandoned, with its machine.
    [logged] = repo.summaries(channel="atm")
    assert logged.status == "abandoned" and logged.machine_id == "ATM01"


async def test_next_machine_key_cycles(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("m")
            seen.append(screen.case.machine_id)
        assert seen == ["ATM01", "ATM02", "STM01", "ATM01"]


async def test_narrow_terminal_stacks_the_risk_panel(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(70, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        assert screen.has_class("-narrow")
        form, side = screen.query_one("#lobby-form"), screen.query_one("#lobby-side")
        assert side.region.y >= form.region.bottom and side.region.width == form.region.width
    wide = make_lobby_app(settings, rules, repo)
    async with wide.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        assert not screen.has_class("-narrow")
        assert screen.query_one("#lobby-side").region.x > screen.query_one("#lobby-form").region.x


async def test_reminders_show_the_exact_wording(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = [str(w.render()) for w in lobby(pilot).query(".wording").results(Static)]
        for rid in REMINDERS:
            wording = rules.item("atm", rid).wording  # type: ignore[union-attr]
            assert any(wording in s for s in shown), wording
        assert any(s.startswith("【支行政策】") and rules.branch.atm_delay_reminder in s for s in shown)


def test_every_binding_has_description_tooltip_and_id() -> None:
    for binding in [*LobbyScreen.BINDINGS, *TapToggle.BINDINGS]:
        assert binding.description and binding.tooltip and binding.id, binding  # type: ignore[union-attr]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in binding.description)  # type: ignore[union-attr]
