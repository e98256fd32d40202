"""Crash-safe drafts: what was typed comes back after a crash, or is logged as abandoned."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Label, OptionList

from teller_guard.config import Settings
from teller_guard.core.case import CaseState
from teller_guard.core.records import Draft
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.counter import CounterScreen
from teller_guard.ui.screens.resume import ResumeModal
from tests.conftest import require_tool
from tests.factories import ELDERLY_ID, FROZEN_NOW, SUPERVISOR, TELLER, terminal
from tests.factories.accounts import TELLER_2
from tests.ui.helpers import fill, make_counter_app, settle


def _seed_draft(repo: Repository, settings: Settings) -> CaseState:
    """An open draft as a crash would leave it: amount, ID-derived facts, answers, words."""
    state = CaseState(staff_id=TELLER.staff_id, business="汇款", amount="23456", started_at=FROZEN_NOW)
    state.set_id_number(ELDERLY_ID, settings.secret(), FROZEN_NOW.date())
    state.set_payee(name="赵六", account="6222000011114321", secret=settings.secret())
    state.answers = {"purpose": "other", "look_phone": True}
    state.said = {"purpose": "儿子出车祸要手术费"}
    state.step_seconds = {"转账信息": 7}
    repo.save_draft(
        Draft(
            draft_id=state.draft_id,
            channel="counter",
            staff_id=TELLER.staff_id,
            started_at=FROZEN_NOW,
            updated_at=FROZEN_NOW,
            state=state.model_dump(mode="json"),
        )
    )
    return state


async def test_open_draft_is_offered_and_resumed(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    seeded = _seed_draft(repo, settings)
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ResumeModal)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        assert screen.state.draft_id == seeded.draft_id
        assert screen.query_one("#amount", Input).value == "23456"
        assert screen.query_one("#id-number", Input).value == "**************002X"
        assert screen.query_one("#payee-account", Input).value == "****4321"
        assert screen.query_one("#said-purpose", Input).value == "儿子出车祸要手术费"
        assert screen.state.answers.get("look_phone") is True
        assert "76 岁 女" in str(screen.query_one("#id-facts", Label).render())
        assert screen.assessment is not None and "on_phone" in screen.assessment.signal_ids()
        # Typing on continues the same draft (no second draft appears).
        await pilot.click("#amount")
        await pilot.press("end", "0")
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        drafts = repo.open_drafts(staff_id=TELLER.staff_id)
        assert [d.draft_id for d in drafts] == [seeded.draft_id]
        assert drafts[0].state["amount"] == "234560"
        assert drafts[0].state["step_seconds"]["转账信息"] >= 7


async def test_open_draft_can_be_recorded_as_abandoned(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    seeded = _seed_draft(repo, settings)
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ResumeModal)
        await pilot.press("x")
        for _ in range(20):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if repo.get(seeded.uid) is not None:
                break
        assert isinstance(app.screen, CounterScreen)
        assert app.screen.query_one("#amount", Input).value == ""
    rec = repo.get(seeded.uid)
    assert rec is not None
    assert rec.status == "abandoned" and rec.decision is None
    assert rec.amount_fen == 2_345_600 and rec.customer_age == 76
    assert "on_phone" in {s.id for s in rec.signals}
    assert repo.open_drafts(staff_id=TELLER.staff_id) == []


async def test_new_case_key_logs_the_started_case_as_abandoned(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await pilot.press(*"800")
        uid = screen.state.uid
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("y")
        for _ in range(20):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if repo.get(uid) is not None:
                break
        assert screen.state.uid != uid and screen.query_one("#amount", Input).value == ""
    rec = repo.get(uid)
    assert rec is not None and rec.status == "abandoned" and rec.amount_fen == 80_000


# ---------------------------------------------------------------- the real process, killed


@pytest.mark.slow
def test_killed_mid_case_the_draft_is_offered_back(tmp_path: Path) -> None:
    assert shutil.which("tmux"), "tmux is required (apt-get install tmux; .ci/run installs it)"
    session = f"tgc-kill-{os.getpid()}"
    data = tmp_path / "data"
    terminal.add_account(data)
    try:
        pid = terminal.start(session, data)
        terminal.sign_in(session)
        terminal.wait_for(session, "金额(元)")
        time.sleep(0.5)  # as a person would: look at the screen before typing
        terminal.type_text(session, "45678")
        terminal.key(session, "Tab")  # Tab from the amount goes straight to the ID number
        terminal.type_text(session, ELDERLY_ID)
        terminal.wait_for(session, "76 岁 女")
        # A complete ID number moves on to the payee by itself; the customer's name is one back.
        terminal.key(session, "BTab")
        terminal.type_text(session, "钱桂花")
        terminal.key(session, "Tab")
        time.sleep(1.0)  # the draft is written within ~0.3 s of the last key
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = subprocess.run(
                [require_tool("tmux"), "-L", terminal.SOCKET, "has-session", "-t", session], capture_output=True
            )
            if alive.returncode != 0:
                break
            time.sleep(0.1)

        terminal.start(session, data)
        terminal.sign_in(session)
        offered = terminal.wait_for(session, "未办结的业务")
        assert "45678 元" in offered and "钱**" in offered
        terminal.key(session, "Enter")
        resumed = terminal.wait_for(session, "已恢复上次未办结的业务")
        assert "45678" in resumed
        assert "**************002X" in resumed and "76 岁 女" in resumed
        assert "钱**" in resumed
        assert ELDERLY_ID not in resumed
    finally:
        terminal.kill_server()
    # The killed process never had the full ID number written anywhere in the database.
    raw = b"".join(p.read_bytes() for p in data.glob("teller_guard.db*"))
    assert raw and ELDERLY_ID.encode() not in raw


def _seed_orphan(repo: Repository, settings: Settings, minutes_ago: int) -> CaseState:
    """T001's case left open ``minutes_ago`` minutes before now (a crash, a shift that ended)."""
    state = _seed_draft(repo, settings)
    at = FROZEN_NOW - timedelta(minutes=minutes_ago)
    repo.save_draft(
        Draft(
            draft_id=state.draft_id,
            channel="counter",
            staff_id=TELLER.staff_id,
            started_at=at,
            updated_at=at,
            state=state.model_dump(mode="json"),
        )
    )
    return state


