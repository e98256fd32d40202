"""The teller's screen continues a lobby hand-off and shows what the lobby already recorded."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.counter import CounterScreen
from tests.ui.helpers import HANDOFF_SAID as SAID
from tests.ui.helpers import hand_off_a_case, make_counter_app, settle


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_teller_opens_the_handoff_with_the_lobby_answers(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    lobby_record = await hand_off_a_case(settings, rules, repo)

    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        counter = app.screen
        assert isinstance(counter, CounterScreen)
        await pilot.press("f4")  # 大堂转来
        await settle(pilot)
        await pilot.press("enter")  # the one waiting customer
        await settle(pilot)
        assert app.screen is counter

        # Not asked twice: amount, age, the customer's words and what the lobby saw are filled in.
        assert counter.state.handoff_from_uid == lobby_record.uid
        assert counter.query_one("#amount", Input).value == "80000.00"
        assert counter.query_one("#age", Input).value == "72"
        assert SAID in counter.query_one("#said-purpose", Input).value
        assert counter.state.answers.get("look_phone") is True
        assert counter.state.answers.get("look_notes") is True
        banner = str(counter.query_one("#handoff-banner", Label).render())
        assert "大堂转来" in banner and "2号存取款一体机" in banner and SAID in banner
