"""Today's history, the read-only record view, and lobby hand-offs opened at the counter."""

from __future__ import annotations

import io
from datetime import timedelta

from rich.console import Console
from textual.widgets import DataTable, Input, Label, Static

from teller_guard.config import Settings
from teller_guard.core.records import AnswerRecord, DecisionRecord, InterventionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.counter import CounterScreen
from teller_guard.ui.screens.decision import DecisionModal
from teller_guard.ui.screens.handoffs import HandoffsModal
from teller_guard.ui.screens.history import HistoryScreen
from teller_guard.ui.screens.record_view import RecordViewScreen
from tests.factories import FROZEN_NOW, SUPERVISOR, TELLER, counter_record
from tests.ui.helpers import make_counter_app


async def test_history_lists_today_and_opens_a_record_read_only(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    low = counter_record(rules, amount="1200", answers={"purpose": "living"}, minutes_ago=50, customer_age=35)
    critical = counter_record(
        rules,
        amount="50000",
        answers={"purpose": "investigation", "look_phone": True},
        minutes_ago=5,
        customer_age=71,
        customer_name_masked="刘*",
    )
    repo.save_intervention(low)
    repo.save_intervention(critical)
    # Another teller's case and yesterday's case are not on this counter's list today.
    repo.save_intervention(low.model_copy(update={"uid": "other-teller", "staff_id": "T999"}))
    repo.save_intervention(low.model_copy(update={"uid": "yesterday", "closed_at": FROZEN_NOW - timedelta(days=1)}))
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await app.workers.wait_for_complete()
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one("#history-table", DataTable)
        assert table.row_count == 2
        first = [str(c) for c in table.get_row_at(0)]
        # Newest first, local time (UTC+8), masked customer, amount, level word, decision.
        assert first == ["10:25:00", "刘* 71岁", "¥50,000.00", "极高", str(critical.score), "停止办理并报警"]
        assert [str(c) for c in table.get_row_at(1)][:4] == ["09:40:00", "35岁", "¥1,200.00", "低"]

        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.screen
        assert isinstance(view, RecordViewScreen)
        assert view.record is not None and view.record.uid == critical.uid
        console_text = _static_text(view.query_one("#record-body", Static))
        assert "配合调查/转入“安全账户”" in console_text
        for s in critical.signals:
            assert f"+{s.points}" in console_text and s.label in console_text
        assert "停止办理并报警" in console_text and "JJ-1" in console_text
        assert "更正记录：无" in console_text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is history
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CounterScreen)


async def test_record_view_lists_corrections(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    original = counter_record(rules, amount="900", answers={"purpose": "living"}, minutes_ago=30)
    repo.save_intervention(original)
    fix = counter_record(rules, amount="9000", answers={"purpose": "living"}, minutes_ago=10).model_copy(
        update={"corrects_uid": original.uid, "correction_reason": "金额录错一位"}
    )
    repo.save_intervention(fix)
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        app.push_screen(RecordViewScreen(original.uid))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = _static_text(app.screen.query_one("#record-body", Static))
        assert "更正记录：" in text and fix.uid in text


async def test_lobby_handoff_opens_prefilled_at_the_counter(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    d = rules.decisions["to_counter"]
    lobby = InterventionRecord(
        channel="atm",
        started_at=FROZEN_NOW - timedelta(minutes=6),
        closed_at=FROZEN_NOW - timedelta(minutes=4),
        branch_code=rules.branch.code,
        staff_id="L007",
        staff_role="lobby",
        machine_id="ATM-01",
        amount_fen=3_000_000,
        customer_age=68,
        customer_sex="F",
        customer_name_masked="孙*",
        purpose_text="说是给孙子交学费",
        observations=("on_phone", "nervous"),
        answers=(AnswerRecord(item_id="ask_business", value=None, said="给孙子交学费", answered_at=FROZEN_NOW),),
        score=45,
        level="medium",
        rules_version=rules.version,
        decision=DecisionRecord(decision=d.id, label=d.label, group=d.group, decided_by="L007", decided_at=FROZEN_NOW),
    )
    repo.save_intervention(lobby)
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, HandoffsModal)
        assert "ATM-01" in str(modal.query_one("#handoffs-list").get_option_at_index(0).prompt)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        # What the lobby recorded is on screen: the teller does not ask it twice.
        assert screen.query_one("#amount", Input).value == "30000.00"
        assert screen.query_one("#customer-name", Input).value == "孙*"
        assert "68 岁 女" in str(screen.query_one("#id-facts", Label).render())
        assert screen.query_one("#said-purpose", Input).value == "给孙子交学费"
        assert screen.state.answers.get("look_phone") is True
        assert screen.state.answers.get("look_nervous") is True
        banner = str(screen.query_one("#handoff-banner", Label).render())
        assert "大堂转来" in banner and "L007" in banner and "边打电话" in banner
        assert screen.state.handoff_from_uid == lobby.uid
        # Closing it links the counter case to the lobby case, and the hand-off is no longer waiting.
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal)
        # On the phone and nervous, 68: two warning behaviours and age reach 高, whose
        # recommended decision is 暂缓办理（联系家属、主管复核）.
        assert screen.assessment is not None and screen.assessment.level == "high"
        assert app.screen.chosen == "defer"
        await pilot.press("enter")
        for _ in range(20):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if repo.summaries(staff_id=TELLER.staff_id):
                break
    saved = repo.summaries(staff_id=TELLER.staff_id)
    assert len(saved) == 1
    rec = repo.get(saved[0].uid)
    assert rec is not None and rec.handoff_from_uid == lobby.uid
    assert repo.pending_handoffs() == []


def _static_text(widget: Static) -> str:
    """What a Static shows (its Rich content), as plain text."""
    console = Console(width=160, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def test_a_teller_opens_only_their_own_records(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    """F3 lists the teller's own cases; another teller's record does not open even by its uid."""
    mine = counter_record(rules, amount="1200", answers={"purpose": "living"}, minutes_ago=50, customer_age=35)
    theirs = mine.model_copy(update={"uid": "other-teller-case", "staff_id": "T999"})
    repo.save_intervention(mine)
    repo.save_intervention(theirs)
    for staff, opens in ((TELLER, False), (SUPERVISOR, True)):
        app = make_counter_app(settings, rules, repo, staff=staff)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            view = RecordViewScreen(theirs.uid)
            app.push_screen(view)
            await app.workers.wait_for_complete()
            await pilot.pause()
            text = _static_text(view.query_one("#record-body", Static))
            assert (view.record is not None) is opens, staff
            assert ("只能查看本人办理的记录" in text) is not opens
            assert ("¥1,200.00" in text) is opens
