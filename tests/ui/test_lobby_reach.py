"""The lobby on a tablet (100×30): 三提醒 and 结果 are one tap or key away; no 退出 in a browser tab."""

from __future__ import annotations

from textual.widgets import Button, Footer

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.widgets.tap_toggle import TapToggle
from tests.ui.helpers import make_lobby_app, settle


def _on_screen(app, widget) -> bool:  # type: ignore[no-untyped-def]
    region = widget.region
    return region.height > 0 and region.y >= 0 and region.bottom <= app.size.height


async def test_reminders_and_outcome_without_scrolling(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        outcome = app.screen.query_one("#outcome-grid Button", Button)
        assert not _on_screen(app, outcome)  # below the fold at first
        await pilot.press("f7")
        await pilot.pause()
        assert app.focused is outcome and _on_screen(app, outcome)
        await pilot.press("f6")
        await pilot.pause()
        first = next(t for t in app.screen.query(TapToggle) if (t.id or "").startswith("remind-"))
        assert app.focused is first and _on_screen(app, first)
        # The progress line stays at the top and its steps are links to the sections.
        progress = app.screen.query_one("#lobby-progress")
        assert progress.region.y <= 2


async def test_no_quit_key_in_a_browser_tab(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    served = Settings(data_dir=settings.data_dir, db=settings.db, session_client="192.0.2.7")
    app = make_lobby_app(served, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.check_action("quit", ()) is False
        shown = [k for k, b in app.screen.active_bindings.items() if b.binding.action == "quit" and b.enabled]
        assert shown == []
        assert app.screen.query_one(Footer) is not None
    desk = make_lobby_app(settings, rules, repo)
    async with desk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert desk.check_action("quit", ()) is True
        shown = [k for k, b in desk.screen.active_bindings.items() if b.binding.action == "quit" and b.enabled]
        assert shown == ["ctrl+q"]