async def test_a_colleagues_orphaned_case_reaches_the_log_through_the_supervisor(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    """Another teller at the counter is not offered T001's open case; the supervisor is, once
    nobody has touched it for the policy's minutes, and logs it as abandoned, named as who decided."""
    seeded = _seed_orphan(repo, settings, minutes_ago=rules.policy.access.orphaned_after_minutes + 5)
    app = make_counter_app(settings, rules, repo, staff=TELLER_2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen)  # a colleague's case is not a teller's to settle
    app = make_counter_app(settings, rules, repo, staff=SUPERVISOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ResumeModal)
        option = modal.query_one("#resume-list", OptionList).get_option_at_index(0)
        assert f"工号 {TELLER.staff_id} 未办结" in str(option.prompt)
        await pilot.press("x")
        for _ in range(20):
            await settle(pilot)
            if repo.get(seeded.uid) is not None:
                break
    rec = repo.get(seeded.uid)
    assert rec is not None and rec.status == "abandoned" and rec.decision is None
    assert rec.staff_id == TELLER.staff_id  # the case stays the teller's who took it
    assert rec.extra["abandoned_by"] == SUPERVISOR.staff_id and rec.extra["abandoned_by_role"] == "supervisor"
    assert rec.amount_fen == 2_345_600
    assert repo.open_drafts() == []


async def test_a_supervisor_takes_over_an_orphaned_case_but_not_a_live_one(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    live = _seed_orphan(repo, settings, minutes_ago=2)  # T001 is still on it
    app = make_counter_app(settings, rules, repo, staff=SUPERVISOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen)
    repo.set_draft_status(live.draft_id, "abandoned")
    seeded = _seed_orphan(repo, settings, minutes_ago=rules.policy.access.orphaned_after_minutes + 1)
    app = make_counter_app(settings, rules, repo, staff=SUPERVISOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeModal)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        assert screen.state.draft_id == seeded.draft_id and screen.query_one("#amount", Input).value == "23456"
        assert screen.state.staff_id == SUPERVISOR.staff_id
        assert screen.state.extra["taken_over_from"] == TELLER.staff_id
        await fill(pilot, "#amount", "23457")
        await pilot.pause(0.5)
        await settle(pilot)
    [draft] = repo.open_drafts()
    assert draft.draft_id == seeded.draft_id and draft.staff_id == SUPERVISOR.staff_id
    assert draft.state["amount"] == "23457"
