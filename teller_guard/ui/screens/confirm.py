"""A yes/no question as a modal (dismisses with ``True`` or ``False``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label


class ConfirmModal(ModalScreen[bool]):
    """Ask one question; ``y``/Enter answers yes, ``n``/Esc answers no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "是", id="confirm-yes", tooltip="确认"),
        Binding("n,escape", "answer(False)", "否", id="confirm-no", tooltip="取消，保持原样"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        """The question, in Chinese."""
        self.detail = detail
        """One more line of explanation (optional)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(self.question, classes="title")
            if self.detail:
                yield Label(self.detail, classes="hint")
            yield Label("Y/Enter 是 · N/Esc 否", classes="hint")

    def action_answer(self, yes: bool) -> None:
        """Dismiss with the answer."""
        self.dismiss(yes)
