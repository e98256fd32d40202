"""What every screen needs from the app, typed: settings, rules, the log, the clock, who is on shift.

Screens reach it through :attr:`AppScreen.ctx` / :attr:`AppModal.ctx` instead of reading
attributes off ``self.app``, so they never import the app module (no import loop) and the type
checker follows every use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

from teller_guard.config import Settings
from teller_guard.core.clock import Clock, local_today
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository

ResultT = TypeVar("ResultT")


@dataclass
class AppContext:
    """The services of one running app (one per terminal or browser tab)."""

    settings: Settings
    """Global configuration (time zone, data dir)."""
    rules: RuleSet
    """The validated rules every screen reads."""
    repo: Repository
    """The intervention log (call it from thread workers for anything slow)."""
    clock: Clock
    """UTC clock: the only source of time for the UI (frozen in tests and snapshots)."""
    staff: Staff | None = None
    """Who is signed in at this terminal (``None`` before sign-in)."""
    _secret: bytes | None = field(default=None, repr=False)

    def now(self) -> datetime:
        """Now, aware, in UTC."""
        return self.clock()

    def today(self) -> date:
        """Today in the branch's time zone."""
        return local_today(self.clock, self.settings.zone)

    @property
    def on_shift(self) -> Staff:
        """The signed-in member of staff (screens behind sign-in only)."""
        if self.staff is None:
            raise RuntimeError("no member of staff is signed in")
        return self.staff

    def secret(self) -> bytes:
        """The installation secret that keys ID and account hashes (read once)."""
        if self._secret is None:
            self._secret = self.settings.secret()
        return self._secret


def app_context(node: DOMNode) -> AppContext:
    """The :class:`AppContext` of the app ``node`` runs in."""
    ctx = getattr(node.app, "context", None)
    if not isinstance(ctx, AppContext):
        raise RuntimeError(f"{type(node.app).__name__} carries no AppContext")
    return ctx


class AppScreen(Screen[ResultT]):
    """A screen of teller_guard: :attr:`ctx` gives the app's services."""

    @property
    def ctx(self) -> AppContext:
        return app_context(self)


class AppModal(ModalScreen[ResultT]):
    """A modal dialog of teller_guard: :attr:`ctx` gives the app's services."""

    @property
    def ctx(self) -> AppContext:
        return app_context(self)
