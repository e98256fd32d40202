"""The Textual app: built by :func:`make_app` from settings, rules, a repository and a clock, so
the CLI, textual-serve and the tests all build it the same way."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from teller_guard.config import Settings
from teller_guard.core.clock import Clock, system_clock
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.context import AppContext

Mode = str  # "counter" | "lobby" | "stats"


def screen_for(mode: Mode) -> Screen[None]:
    """The main screen of ``mode`` (imported when first opened: each screen is its own module)."""
    if mode == "lobby":
        from teller_guard.ui.screens.lobby import LobbyScreen

        return LobbyScreen()
    if mode == "stats":
        from teller_guard.ui.screens.stats import StatsScreen

        return StatsScreen()
    from teller_guard.ui.screens.counter import CounterScreen

    return CounterScreen()


class TellerGuardApp(App[None]):
    """teller_guard: the counter, lobby and statistics screens over one intervention log."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    """The palette's commands are Textual's own, in English; every action has a Chinese key instead."""
    TITLE = "teller_guard 反诈风险提示"
    BINDINGS = [
        Binding("ctrl+q", "quit", "退出", id="quit", priority=True),
    ]

    def __init__(
        self,
        *,
        settings: Settings,
        rules: RuleSet,
        repo: Repository,
        mode: Mode = "counter",
        staff: Staff | None = None,
        clock: Clock = system_clock,
    ) -> None:
        super().__init__()
        self.context = AppContext(settings=settings, rules=rules, repo=repo, clock=clock, staff=staff)
        """The services every screen reads (:class:`~teller_guard.ui.context.AppContext`)."""
        self.start_mode = mode
        """Which screen opens after staff identification."""

    def on_mount(self) -> None:
        if self.context.staff is None:
            from teller_guard.ui.screens.login import LoginScreen

            default_role = {"lobby": "lobby", "stats": "security"}.get(self.start_mode, "teller")
            self.push_screen(LoginScreen(default_role), self._signed_in)
        else:
            self.open_mode(self.start_mode)

    def _signed_in(self, staff: Staff | None) -> None:
        if staff is None:
            self.exit()
            return
        self.context.repo.upsert_staff(staff)
        self.context.staff = staff
        mode = self.start_mode
        if staff.role in ("lobby", "guard") and mode == "counter":
            mode = "lobby"
        self.open_mode(mode)

    def open_mode(self, mode: Mode) -> None:
        """Show the main screen for ``mode``."""
        self.push_screen(screen_for(mode))


def make_app(
    settings: Settings,
    rules: RuleSet,
    *,
    mode: Mode = "counter",
    staff: Staff | None = None,
    repo: Repository | None = None,
    clock: Clock = system_clock,
) -> TellerGuardApp:
    """Build the app the way the CLI does (opens and migrates the database unless ``repo`` is given)."""
    repository = repo or Repository.open(settings.db_url, settings.zone, clock=clock)
    return TellerGuardApp(settings=settings, rules=rules, repo=repository, mode=mode, staff=staff, clock=clock)
