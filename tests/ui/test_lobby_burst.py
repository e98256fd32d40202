"""The lobby form takes a burst of keys exactly: Enter moves on while the key is handled, and
the 二看 keys work only on the 二看 tiles (a digit typed elsewhere is never an observation)."""

from __future__ import annotations

from textual.widgets import Input

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from tests.ui.helpers import burst, focus, landed, lobby, make_lobby_app, settle


async def test_a_lobby_burst_lands_field_by_field(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = lobby(pilot)
        await focus(pilot, "#said-business")
        burst(app, "朋友让我转钱", "enter", "30000", "enter", "68", "enter", "2")
        await landed(pilot)
        assert screen.query_one("#said-business", Input).value == "朋友让我转钱"
        assert screen.query_one("#amount", Input).value == "30000"
        assert screen.query_one("#age", Input).value == "68"
        assert screen.case.answers.get("look_phone") is True  # "2" on the 二看 tiles
        assert app.focused is not None and (app.focused.id or "").startswith("look-")


async def test_digits_off_the_look_tiles_tick_nothing(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = lobby(pilot)
        first_choice = next(iter(screen.query(".choice-tile")))
        first_choice.focus()
        await pilot.pause()
        burst(app, "1", "2", "3")
        await landed(pilot)
        looks = {i.id for i in rules.checklist_for("atm").item if i.key}
        assert not looks & set(screen.case.answers)
