"""The statistics screen: every figure with 环比/同比 visible at 100 columns and up, the month
picker, drill-down (sort, filter, a range of days), export through the save dialog (default
name, overwrite warning, progress), permissions, and snapshots at 100×30 and 120×40."""

from __future__ import annotations

import json

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Label, Static, TabbedContent

from teller_guard.config import Settings
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.reports.export import verify_csv
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from teller_guard.ui.screens.counter import CounterScreen
from teller_guard.ui.screens.drill import DrillScreen
from teller_guard.ui.screens.stats import StatsScreen
from teller_guard.ui.screens.stats_dialogs import DayRangePicker, MonthPicker, SaveExportDialog
from teller_guard.ui.widgets.audit_log import AuditLog
from tests.factories import FROZEN_NOW
from tests.factories.stats import seed

OFFICER = Staff(staff_id="S001", name="王保卫", role="security")
TELLER = Staff(staff_id="T001", name="柜员一", role="teller")
SUPERVISOR = Staff(staff_id="Z001", name="李主管", role="supervisor")


def make_stats_app(settings: Settings, rules: RuleSet, repo: Repository, staff: Staff = OFFICER) -> TellerGuardApp:
    seed(repo)
    return TellerGuardApp(
        settings=settings, rules=rules, repo=repo, mode="stats", staff=staff, clock=lambda: FROZEN_NOW
    )


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def to_november(pilot: Pilot[None]) -> StatsScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatsScreen) and screen.month == "2026-10"  # default: last local month
    await pilot.press("right_square_bracket")
    await settle(pilot)
    assert screen.month == "2026-11"
    return screen


def cells(screen: StatsScreen) -> dict[str, list[str]]:
    table = screen.query_one("#stats-figures", DataTable)
    return {str(key.value): [str(c) for c in table.get_row(key)] for key in table.rows}


@pytest.mark.parametrize("size", [(100, 30), (120, 40)])
async def test_every_column_is_visible_at_100_columns_and_up(
    settings: Settings, rules: RuleSet, repo: Repository, size: tuple[int, int]
) -> None:
    app = make_stats_app(settings, rules, repo)
    async with app.run_test(size=size) as pilot:
        screen = await to_november(pilot)
        table = screen.query_one("#stats-figures", DataTable)
        # Nothing to scroll sideways: 本月, 上月, 环比, 去年同月 and 同比 all fit.
        assert table.virtual_size.width <= table.scrollable_content_region.width, (table.virtual_size, table.size)
        assert [str(c.label) for c in table.columns.values()][-3:] == ["环比", "去年同月", "同比"]
        rows = cells(screen)
        assert rows["total.count"][2:] == ["6", "2", "+200.0%", "1", "+500.0%"]
        assert rows["protected.amount"][2] == "¥13.9万"
        assert rows["time.median"][2] == "1分47.5秒"


