"""Helpers shared by the counter UI tests: build the app, and drive the form by keys."""

from __future__ import annotations

from collections.abc import Iterable

from textual.pilot import Pilot
from textual.widgets import Input, Select
from textual.widgets._select import SelectOverlay

from teller_guard.config import Settings
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from tests.conftest import FROZEN_NOW

TELLER = Staff(staff_id="T001", name="王柜员", role="teller")
YOUNG_ID = "110105199003071239"
"""A valid test ID number: born 1990-03-07, male (36 on the frozen day)."""
ELDERLY_ID = "11010519491231002X"
"""A valid test ID number: born 1949-12-31, female (76 on the frozen day)."""


def make_counter_app(settings: Settings, rules: RuleSet, repo: Repository) -> TellerGuardApp:
    """The app as the CLI builds it, with a teller on shift (no login) and the clock frozen."""
    return TellerGuardApp(
        settings=settings, rules=rules, repo=repo, mode="counter", staff=TELLER, clock=lambda: FROZEN_NOW
    )


async def focus(pilot: Pilot[None], selector: str) -> None:
    """Tab forward until ``selector`` has focus (the way a teller moves through the form)."""
    app = pilot.app
    for _ in range(60):
        if app.focused is not None and app.focused.id == selector.lstrip("#"):
            return
        await pilot.press("tab")
    raise AssertionError(f"could not tab to {selector}; focus is on {app.focused!r}")


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    """Tab to an input and type ``text`` key by key."""
    await focus(pilot, selector)
    await pilot.press(*text)


async def choose(pilot: Pilot[None], selector: str, value: str) -> None:
    """Tab to a Select, open it with Enter, arrow to ``value`` and press Enter."""
    await focus(pilot, selector)
    select = pilot.app.screen.query_one(selector, Select)
    await pilot.press("enter")
    await pilot.pause()
    overlay = select.query_one(SelectOverlay)
    values = [v for _, v in select._options]
    target = values.index(value)
    current = overlay.highlighted or 0
    step = "down" if target > current else "up"
    await pilot.press(*([step] * abs(target - current)))
    await pilot.press("enter")
    await pilot.pause()
    assert select.value == value, f"{selector} is {select.value!r}, wanted {value!r}"


async def answer_all(pilot: Pilot[None], answers: Iterable[tuple[str, str]]) -> None:
    """Fill (selector, value) pairs in form order: Inputs are typed, Selects are chosen."""
    for selector, value in answers:
        widget = pilot.app.screen.query_one(selector)
        if isinstance(widget, Select):
            await choose(pilot, selector, value)
        elif isinstance(widget, Input):
            await type_into(pilot, selector, value)
        else:
            raise AssertionError(f"unexpected widget {widget!r}")
