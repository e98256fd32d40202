"""Snapshots of the counter screens at 120×40 with the clock frozen and a teller on shift."""

from __future__ import annotations

from textual.pilot import Pilot

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from tests.factories import ELDERLY_ID, counter_record
from tests.ui.helpers import burst, landed, make_counter_app

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
        # One burst, as a fast teller types it (the keys land one at a time, in order):
        # amount Enter, the ID (complete: on to the payee by itself), the payee, the account;
        # 用途: b picks 配合调查/转入“安全账户”; typing goes on into what the customer said;
        # 关系 朋友, 账号 当面获得, 有人要求 是; 二看: on the phone (2) and nervous (1).
        app = pilot.app
        assert isinstance(app, TellerGuardApp)
        burst(app, "60000", "enter", ELDERLY_ID, "王五", "enter", "6217000011112222333", "enter")
        burst(app, "b", "shift+tab", "公安说我涉嫌洗钱", "enter", "62121")
        await landed(pilot)
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