async def test_charts_tab_shows_labelled_trend_and_types(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_stats_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await to_november(pilot)
        await pilot.press("2")
        await settle(pilot)
        trend = str(screen.query_one("#stats-trend", Static).render()).replace("\u00a0", " ")
        bars = {line[:7]: line for line in trend.splitlines() if line[:2] == "20"}
        assert bars["2026-11"].endswith(" 6") and "█" in bars["2026-11"]
        assert bars["2026-10"].endswith(" 2") and "█" in bars["2026-10"]  # every bar carries its value
        assert bars["2026-09"].endswith(" 0") and "█" not in bars["2026-09"]
        line = str(screen.query_one("#stats-protected", Static).render()).replace("\u00a0", " ")
        assert "●" in line and "14万" in line  # ¥139,000 labelled at its point
        types = str(screen.query_one("#stats-by-type", Static).render())
        assert "冒充公检法" in types and "劝阻成功" in types


async def test_month_picker_goes_straight_to_a_month(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_stats_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MonthPicker)
        app.screen.query_one("#month-input", Input).focus()
        await pilot.press(*"2025-11", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.month == "2025-11"
        assert cells(screen)["total.count"][2] == "1"
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("up", "enter")  # the list: one month newer than the highlighted one
        await settle(pilot)
        assert screen.month == "2025-12"


async def test_export_through_the_save_dialog(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_stats_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await to_november(pilot)
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveExportDialog)
        out = settings.data_dir / "exports" / "台账-2026-11.csv"
        assert dialog.query_one("#save-path", Input).value == str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and out.exists() and verify_csv(out)[0]
        manifest = json.loads((out.parent / "台账-2026-11.manifest.json").read_text(encoding="utf-8"))
        assert manifest["totals_text"]["避免损失金额"] == "¥139,000.00"
        assert manifest["exported_by"]["staff_id"] == "S001"
        [logged] = repo.audit_events(kind="export")
        assert (logged.staff_id, logged.subject, logged.detail["format"], logged.detail["rows"]) == (
            "S001",
            "2026-11",
            "csv",
            6,
        )
        assert logged.detail["sha256"] and logged.origin == "terminal"
        status = str(screen.query_one("#stats-status", Static).render())
        assert str(out) in status and "o 打开文件夹" in status
        # Again: the file exists, so the dialog warns first and overwrites only on a second Enter.
        before = out.stat().st_mtime_ns
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveExportDialog)
        assert "文件已存在" in str(app.screen.query_one("#save-warning", Label).render())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and out.stat().st_mtime_ns >= before
        # Another name in another folder: the folder is created, the next dialog suggests it.
        await pilot.press("x")
        await pilot.pause()
        box = app.screen.query_one("#save-path", Input)
        other = settings.data_dir / "elsewhere" / "十一月台账"
        box.value = str(other)
        await pilot.press("enter")
        await settle(pilot)
        assert (other.parent / "十一月台账.xlsx").exists()
        assert screen.export_folder == other.parent


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_drill_down_sorts_filters_and_takes_a_day_range(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    app = make_stats_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await to_november(pilot)
        table = screen.query_one("#stats-figures", DataTable)
        keys = [str(k.value) for k in table.rows]
        table.move_cursor(row=keys.index("total.count"))
        await pilot.press("enter")
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        assert [r.uid[0] for r in drill.rows] == ["h", "g", "f", "e", "d", "a"]  # newest first
        assert "共 6 笔" in str(drill.query_one("#drill-status", Static).render())
        await pilot.press("s")  # by staff id, A→Z
        await settle(pilot)
        assert [r.staff_id for r in drill.rows] == sorted(r.staff_id for r in drill.rows)
        await pilot.press("s")  # by amount, largest first
        await settle(pilot)
        assert [r.amount_fen for r in drill.rows] == sorted((r.amount_fen for r in drill.rows), reverse=True)
        await pilot.press("slash", *"T002", "enter")
        await settle(pilot)
        assert {r.staff_id for r in drill.rows} == {"T002"} and len(drill.rows) == 3
        drill.query_one("#drill-filter", Input).value = ""
        drill.query_one("#drill-table", DataTable).focus()
        await pilot.press("slash", "enter")
        await settle(pilot)
        drill.query_one("#drill-table", DataTable).focus()
        await pilot.press("r")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, DayRangePicker)
        picker.query_one("#range-from", Input).value = "2026-10-31"
        picker.query_one("#range-to", Input).value = "2026-11-15"
        picker.query_one("#range-to", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        # B (23:59 on 31 October) and A (01:30 on 1 November) and D (15 November), local days.
        assert {r.uid[0] for r in drill.rows} == {"a", "b", "d"}
        assert "2026-10-31 至 2026-11-15" in str(drill.query_one("#drill-period", Label).render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_a_teller_asking_for_the_statistics_gets_the_counter(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    app = make_stats_app(settings, rules, repo, staff=TELLER)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen), app.screen
        assert not app.query(StatsScreen)


async def test_the_statistics_screen_shows_a_teller_nothing(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    """Even pushed directly (a bug elsewhere), the screen reads nothing and exports nothing for a teller."""
    app = make_stats_app(settings, rules, repo, staff=TELLER)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = StatsScreen(month="2026-11")
        app.push_screen(screen)
        await settle(pilot)
        assert screen.stats is None and screen.query_one("#stats-figures", DataTable).row_count == 0
        assert "只有安全保卫、主管或管理员" in str(screen.query_one("#stats-status", Static).render())
        assert screen.query_one("#stats-export-xlsx", Button).disabled
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is screen
        assert not (settings.data_dir / "exports").exists()
        assert not screen.query("#stats-tab-audit")
    assert repo.audit_events(kind="stats_read") == []


async def test_a_supervisor_reads_the_figures_but_not_the_audit_trail(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    app = make_stats_app(settings, rules, repo, staff=SUPERVISOR)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await to_november(pilot)
        assert cells(screen)
        assert not screen.query("#stats-tab-audit")
        await pilot.press("3")
        await settle(pilot)
        assert screen.query_one("#stats-tabs", TabbedContent).active == "stats-tab-figures"
    assert [e.subject for e in repo.audit_events(kind="stats_read")] == ["2026-10", "2026-11"]


async def test_the_audit_tab_lists_the_month_for_security(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_stats_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await to_november(pilot)
        app.context.gate.record("sign_in_failed", None, ok=False, reason="wrong_credentials")
        await pilot.press("3")
        await settle(pilot)
        log = screen.query_one("#audit-log", AuditLog)
        kinds = [e.kind for e in log.events]
        assert kinds[:2] == ["audit_read", "sign_in_failed"]  # newest first, the reading itself included
        assert "stats_read" in kinds
        table = log.query_one("#audit-table", DataTable)
        assert table.row_count == len(log.events)
        assert "拒绝" in [str(c) for c in table.get_row_at(1)]
        assert app.focused is table


async def test_keys_reach_the_figures_when_the_screen_opens(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    """A security officer arrows down and presses Enter: that drills down, it never changes the month."""
    app = make_stats_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await to_november(pilot)
        table = screen.query_one("#stats-figures", DataTable)
        assert app.focused is table
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert screen.month == "2026-11"


@pytest.mark.parametrize("size", [(100, 30), (120, 40)])
def test_stats_screen_snapshot(snap_compare, settings: Settings, rules: RuleSet, repo: Repository, size) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await to_november(pilot)

    assert snap_compare(make_stats_app(settings, rules, repo), terminal_size=size, run_before=run_before)


def test_stats_charts_snapshot(snap_compare, settings: Settings, rules: RuleSet, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await to_november(pilot)
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(make_stats_app(settings, rules, repo), terminal_size=(100, 40), run_before=run_before)
