"""A whole case sent as one burst of keys (a card reader, a fast typist, one ``tmux send-keys``)
saves exactly what was typed: every key lands where the focus was when the key before it had
been handled (ui/key_gate.py), and one key answers each question."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from rich.console import Console
from textual.widgets import Label

from teller_guard.config import Settings
from teller_guard.core.closing import NOT_ASKED_REASON_KEY, not_asked_ids
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.counter import CounterScreen
from teller_guard.ui.screens.not_asked import NotAskedModal
from teller_guard.ui.screens.record_view import render_record
from teller_guard.ui.widgets.risk_panel import RiskPanel
from tests.factories import ELDERLY_ID
from tests.factories.keys import LOW_RISK_CASE
from tests.ui.helpers import burst, landed, make_counter_app, settle


async def test_a_whole_low_risk_case_as_one_burst(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen)
        # The next customer's amount follows in the same burst: it lands in the fresh form.
        burst(app, *LOW_RISK_CASE, "8000")
        await landed(pilot)
        await settle(pilot)
        records = list(repo.records(channel="counter"))
        assert len(records) == 1, records
        rec = records[0]
        screen = app.screen
        assert isinstance(screen, CounterScreen) and screen.state.uid != rec.uid
        assert screen.state.amount == "8000"
    assert rec.amount_fen == 500_000
    assert (rec.customer_age, rec.customer_sex) == (36, "M")
    assert rec.payee_name_masked == "王**"
    assert rec.payee_account_masked is not None and rec.payee_account_masked.endswith("3445")
    looks = {i.id for i in rules.checklist_for("counter").item if i.kind == "yesno" and i.key}
    assert {a.item_id: a.value for a in rec.answers} == {
        "purpose": "repay",
        "relation": "child",
        "account_source": "known",
        "asked_remotely": False,
        "check_payee": "match",
        "check_amount": True,
        "check_holder": True,
        "check_phone": "not_applicable",
        **dict.fromkeys(looks, False),  # Enter on each group: looked at, nothing seen
    }
    assert rec.level == "low" and rec.decision is not None and rec.decision.decision == "proceed"


async def test_not_asked_is_never_recorded_as_no(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    """Amount, then F2 Enter: 正常办理 asks why 三问/二看 were not asked; Esc goes back to the
    first of them; with a reason the case closes and the record lists what was not asked."""
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        burst(app, "3000", "f2", "enter")
        await landed(pilot)
        assert isinstance(app.screen, NotAskedModal)
        assert "三问" in str(app.screen.query_one(".hint", Label).render())
        burst(app, "escape")
        await landed(pilot)
        assert app.screen is screen and app.focused is not None and app.focused.id == "item-purpose"
        assert not list(repo.records(channel="counter"))

        burst(app, "f2", "enter", "无", "enter")  # too short a reason: refused
        await landed(pilot)
        assert isinstance(app.screen, NotAskedModal)
        assert "至少" in str(app.screen.query_one("#not-asked-error", Label).render())
        # Every remittance customer signs the notice (branch policy): its serial's last four.
        burst(app, "backspace", "客户赶时间拒答 电话13912345678", "enter", "0001", "enter")
        await landed(pilot)
        await settle(pilot)
        (rec,) = list(repo.records(channel="counter"))
    assert rec.answers == ()  # nothing recorded as "no"
    assert set(not_asked_ids(rec.extra) or []) == {i.id for i in rules.checklist_for("counter").item}
    # The teller's reason is kept, without the phone number typed into it.
    assert (
        rec.extra[NOT_ASKED_REASON_KEY].startswith("客户赶时间拒答 电话")
        and "13912345678" not in rec.extra[NOT_ASKED_REASON_KEY]
    )
    # The record view says 未问 (and why), never 否.
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(render_record(rec, [], rules, ZoneInfo("Asia/Shanghai")))
    text = console.export_text()
    assert "未问原因：客户赶时间拒答" in text and text.count("未问") >= len(rec.extra["not_asked"].split(","))
    assert "│ 否" not in text


async def test_the_risk_panel_is_drawn_once_a_burst_has_landed(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    """Scoring keeps up with every key; the panel is drawn when the burst is in, and then shows it."""
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        burst(app, "60000", "enter", ELDERLY_ID)
        await landed(pilot)
        await pilot.pause(0.2)
        panel = screen.query_one("#risk", RiskPanel)
        assert screen.assessment is not None and screen.assessment.customer_age == 76
        assert {"elderly_senior"} <= set(screen.assessment.signal_ids())
        assert panel.assessment is screen.assessment


async def test_f5_y_then_the_next_customer_in_one_burst(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    """F5 → Y records the case as abandoned; the next customer's keys wait for the fresh form."""
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "5000", "f5", "y", "8000", "enter", ELDERLY_ID)
        await landed(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        assert screen.state.amount == "8000" and screen.state.customer_age == 76
        (old,) = list(repo.records(channel="counter"))
    assert old.status == "abandoned" and old.amount_fen == 500_000
