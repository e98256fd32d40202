"""The Textual app: built by :func:`make_app` from settings, rules and a repository, so the
CLI, textual-serve and the tests all build it the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import App
from textual.binding import Binding

from teller_guard.config import Settings
from teller_guard.core.records import Staff, utcnow
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository

Mode = str  # "counter" | "lobby" | "stats"


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
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__()
        self.settings = settings
        """Global configuration (time zone, data dir)."""
        self.rules = rules
        """The validated rules every screen reads."""
        self.repo = repo
        """The intervention log (call it from thread workers for anything slow)."""
        self.start_mode = mode
        """Which screen opens after staff identification."""
        self.staff = staff
        """Who is working this shift: the one place a real login will replace."""
        self.clock = clock
        """UTC clock (frozen in tests and snapshots)."""

    def on_mount(self) -> None:
        if self.staff is None:
            from teller_guard.ui.screens.login import LoginScreen

            default_role = {"lobby": "lobby", "stats": "security"}.get(self.start_mode, "teller")
            self.push_screen(LoginScreen(default_role), self._signed_in)
        else:
            self.open_mode(self.start_mode)

    def _signed_in(self, staff: Staff | None) -> None:
        if staff is None:
            self.exit()
            return
        self.repo.upsert_staff(staff)
        self.staff = staff
        mode = self.start_mode
        if staff.role in ("lobby", "guard") and mode == "counter":
            mode = "lobby"
        self.open_mode(mode)

    def open_mode(self, mode: Mode) -> None:
        """Show the main screen for ``mode`` (each screen module is owned by its feature)."""
        from teller_guard.ui import modes

        self.push_screen(modes.screen_for(mode, self))


def make_app(
    settings: Settings,
    rules: RuleSet,
    *,
    mode: Mode = "counter",
    staff: Staff | None = None,
    repo: Repository | None = None,
) -> TellerGuardApp:
    """Build the app the way the CLI does (opens and migrates the database)."""
    repository = repo or Repository.open(settings.db_url, settings.zone)
    return TellerGuardApp(settings=settings, rules=rules, repo=repository, mode=mode, staff=staff)
