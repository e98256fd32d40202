"""Which screen each mode opens. Kept apart from app.py so each feature registers its own screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from teller_guard.ui.app import TellerGuardApp


def screen_for(mode: str, app: TellerGuardApp) -> Screen[None]:
    if mode == "lobby":
        from teller_guard.ui.screens.lobby import LobbyScreen

        return LobbyScreen()
    if mode == "stats":
        from teller_guard.ui.screens.stats import StatsScreen

        return StatsScreen()
    from teller_guard.ui.screens.counter import CounterScreen

    return CounterScreen()
