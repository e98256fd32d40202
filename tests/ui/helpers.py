"""Drive the app in Pilot: build it as the CLI does, set the form directly or by keys, let workers land.

Most tests are about what the app does with an answer, not about how the answer was typed:
they use :func:`fill` / :func:`choose` / :func:`focus`, which set focus and values directly
(one change event each). The few tests that are about keys press them (:func:`tab_to`,
:func:`type_keys`), and say so.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Select
from textual.widgets._select import SelectOverlay

from teller_guard.config import Settings
from teller_guard.core.records import InterventionRecord, Staff
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from teller_guard.ui.screens.lobby import LobbyScreen
from teller_guard.ui.widgets.answer_keys import LookGroup, OptionPicker
from tests.factories import LOBBY_MANAGER, TELLER, frozen_clock
from tests.factories.accounts import PINS, add_staff


def on_shift(repo: Repository, staff: Staff) -> Staff:
    """Give ``staff`` a real, active account (the app rereads it now and then and signs out a
    staff id it cannot find — on a slow machine a test outlives that check)."""
    if repo.staff.get(staff.staff_id) is None:
        add_staff(repo, staff, pin=PINS.get(staff.staff_id, "135792"))
    return staff


def make_counter_app(settings: Settings, rules: RuleSet, repo: Repository, staff: Staff = TELLER) -> TellerGuardApp:
    """The app as the CLI builds it, with a teller on shift (no login) and the clock frozen."""
    on_shift(repo, staff)
    return TellerGuardApp(settings=settings, rules=rules, repo=repo, mode="counter", staff=staff, clock=frozen_clock)


def make_lobby_app(settings: Settings, rules: RuleSet, repo: Repository) -> TellerGuardApp:
    """The app in lobby mode, with a lobby manager on shift (no login) and a frozen clock."""
    on_shift(repo, LOBBY_MANAGER)
    return TellerGuardApp(
        settings=settings, rules=rules, repo=repo, mode="lobby", staff=LOBBY_MANAGER, clock=frozen_clock
    )


async def settle(pilot: Pilot[None]) -> None:
    """Let thread workers (drafts, saving) finish and their messages land."""
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


NAMED_KEYS = {
    "tab": "\t",
    "shift+tab": None,
    "enter": "\r",
    "escape": "\x1b",
    "backspace": "\x08",
    "space": " ",
    "up": None,
    "down": None,
    "left": None,
    "right": None,
    **{f"f{n}": None for n in range(1, 13)},
}


def burst(app: TellerGuardApp, *keys: str) -> None:
    """Keys as one read from the terminal, all queued before any is handled (a card reader, a
    fast typist, one ``tmux send-keys``): a named key (``tab``, ``enter``, ``f2`` …) is one key,
    any other string is typed character by character."""
    for key in keys:
        for ch in [key] if key in NAMED_KEYS else list(key):
            name = "space" if ch == " " else ch
            char = NAMED_KEYS.get(ch, ch)
            event = events.Key(name, char)
            event.set_sender(app)
            app.post_message(event)


async def landed(pilot: Pilot[None], timeout: float = 10.0) -> None:
    """Wait until every key sent has been handled (the app reads keys one at a time)."""
    app = pilot.app
    assert isinstance(app, TellerGuardApp)
    gate = app.key_gate
    for _ in range(int(timeout / 0.01)):
        await pilot.pause(0.01)
        if not gate.busy and not gate.held:
            await pilot.pause()
            return
    raise AssertionError(f"keys still waiting after {timeout} s: {len(gate.held)} held")


async def focus(pilot: Pilot[None], selector: str) -> None:
    """Give ``selector`` the focus directly (for tests not about Tab order)."""
    pilot.app.screen.query_one(selector).focus()
    await pilot.pause()
    assert pilot.app.focused is not None and pilot.app.focused.id == selector.lstrip("#"), pilot.app.focused


async def tab_to(pilot: Pilot[None], selector: str, *, limit: int = 60) -> None:
    """Tab forward until ``selector`` has focus, as a keyboard user moves through the form."""
    target = selector.lstrip("#")
    for _ in range(limit):
        if pilot.app.focused is not None and pilot.app.focused.id == target:
            return
        await pilot.press("tab")
    raise AssertionError(f"could not tab to {selector}; focus is on {pilot.app.focused!r}")


async def type_keys(pilot: Pilot[None], selector: str, text: str) -> None:
    """Focus an input and type ``text`` key by key (for tests about typing)."""
    await focus(pilot, selector)
    await pilot.press(*text)


async def fill(pilot: Pilot[None], selector: str, text: str) -> None:
    """Focus an input and set its value in one change (what a fast typist ends with)."""
    await focus(pilot, selector)
    pilot.app.screen.query_one(selector, Input).value = text
    await pilot.pause()


async def choose(pilot: Pilot[None], selector: str, value: str) -> None:
    """Focus a Select or a question's options and choose ``value`` (one change)."""
    await focus(pilot, selector)
    widget = pilot.app.screen.query_one(selector)
    if isinstance(widget, OptionPicker):
        widget.pick(value)
    else:
        assert isinstance(widget, Select), widget
        widget.value = value
    await pilot.pause()
    assert widget.value == value, f"{selector} is {widget.value!r}, wanted {value!r}"


