"""记录查询: a teller searches their own records of any day; a supervisor every counter's."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Input

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.history import HistoryScreen
from tests.factories import FROZEN_NOW, SUPERVISOR, TELLER
from tests.factories.records import record
from tests.ui.helpers import make_counter_app


def _rows(history: HistoryScreen) -> list[list[str]]:
    table = history.query_one("#history-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def _open(app, pilot) -> HistoryScreen:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.press("f3")
    for _ in range(20):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(app.screen, HistoryScreen):
            break
    history = app.screen
    assert isinstance(history, HistoryScreen)
    return history


async def _search(app, pilot, history: HistoryScreen, **fields: str) -> None:  # type: ignore[no-untyped-def]
    for name, value in fields.items():
        history.query_one(f"#history-{name}", Input).value = value
    await pilot.press("f5")
    await app.workers.wait_for_complete()
    await pilot.pause()


def _seed(repo: Repository) -> None:
    repo.save_intervention(record(FROZEN_NOW - timedelta(minutes=30), customer_name_masked="张*", amount_fen=120_000))
    repo.save_intervention(record(FROZEN_NOW - timedelta(days=5), customer_name_masked="李*", amount_fen=5_000_000))
    repo.save_intervention(
        record(FROZEN_NOW - timedelta(days=2), customer_name_masked="王*", amount_fen=990_000, staff_id="T002")
    )


async def test_a_teller_searches_their_own_records_beyond_today(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    _seed(repo)
    app = make_counter_app(settings, rules, repo, staff=TELLER)
    async with app.run_test(size=(100, 30)) as pilot:
        history = await _open(app, pilot)
        assert [r[1] for r in _rows(history)] == ["张* 71岁"]  # today, this teller
        assert history.query_one("#history-staff", Input).disabled  # only their own
        await _search(app, pilot, history, **{"from": "2026-11-01", "to": "2026-11-25"})
        assert [r[1] for r in _rows(history)] == ["张* 71岁", "李* 71岁"]  # never T002's
        await _search(app, pilot, history, amount="50000")
        assert [r[1] for r in _rows(history)] == ["李* 71岁"]
        await _search(app, pilot, history, amount="", customer="张")
        assert [r[1] for r in _rows(history)] == ["张* 71岁"]
        await _search(app, pilot, history, customer="", **{"from": "2026-11-25", "to": "2026-11-01"})
        assert "起始日期晚于截止日期" in str(history.query_one("#history-empty").render())


async def test_a_supervisor_searches_every_counter_and_sorts(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    _seed(repo)
    app = make_counter_app(settings, rules, repo, staff=SUPERVISOR)
    async with app.run_test(size=(100, 30)) as pilot:
        history = await _open(app, pilot)
        await _search(app, pilot, history, staff="", **{"from": "2026-11-01", "to": "2026-11-25"})
        assert [r[1] for r in _rows(history)] == ["张* 71岁", "王* 71岁", "李* 71岁"]
        await pilot.press("f6", "f6")  # 时间↑, then 金额↓
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [r[2] for r in _rows(history)] == ["¥50,000.00", "¥9,900.00", "¥1,200.00"]
