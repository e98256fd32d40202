"""Keys that must do what the teller means: figures typed in 转账信息 never tick 二看."""

from __future__ import annotations

from textual.widgets import Input, Label

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.counter import CounterScreen
from tests.factories import ELDERLY_ID
from tests.ui.helpers import focus, make_counter_app


def _ticked(screen: CounterScreen) -> list[str]:
    looks = {i.id for i in screen.checklist_items if i.kind == "yesno" and i.key}
    return sorted(k for k, v in screen.state.answers.items() if k in looks and v is True)


async def test_id_typed_after_the_amount_goes_into_the_id_field(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    """Amount, Tab, ID number: Tab used to land on 转账/汇款, and the ID ticked 二看 [1] and [3]."""
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await pilot.press(*"5000", "tab")
        assert app.focused is not None and app.focused.id == "id-number"
        await pilot.press(*ELDERLY_ID)
        await pilot.pause()
        assert _ticked(screen) == []
        assert screen.state.customer_age == 76
        assert screen.query_one("#id-number", Input).value.endswith("002X")
        # A complete, valid ID moved on to the payee; 转账/汇款 is still reachable by Shift+Tab.
        assert app.focused is not None and app.focused.id == "payee-name"
        await focus(pilot, "#id-number")
        await pilot.press("shift+tab")
        assert app.focused is not None and app.focused.id == "business"
        await pilot.press(*"135")
        await pilot.pause()
        assert _ticked(screen) == []


async def test_observation_keys_only_in_their_group(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    """Digits on a field, a question or the risk pane never tick 二看; in the 二看 group they do."""
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await focus(pilot, "#payee-name")
        await pilot.press(*"123")
        await focus(pilot, "#item-relation")
        await pilot.press("2")  # picks the second option (配偶) and moves on
        await pilot.pause()
        assert _ticked(screen) == []
        assert screen.state.answers.get("relation") == "spouse"
        assert app.focused is not None and app.focused.id == "item-account_source"
        screen.query_one("#risk-pane").focus()
        await pilot.press(*"1234")
        await pilot.pause()
        assert _ticked(screen) == []
        await focus(pilot, "#looks-1")
        await pilot.press("2")
        await pilot.pause()
        assert _ticked(screen) == ["look_phone"]
        # Not ticked yet is not asked (never "no") until Enter says the group was looked at.
        assert "look_nervous" not in screen.state.answers
        await pilot.press("enter")
        await pilot.pause()
        assert screen.state.answers["look_nervous"] is False and screen.state.answers["look_phone"] is True


async def test_case_clock_starts_with_the_first_entry(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    """The wait before the next customer steps up is not counted as time spent on their case."""
    from datetime import timedelta

    from tests.factories import FROZEN_NOW

    now = [FROZEN_NOW]
    app = make_counter_app(settings, rules, repo)
    app.context.clock = lambda: now[0]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await pilot.pause()
        now[0] = FROZEN_NOW + timedelta(minutes=12)  # the counter stood empty
        await pilot.press(*"5000")
        await pilot.pause()
        assert screen.state.started_at == FROZEN_NOW + timedelta(minutes=12)
        now[0] = FROZEN_NOW + timedelta(minutes=13)
        await focus(pilot, "#age")
        await pilot.press(*"45")
        await pilot.pause()
        assert screen.state.started_at == FROZEN_NOW + timedelta(minutes=12)


async def test_decision_digits_pick_the_numbered_decision(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    """The decisions are numbered 1 2 3 …: the digit highlights that one and shows its fields."""
    from textual.widgets import OptionList

    from teller_guard.ui.screens.decision import DecisionModal

    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"3000", "f2")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DecisionModal)
        await pilot.press("4")
        await pilot.pause()
        assert modal.chosen == modal.choices[3]
        assert modal.query_one("#protected-box").display == rules.decisions[modal.choices[3]].records_amount_protected
        await pilot.press("1")
        assert modal.query_one("#decision-list", OptionList).highlighted == 0


async def test_an_id_error_shows_next_to_the_field(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    """A wrong check digit is said right under the ID field (it used to show 34 rows away)."""
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await focus(pilot, "#id-number")
        await pilot.press(*(ELDERLY_ID[:-1] + "1"), "enter")
        await pilot.pause()
        error = screen.query_one("#transfer-error", Label)
        field = screen.query_one("#id-number", Input)
        assert "校验位" in str(error.render())
        assert 0 < error.region.y - field.region.y <= 2 and error.region.bottom <= 24
