"""The statistics screen: figures with 环比/同比 match the database, drill-down, export
permission and the export worker, and a snapshot."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Static

from teller_guard.config import Settings
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.reports.export import verify_csv
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from teller_guard.ui.screens.stats import DrillScreen, StatsScreen
from tests.factories import FROZEN_NOW
from tests.factories.stats import seed

OFFICER = Staff(staff_id="S001", name="王保卫", role="security")
TELLER = Staff(staff_id="T001", name="柜员一", role="teller")


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


async def test_figures_on_screen_match_the_export(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_stats_app(settings, rules, repo)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await to_november(pilot)
        rows = cells(screen)
        assert rows["total.count"][2:] == ["6", "2", "+200.0%", "1", "+500.0%"]
        assert rows["protected.amount"][2] == "¥139,000.00"
        assert rows["protected.largest"][2] == "¥88,000.00"
        assert rows["time.median"][2] == "1分47.5秒"
        status = str(screen.query_one("#stats-status", Static).render())
        assert "避免损失 ¥139,000.00" in status

        await pilot.press("c")  # CSV export in a worker
        await settle(pilot)
        out = settings.data_dir / "exports" / "teller_guard-2026-11.csv"
        assert out.exists() and verify_csv(out)[0]
        assert '# 避免损失金额,"¥139,000.00"' in out.read_text(encoding="utf-8-sig")


async def test_drill_down_lists_the_interventions(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_stats_app(settings, rules, repo)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await to_november(pilot)
        table = screen.query_one("#stats-figures", DataTable)
        table.focus()
        keys = [str(k.value) for k in table.rows]
        table.move_cursor(row=keys.index("protected.count"))
        await pilot.press("enter")
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        assert len(drill.rows) == 3
        assert {r.decision_group for r in drill.rows} == {"dissuaded", "police"}
        assert "共 3 笔" in str(drill.query_one("#drill-status", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_a_teller_cannot_export(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_stats_app(settings, rules, repo, staff=TELLER)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await to_november(pilot)
        assert screen.query_one("#stats-export-xlsx", Button).disabled
        await pilot.press("x")
        await settle(pilot)
        assert not (settings.data_dir / "exports").exists()


def test_stats_screen_snapshot(snap_compare, settings: Settings, rules: RuleSet, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await to_november(pilot)

    assert snap_compare(make_stats_app(settings, rules, repo), terminal_size=(140, 40), run_before=run_before)


async def test_keys_reach_the_figures_when_the_screen_opens(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    """A security officer arrows down and presses Enter: that drills down, it never changes the month."""
    app = make_stats_app(settings, rules, repo)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await to_november(pilot)
        table = screen.query_one("#stats-figures", DataTable)
        assert app.focused is table
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert screen.month == "2026-11"
