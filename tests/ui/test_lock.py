"""The idle lock: after the policy's minutes the screen is covered, the case and its draft are
kept, and only the same member of staff's PIN opens it again (Ctrl+L locks at once)."""

from __future__ import annotations

from textual.widgets import Input, Label

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from teller_guard.ui.screens.counter import CounterScreen
from teller_guard.ui.screens.lock import LockScreen
from teller_guard.ui.screens.sign_in import SignInScreen
from tests.factories import TELLER, MovingClock
from tests.factories.accounts import PINS, add_all
from tests.ui.helpers import fill, settle


def make_app(settings: Settings, rules: RuleSet, repo: Repository, clock: MovingClock) -> TellerGuardApp:
    moving = Repository(repo.engine, repo.tz, clock=clock)
    return TellerGuardApp(settings=settings, rules=rules, repo=moving, mode="counter", staff=TELLER, clock=clock)


async def unlock(pilot, pin: str) -> None:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    assert isinstance(screen, LockScreen)
    screen.query_one("#lock-pin", Input).value = pin
    screen.submit()
    await settle(pilot)


async def test_idle_lock_keeps_the_case_and_its_draft(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    add_all(repo, TELLER)
    clock = MovingClock()
    app = make_app(settings, rules, repo, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        counter = app.screen
        assert isinstance(counter, CounterScreen)
        await fill(pilot, "#amount", "34567")
        await pilot.press("tab")  # a key: the idle time counts from here
        await settle(pilot)
        clock.advance(minutes=9, seconds=59)
        app.check_idle_lock()
        await pilot.pause()
        assert app.screen is counter
        clock.advance(seconds=1)
        app.check_idle_lock()
        await pilot.pause()
        lock = app.screen
        assert isinstance(lock, LockScreen)
        assert "10 分钟无操作，已自动锁屏" in str(lock.query_one("#lock-title", Label).render())
        assert not lock.query("#amount")  # nothing of the case shows on the lock screen
        [draft] = repo.open_drafts(staff_id="T001")
        assert draft.state["amount"] == "34567"

        await unlock(pilot, "000000")
        assert isinstance(app.screen, LockScreen)
        assert "工号或密码不对" in str(lock.query_one("#lock-error", Label).render())
        await unlock(pilot, PINS["T001"])
        assert app.screen is counter
        assert counter.query_one("#amount", Input).value == "34567"
    kinds = [(e.kind, e.ok) for e in repo.audit_events(staff_id="T001")]
    assert kinds == [("idle_lock", True), ("unlock_screen", False), ("unlock_screen", True)]
    assert repo.audit_events(kind="idle_lock")[0].detail == {"by": "idle", "minutes": 10}


async def test_ctrl_l_locks_at_once_and_f9_lets_someone_else_sign_in(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    add_all(repo, TELLER)
    clock = MovingClock()
    app = make_app(settings, rules, repo, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await fill(pilot, "#amount", "45678")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        clock.advance(minutes=30)
        app.check_idle_lock()  # already locked: no second lock
        await pilot.pause()
        assert len([s for s in app.screen_stack if isinstance(s, LockScreen)]) == 1
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
    [draft] = repo.open_drafts(staff_id="T001")
    assert draft.state["amount"] == "45678"
    kinds = [e.kind for e in repo.audit_events(staff_id="T001")]
    assert kinds == ["idle_lock", "sign_out"]
