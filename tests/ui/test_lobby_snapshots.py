"""Snapshots of the lobby screen at tablet size (100×30) and on a desktop terminal (120×40)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from tests.ui.helpers import lobby, make_lobby_app, settle, tap


async def _fill_high_risk(pilot: Pilot[None]) -> None:
    await pilot.pause()  # first layout: widgets have no region before it
    screen = lobby(pilot)
    await tap(pilot, "#machine-ATM01")
    await tap(pilot, "#opt-business-transfer_told")
    screen.query_one("#said-business", Input).value = "对方说是公安局的，让我转到安全账户"
    screen.query_one("#amount", Input).value = "30000"
    screen.query_one("#age", Input).value = "68"
    await tap(pilot, "#look-look_demeanour")
    await tap(pilot, "#look-look_phone")
    await settle(pilot)


def test_lobby_tablet_empty(snap_compare, settings: Settings, rules: RuleSet, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await settle(pilot)

    assert snap_compare(make_lobby_app(settings, rules, repo), terminal_size=(100, 30), run_before=run_before)


def test_lobby_tablet_high_risk(snap_compare, settings: Settings, rules: RuleSet, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_lobby_app(settings, rules, repo), terminal_size=(100, 30), run_before=_fill_high_risk)


def test_lobby_tablet_reminders_missing(snap_compare, settings: Settings, rules: RuleSet, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await tap(pilot, "#machine-ATM02")
        await tap(pilot, "#opt-business-transfer_family")
        await tap(pilot, "#remind-remind_fraud")
        await tap(pilot, "#outcome-self_proceed")
        await tap(pilot, "#lobby-save-button")
        await settle(pilot)

    assert snap_compare(make_lobby_app(settings, rules, repo), terminal_size=(100, 30), run_before=run_before)


def test_lobby_desktop_high_risk(snap_compare, settings: Settings, rules: RuleSet, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_lobby_app(settings, rules, repo), terminal_size=(120, 40), run_before=_fill_high_risk)
