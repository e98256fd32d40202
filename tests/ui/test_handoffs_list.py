"""The counter's list of customers brought from the lobby names the machine as the branch does."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.handoffs import HandoffsModal
from tests.ui.helpers import hand_off_a_case, make_counter_app, settle


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_handoff_list_names_the_machine(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    lobby_record = await hand_off_a_case(settings, rules, repo)
    label = next(m.label for m in rules.branch.machines if m.id == lobby_record.machine_id)
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, HandoffsModal)
        line = str(app.screen.query_one("#handoffs-list", OptionList).get_option_at_index(0).prompt)
        assert label in line and f" {lobby_record.machine_id} " not in line