async def answer_all(pilot: Pilot[None], answers: Iterable[tuple[str, str]]) -> None:
    """Fill (selector, value) pairs in form order: Inputs get text, Selects get an option."""
    for selector, value in answers:
        widget = pilot.app.screen.query_one(selector)
        if isinstance(widget, LookGroup):
            await focus(pilot, selector)
            await pilot.press(value)
        elif isinstance(widget, (Select, OptionPicker)):
            await choose(pilot, selector, value)
        elif isinstance(widget, Input):
            await fill(pilot, selector, value)
        else:
            raise AssertionError(f"unexpected widget {widget!r}")


async def choose_by_keys(pilot: Pilot[None], selector: str, value: str) -> None:
    """Tab to a Select, open it with Enter, arrow to ``value`` and press Enter (as a teller does)."""
    await tab_to(pilot, selector)
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


async def answer_all_by_keys(pilot: Pilot[None], answers: Iterable[tuple[str, str]]) -> None:
    """Fill (selector, value) pairs in form order with Tab, typing and the arrow keys only."""
    for selector, value in answers:
        widget = pilot.app.screen.query_one(selector)
        if isinstance(widget, LookGroup):
            await tab_to(pilot, selector)
            await pilot.press(value)
        elif isinstance(widget, OptionPicker):
            await tab_to(pilot, selector)
            await pilot.press(next(k for k, v in widget.keys.items() if v == value))
        elif isinstance(widget, Select):
            await choose_by_keys(pilot, selector, value)
        elif isinstance(widget, Input):
            await tab_to(pilot, selector)
            await pilot.press(*value)
        else:
            raise AssertionError(f"unexpected widget {widget!r}")


def lobby(pilot: Pilot[None]) -> LobbyScreen:
    screen = pilot.app.screen
    assert isinstance(screen, LobbyScreen), screen
    return screen


async def tap(pilot: Pilot[None], selector: str) -> None:
    """Scroll a tile into view and click it, as a finger on a tablet would."""
    widget = pilot.app.screen.query_one(selector)
    widget.scroll_visible(animate=False)
    await pilot.pause()
    assert await pilot.click(selector), f"click on {selector} missed"
    await pilot.pause()


HANDOFF_SAID = "网上认识的朋友让我转钱投资，说稳赚不赔"
"""What the customer said at the machine in :func:`hand_off_a_case`."""


async def hand_off_a_case(settings: Settings, rules: RuleSet, repo: Repository) -> InterventionRecord:
    """Run a lobby case to 「带至柜台」 the way a lobby manager does, and return the logged record."""
    app = make_lobby_app(settings, rules, repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = lobby(pilot)
        await tap(pilot, "#machine-ATM02")
        await tap(pilot, "#opt-business-transfer_other")
        screen.query_one("#said-business", Input).value = HANDOFF_SAID
        screen.query_one("#amount", Input).value = "80000"
        screen.query_one("#age", Input).value = "72"
        await tap(pilot, "#look-look_phone")
        await tap(pilot, "#look-look_notes")
        for rid in ("remind_fraud", "remind_verify"):
            await tap(pilot, f"#remind-{rid}")
        await tap(pilot, "#outcome-to_counter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.last_saved is not None
        uid = screen.last_saved.uid
    rec = repo.get(uid)
    assert rec is not None
    return rec


LOW_RISK_ANSWERS: list[tuple[str, str]] = [
    ("#item-purpose", "living"),
    ("#item-relation", "child"),
    ("#item-account_source", "known"),
    ("#item-asked_remotely", "no"),
    ("#looks-1", "enter"),  # 二看: looked, nothing seen
    ("#item-check_payee", "match"),
    ("#looks-2", "enter"),  # the transaction facts: none
    ("#item-check_amount", "yes"),
    ("#item-check_holder", "yes"),
    ("#item-check_phone", "not_applicable"),
]
"""Every checklist answer of an ordinary low-risk transfer (for the selectors of :func:`answer_all`)."""


async def explain_not_asked(pilot: Pilot[None], reason: str = "客户急于办理，拒绝回答") -> None:
    """Closing as 办理 with mandatory questions not asked: give the teller's reason."""
    from teller_guard.ui.screens.not_asked import NotAskedModal

    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, NotAskedModal), pilot.app.screen
    await pilot.press(*reason, "enter")
    await pilot.pause()
