"""Snapshots of the counter screens at 120×40 with the clock frozen and a teller on shift."""

from __future__ import annotations

from textual.pilot import Pilot

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from tests.factories import ELDERLY_ID, counter_record
from tests.ui.helpers import make_counter_app

SIZE = (120, 40)


def test_counter_empty(snap_compare, settings: Settings, rules: RuleSet, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_counter_app(settings, rules, repo), terminal_size=SIZE, run_before=run_before)


def test_counter_mid_case_with_reasons(snap_compare, settings: Settings, rules: RuleSet, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press(*"60000", "tab", *ELDERLY_ID, "tab")  # Tab: amount → ID number
        await pilot.press(*"钱桂花", "tab", *"王五", "tab", *"6217000011112222333", "tab")
        # 用途: open the list, pick 配合调查/转入“安全账户” (10th option), say what was said.
        await pilot.press("enter", *(["down"] * 10), "enter", "tab", *"公安说我涉嫌洗钱", "tab")
        await pilot.press("2", "1")
        await pilot.pause(0.4)  # past the draft debounce, so the screen is settled
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_counter_app(settings, rules, repo), terminal_size=SIZE, run_before=run_before)


def test_counter_history(snap_compare, settings: Settings, rules: RuleSet, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    repo.save_intervention(
        counter_record(rules, amount="1200", answers={"purpose": "living"}, minutes_ago=50, customer_age=35)
    )
    repo.save_intervention(
        counter_record(
            rules,
            amount="50000",
            answers={"purpose": "investigation", "look_phone": True},
            minutes_ago=5,
            customer_age=71,
            customer_name_masked="刘*",
        )
    )

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("f3")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_counter_app(settings, rules, repo), terminal_size=SIZE, run_before=run_before)
