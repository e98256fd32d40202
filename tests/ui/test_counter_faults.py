"""The counter on a full disk: a Chinese message, the case stays on screen and is not closed;
once the disk has room the same F2 saves it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, Label

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.db import make_engine
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.acknowledge import AcknowledgeScreen
from teller_guard.ui.screens.counter import CounterScreen
from teller_guard.ui.screens.decision import DecisionModal
from tests.factories import frozen_clock
from tests.ui.helpers import LOW_RISK_ANSWERS, answer_all, focus, make_counter_app

FORM = [("#amount", "3000"), *LOW_RISK_ANSWERS]


def fill_up(disk: Path) -> Path:
    """Write a ballast file until the disk is full."""
    ballast = disk / "ballast"
    with ballast.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return ballast


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_a_full_disk_keeps_the_case_and_says_so_in_chinese(
    settings: Settings, rules: RuleSet, template_db: Path, tiny_disk: Path
) -> None:
    shutil.copyfile(template_db, tiny_disk / "branch.db")
    settings = Settings(data_dir=settings.data_dir, db=f"sqlite:///{tiny_disk / 'branch.db'}")
    full = Repository(make_engine(settings.db_url), settings.zone, clock=frozen_clock)
    app = make_counter_app(settings, rules, full)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await answer_all(pilot, FORM)
        await pilot.pause()
        await app.workers.wait_for_complete()
        ballast = fill_up(tiny_disk)  # the disk fills up while the teller works
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal)
        await pilot.press("enter")
        for _ in range(40):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if any("磁盘已满" in n.message for n in app._notifications):
                break
        messages = [n.message for n in app._notifications]
        assert any("保存失败" in m and "磁盘已满" in m for m in messages), messages
        assert not any("Error" in m or "Traceback" in m for m in messages)
        assert screen.query_one("#amount", Input).value == "3000"  # still on screen
        assert full.summaries() == []  # nothing closed as if saved

        ballast.unlink()  # room again: the same case, the same key
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(40):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, AcknowledgeScreen):  # every remittance customer signs (policy)
                await pilot.press(*app.screen.serial[-4:], "enter")
            if full.summaries():
                break
    [saved] = full.summaries()
    assert saved.amount_fen == 300_000


async def test_an_amount_beyond_the_limit_is_named_at_the_field(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    """27 figures typed (a key held down): the counter says so, keeps running and closes nothing."""
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await focus(pilot, "#amount")
        await pilot.press(*("9" * 27))
        await pilot.pause()
        # Said right under the fields, not at the foot of the form.
        status = str(screen.query_one("#transfer-error", Label).render())
        assert "超过单笔上限 ¥100,000,000.00" in status
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is screen and "超过单笔上限" in str(screen.query_one("#transfer-error", Label).render())
        await app.workers.wait_for_complete()
    assert repo.summaries() == []
