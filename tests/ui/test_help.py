"""F1 on every screen: the screen's keys (in Chinese) and what its steps mean; F1 or Esc closes.
At 80×24 the help scrolls instead of being cut off."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from teller_guard.ui.screens.help import HelpScreen
from tests.factories import frozen_clock
from tests.ui.helpers import burst, landed, make_counter_app, make_lobby_app, settle


def _text(screen: HelpScreen) -> str:
    return "\n".join(str(s.render()) for s in screen.query(Static))


async def test_f1_on_the_counter_at_80x24(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        counter = app.screen
        burst(app, "f1")
        await landed(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = _text(help_screen)
        assert "办结" in text and "新业务" in text and "签退" in text  # the screen's own keys
        assert "三问：问资金用途" in text and "二看" in text and "一核对" in text
        assert "Scroll" not in text and "Copy" not in text  # Textual's English keys are left out
        box = help_screen.query_one("#help-box", VerticalScroll)
        assert box.region.bottom <= 24 and box.max_scroll_y > 0  # scrolls, not cut off
        burst(app, "f1")
        await landed(pilot)
        assert app.screen is counter


async def test_f1_on_the_lobby_and_sign_in(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, "f1")
        await landed(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "一问：问客户在机器上办理什么业务" in _text(app.screen)
        burst(app, "escape")
        await landed(pilot)
        assert not isinstance(app.screen, HelpScreen)

    signed_out = TellerGuardApp(settings=settings, rules=rules, repo=repo, clock=frozen_clock)
    async with signed_out.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(signed_out, "f1")
        await landed(pilot)
        assert isinstance(signed_out.screen, HelpScreen)
        assert "退出" in _text(signed_out.screen)
