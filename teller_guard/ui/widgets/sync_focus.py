"""Tab, Shift+Tab and Enter that move the focus *before* the next key is read.

Textual moves the focus on Tab only after the keys that came with it in the same read have
already been handed to the old field, so ``工号 Tab 密码`` typed as one burst would put the PIN
— in clear — into the 工号 field. Where a PIN follows an id, these priority bindings move the
focus synchronously (``Screen.focus_next`` / ``set_focus``) while the key is being handled.
"""

from __future__ import annotations

from typing import ClassVar

from textual.actions import SkipAction
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widget import Widget

SYNC_FOCUS_BINDINGS: list[Binding] = [
    Binding("tab", "sync_next", "下一项", show=False, priority=True, id="sync-next"),
    Binding("shift+tab", "sync_previous", "上一项", show=False, priority=True, id="sync-previous"),
    Binding("enter", "sync_enter", "确认", show=False, priority=True, id="sync-enter"),
]
"""Add to ``BINDINGS`` of a screen or container using :class:`SyncFocus`."""


class SyncFocus(DOMNode):
    """Mixin for a screen or container whose fields must receive a burst of keys in order."""

    ENTER_MOVES: ClassVar[dict[str, str]] = {}
    """Field id → the field id Enter moves to (Enter anywhere else does what it always does)."""

    def action_sync_next(self) -> None:
        self.screen.focus_next()

    def action_sync_previous(self) -> None:
        self.screen.focus_previous()

    def action_sync_enter(self) -> None:
        focused = self.screen.focused
        target = self.ENTER_MOVES.get(focused.id or "") if focused is not None else None
        if target is None:
            raise SkipAction()
        self.screen.set_focus(self.screen.query_one(f"#{target}", Widget))
