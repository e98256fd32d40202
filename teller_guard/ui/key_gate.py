"""Every key goes where the focus is when the key before it has been handled — at any speed.

Textual hands a key to the widget that has the focus *when the app reads the key*, and the
widget handles it later, in its own queue. Keys that arrive together (a card reader, a fast
typist, one ``tmux send-keys`` of a whole case) are therefore all handed to the same widget,
before the Tab, Enter, digit or F-key among them has moved the focus or opened a dialog: a
bare Textual app with two ``Input`` s puts ``T001张三`` into the first one.

:class:`KeyGate` is the app-level answer: the app forwards one key, then a marker message
behind it. The marker follows the key up the widget chain (each hop keeps the order), so when
it reaches the app the key has been handled wherever it was handled — by the field, a container
binding, or a screen binding. Only then, and after the screen has settled (a dialog pushed by
the key has mounted and taken the focus), is the next key read. Keys meanwhile wait in order.
A marker dropped with a widget that was removed releases the gate; one merely slow (a loaded
machine) is waited for, up to :data:`MAX_STALL_CHECKS` × :data:`STALL_SECONDS`. Nothing is
drawn while keys are queued (one draw when they have landed).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import App

STALL_SECONDS = 0.5
"""How often to look whether a key's marker can still come back."""
MAX_STALL_CHECKS = 20
"""Longest wait for a marker (× :data:`STALL_SECONDS`) before the next key is read anyway."""
SETTLE_TRIES = 300
"""How many times (every 10 ms) to wait for a newly shown screen to take the focus."""
SCREEN_WORK = frozenset({"notice", "handoffs", "sign-in", "unlock", "change-pin", "save"})
"""Worker groups whose end opens a screen (a notice serial, the hand-off list, a PIN check) or
starts a fresh case (a save): while one runs, the next key waits for what it will show."""
MAX_ROUNDS = 6
"""Most marker rounds per key (a key that opens a dialog that opens another …)."""
WORK_TRIES = 500
"""How many times (every 10 ms) to wait for such work before reading the next key anyway."""


class KeyHandled(Message, bubble=True):
    """The marker that follows a key up the widget chain."""

    def __init__(self, serial: int) -> None:
        super().__init__()
        self.serial = serial


class KeyGate:
    """Read keys one at a time: the next key waits until the last one has been handled."""

    def __init__(self, app: App[Any], deliver: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self._deliver_key = deliver
        """What Textual does with a key from the terminal (priority bindings, else to the focus)."""
        self.held: deque[events.Key] = deque()
        self.busy = False
        self._serial = 0
        self._stall: Timer | None = None
        self._after_work = False
        self._batching = False
        self._stall_checks = 0
        self._rounds = 0
        self._target: Widget | Screen[object] | None = None
        self._via: Widget | Screen[object] | None = None
        self._screen: Screen[object] | None = None
        self._seen: tuple[object, ...] = ()

    async def key(self, event: events.Key) -> None:
        """A key from the terminal: deliver it now, or hold it behind the one in flight."""
        if self.busy:
            self.held.append(event)
            if not self._batching:
                # Keys are queuing up (a burst): draw once they have all landed, not per key.
                self._batching = True
                self.app._begin_batch()
            return
        await self._deliver(event)

    async def _deliver(self, event: events.Key) -> None:
        app = self.app
        self.busy = True
        self._serial += 1
        self._rounds = 0
        self._stall_checks = 0
        self._screen = app.screen
        self._target = app.focused or app.screen
        self._seen = self._signature()
        await self._deliver_key(event)
        if event.is_forwarded:
            self._round(self._target)
        else:  # a priority binding took it: the app already acted
            self._round(app.screen)

    def _signature(self) -> tuple[object, ...]:
        """What a key can change that decides where the next key goes."""
        app = self.app
        busy = sum(1 for w in app.workers if w.group in SCREEN_WORK and not w.is_finished)
        return (id(app.screen), id(app.focused), len(app.screen_stack), busy)

    def _round(self, node: Widget | Screen[object]) -> None:
        """Send a marker through ``node``: it comes back once what is queued there is handled
        (the key, and then whatever handling the key posted: a selection, a dismissal …)."""
        self._rounds += 1
        if not node.is_attached:
            node = self.app.screen
        self._via = node
        node.post_message(KeyHandled(self._serial))
        if self._stall is not None:
            self._stall.stop()
        self._stall = self.app.set_timer(STALL_SECONDS, self._stalled)

    def marker(self, message: KeyHandled) -> None:
        """A marker came back: one more round while things are still moving, then settle."""
        if message.serial != self._serial or not self.busy or not self.app.screen_stack:
            return
        if self._stall is not None:
            self._stall.stop()
            self._stall = None
        now = self._signature()
        if self._rounds < 2 or (now != self._seen and self._rounds < MAX_ROUNDS):
            # Round 2 follows what handling the key posted to the widget; a change of screen or
            # focus is followed through the screen that now shows.
            self._seen = now
            target = self._target if self._rounds < 2 and self._target is not None else self.app.screen
            self._round(target)
            return
        self.app.call_later(self._settle)

    def _stalled(self) -> None:
        """No marker for a while: on a loaded machine it may still be on its way — wait on while
        the widget it went through is still there; a removed widget dropped it: read on."""
        self._stall = None
        if not self.busy:
            return
        via = self._via
        if via is not None and via.is_attached and self._stall_checks < MAX_STALL_CHECKS:
            self._stall_checks += 1
            self._stall = self.app.set_timer(STALL_SECONDS, self._stalled)
            return
        self.app.call_later(self._next)

    def _settle(self, tries: int = SETTLE_TRIES, work_tries: int = WORK_TRIES) -> None:
        """Wait — briefly — for work that will open a screen or reset the form, and for a screen
        just shown to take the focus; then read the next key."""
        app = self.app
        if not app.is_running or not app.screen_stack:  # the app is closing
            self.busy = False
            return
        screen = app.screen
        if work_tries > 0 and any(w.group in SCREEN_WORK and not w.is_finished for w in app.workers):
            self._after_work = True
            app.set_timer(0.01, lambda: self._settle(tries, work_tries - 1))
            return
        if self._after_work:
            # The work is done; what it posted to the screen (a saved case, a fresh form) is
            # handled before a marker posted now comes back.
            self._after_work = False
            self._rounds = MAX_ROUNDS - 1
            self._seen = self._signature()
            self._round(screen)
            return
        shown = screen is not self._screen  # the key (or its work) brought up another screen
        if tries > 0 and shown and (not screen.is_mounted or (screen.focused is None and screen.focus_chain)):
            app.set_timer(0.01, lambda: self._settle(tries - 1, work_tries))
            return
        app.call_later(self._next)

    async def _next(self) -> None:
        self.busy = False
        if self.held:
            await self._deliver(self.held.popleft())
        elif self._batching:
            self._batching = False
            self.app._end_batch()

    def reset(self) -> None:
        """Drop held keys (the app is signing out or locking)."""
        self.held.clear()


def keys_waiting(app: App[object]) -> bool:
    """Keys of a burst are still waiting to be read (heavy drawing can wait for them)."""
    gate = getattr(app, "key_gate", None)
    return isinstance(gate, KeyGate) and bool(gate.held)
