"""Helpers shared by the lobby UI tests: build the app with a lobby manager on shift."""

from __future__ import annotations

from textual.pilot import Pilot

from teller_guard.config import Settings
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from teller_guard.ui.screens.lobby import LobbyScreen
from tests.conftest import FROZEN_NOW

LOBBY_MANAGER = Staff(staff_id="L001", name="王芳", role="lobby")


def make_lobby_app(settings: Settings, rules: RuleSet, repo: Repository) -> TellerGuardApp:
    """The app as the CLI builds it in lobby mode, with staff on shift (no login) and a frozen clock."""
    return TellerGuardApp(
        settings=settings, rules=rules, repo=repo, mode="lobby", staff=LOBBY_MANAGER, clock=lambda: FROZEN_NOW
    )


async def settle(pilot: Pilot[None]) -> None:
    """Let thread workers (drafts, saving) finish and their messages land."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def lobby(pilot: Pilot[None]) -> LobbyScreen:
    screen = pilot.app.screen
    assert isinstance(screen, LobbyScreen), screen
    return screen


async def tab_to(pilot: Pilot[None], widget_id: str) -> None:
    """Tab forward until ``widget_id`` has focus, as a keyboard user moves through the page."""
    for _ in range(80):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"could not tab to #{widget_id}; focus is on {pilot.app.focused!r}")


async def tap(pilot: Pilot[None], selector: str) -> None:
    """Scroll a tile into view and click it, as a finger on a tablet would."""
    widget = pilot.app.screen.query_one(selector)
    widget.scroll_visible(animate=False)
    await pilot.pause()
    assert await pilot.click(selector), f"click on {selector} missed"
    await pilot.pause()
