"""Sign-in through Pilot: 工号 and PIN (the role is the account's), a burst of keys, wrong PINs
up to the lock-out, a PIN an admin set, sign-out with the case kept, switching staff."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Label

from teller_guard.config import Settings
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from teller_guard.ui.screens.counter import CounterScreen
from teller_guard.ui.screens.lobby import LobbyScreen
from teller_guard.ui.screens.resume import ResumeModal
from teller_guard.ui.screens.sign_in import ChangePinModal, SignInScreen
from teller_guard.ui.screens.stats import StatsScreen
from tests.factories import LOBBY_MANAGER, SECURITY, TELLER, frozen_clock
from tests.factories.accounts import PINS, TELLER_2, add_all, add_staff
from tests.ui.helpers import burst, fill, landed, settle


def make_app(settings: Settings, rules: RuleSet, repo: Repository, mode: str = "counter") -> TellerGuardApp:
    """The app exactly as ``teller-guard`` starts it: nobody signed in."""
    return TellerGuardApp(settings=settings, rules=rules, repo=repo, mode=mode, clock=frozen_clock)


async def sign_in(pilot: Pilot[None], staff_id: str, pin: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen), screen
    screen.query_one("#staff-id", Input).value = staff_id
    screen.query_one("#pin", Input).value = pin
    screen.submit()
    await settle(pilot)


def error(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#sign-in-error", Label).render())


async def test_nothing_before_sign_in_and_the_role_is_the_accounts(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    add_all(repo, TELLER)
    app = make_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.context.staff is None
        assert not app.query(CounterScreen)
        assert not app.screen.query("Select")  # no role to choose
        await pilot.press(*"T001", "tab", *PINS["T001"], "enter")
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen)
        assert app.context.staff == TELLER
        assert app.sub_title == "王柜员（柜员 T001）"
    [event] = repo.audit_events(kind="sign_in")
    assert (event.staff_id, event.origin, event.detail) == ("T001", "terminal", {"role": "teller"})
    assert [e.subject for e in repo.audit_events(kind="rules_seen")] == [rules.version]


async def test_a_burst_of_keys_lands_in_the_right_fields(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    """工号 Tab 密码 Enter in one read: the PIN never reaches the 工号 field (where it would show)."""
    add_all(repo, TELLER)
    app = make_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        burst(app, "T001", "tab", PINS["T001"])
        await landed(pilot)
        await pilot.pause()
        assert screen.query_one("#staff-id", Input).value == "T001"
        assert screen.query_one("#pin", Input).value == PINS["T001"]
        burst(app, "enter")
        await landed(pilot)
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen)


async def test_enter_in_the_id_field_moves_on(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    add_all(repo, TELLER)
    app = make_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        burst(app, "T001", "enter", PINS["T001"], "enter")
        await landed(pilot)
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen)


async def test_wrong_pins_then_the_lock_out(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    add_all(repo, TELLER)
    app = make_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await sign_in(pilot, "X404", "135792")
        unknown = error(pilot)
        await sign_in(pilot, "T001", "000000")
        assert error(pilot) == unknown == "工号或密码不对（连续输错 5 次将锁定 15 分钟）"
        assert app.screen.query_one("#pin", Input).value == ""  # emptied at once
        assert app.focused is app.screen.query_one("#pin", Input)
        for _ in range(3):
            await sign_in(pilot, "T001", "000000")
        await sign_in(pilot, "T001", "000001")
        assert error(pilot) == "密码连续输错 5 次，工号 T001 已锁定至 10:45；可请管理员解锁"
        await sign_in(pilot, "T001", PINS["T001"])
        assert "已锁定，请 10:45 后再试" in error(pilot)
        assert isinstance(app.screen, SignInScreen)
    kinds = [e.kind for e in repo.audit_events()]
    assert kinds.count("sign_in_failed") == 7 and kinds.count("locked_out") == 1 and "sign_in" not in kinds


async def test_a_disabled_account_says_so_after_the_right_pin(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    add_all(repo, TELLER)
    repo.staff.set_active("T001", False)
    app = make_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await sign_in(pilot, "T001", PINS["T001"])
        assert error(pilot) == "工号 T001 已停用，请联系管理员"


async def test_a_pin_set_by_an_admin_is_replaced_at_first_sign_in(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    add_staff(repo, TELLER, "482910", must_change=True)
    app = make_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await sign_in(pilot, "T001", "482910")
        modal = app.screen
        assert isinstance(modal, ChangePinModal)
        burst(app, "111111", "enter", "111111", "enter")
        await landed(pilot)
        await settle(pilot)
        assert "密码太简单" in str(modal.query_one("#change-pin-error", Label).render())
        burst(app, "915372", "enter", "915372", "enter")
        await landed(pilot)
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen) and app.context.staff == TELLER
    account = repo.staff.get("T001")
    assert account is not None and not account.must_change
    assert [e.kind for e in repo.audit_events(staff_id="T001") if e.kind != "rules_seen"][-2:] == [
        "pin_changed",
        "sign_in",
    ]


async def test_each_role_opens_its_own_part(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    add_all(repo, TELLER, LOBBY_MANAGER, SECURITY)
    for staff_id, mode, screen_type in (
        ("L001", "counter", LobbyScreen),
        ("T001", "stats", CounterScreen),  # a teller never reaches the branch's figures
        ("B001", "counter", StatsScreen),
    ):
        app = make_app(settings, rules, repo, mode=mode)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await sign_in(pilot, staff_id, PINS[staff_id])
            assert isinstance(app.screen, screen_type), (staff_id, app.screen)


async def test_sign_out_keeps_the_case_and_the_next_teller_signs_in(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    add_all(repo, TELLER, TELLER_2)
    app = make_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await sign_in(pilot, "T001", PINS["T001"])
        await fill(pilot, "#amount", "23456")
        await pilot.press("f9")  # at once: no draft timer to wait for
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.context.staff is None
        assert "已签退" in error(pilot)
        [draft] = repo.open_drafts(staff_id="T001")
        assert draft.state["amount"] == "23456"
        await sign_in(pilot, "T002", PINS["T002"])  # the next teller: a fresh case, not T001's
        assert isinstance(app.screen, CounterScreen) and app.context.staff == TELLER_2
        assert app.screen.query_one("#amount", Input).value == ""
        await pilot.press("f9")
        await settle(pilot)
        await sign_in(pilot, "T001", PINS["T001"])
        assert isinstance(app.screen, ResumeModal)  # T001's case is offered back
    kinds = [(e.kind, e.staff_id) for e in repo.audit_events() if e.kind in ("sign_in", "sign_out")]
    assert kinds == [
        ("sign_in", "T001"),
        ("sign_out", "T001"),
        ("sign_in", "T002"),
        ("sign_out", "T002"),
        ("sign_in", "T001"),
    ]


async def test_an_account_disabled_meanwhile_is_signed_out(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    add_all(repo, TELLER)
    app = make_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await sign_in(pilot, "T001", PINS["T001"])
        repo.staff.set_active("T001", False)
        for _ in range(4):
            app.check_idle_lock()
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "已停用" in error(pilot)


async def test_quitting_signs_out(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    add_all(repo, Staff(staff_id="T001", name="王柜员", role="teller"))
    app = make_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await sign_in(pilot, "T001", PINS["T001"])
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert [e.kind for e in repo.audit_events(staff_id="T001")][-1] == "sign_out"
