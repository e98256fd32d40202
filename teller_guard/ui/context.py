"""What every screen needs from the app, typed: settings, rules, the log, the clock, who is on
shift, and the gate every PIN goes through.

Screens reach it through :attr:`AppScreen.ctx` / :attr:`AppModal.ctx` instead of reading
attributes off ``self.app``, so they never import the app module (no import loop) and the type
checker follows every use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TypeVar

from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

from teller_guard.config import Settings
from teller_guard.core.clock import Clock, local_today
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.identity import Gate, Where
from teller_guard.identity.pins import PinHasher
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
    """Who is signed in at this terminal (``None`` before sign-in): always an authenticated
    account's id, name and role."""
    _secret: bytes | None = field(default=None, repr=False)

    @cached_property
    def gate(self) -> Gate:
        """Sign-in, approvals and audit events from this terminal or browser tab."""
        client = self.settings.session_client
        where = Where("browser", client) if client else Where("terminal")
        return Gate(self.repo, self.rules.access, PinHasher(self.settings.pin_hash), where=where)

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

    def keep_for_later(self) -> None:
        """Called when the staff member signs out with this screen open, just before it closes:
        save what must survive (the case being entered, as its draft). Runs on the UI thread."""


class AppModal(ModalScreen[ResultT]):
    """A modal dialog of teller_guard: :attr:`ctx` gives the app's services."""

    @property
    def ctx(self) -> AppContext:
        return app_context(self)
