"""Ask for a reason in one line (at least a few characters); dismisses with it or ``None``."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from teller_guard.ui.context import AppModal


class ReasonModal(AppModal[str | None]):
    """A title, what the reason is for, one field; Enter records it, Esc goes back."""

    BINDINGS = [Binding("escape", "cancel", "返回", id="reason-cancel", tooltip="不记录，返回")]

    def __init__(self, title: str, explain: str, *, placeholder: str = "理由", min_chars: int = 4) -> None:
        super().__init__()
        self.title_text = title
        self.explain = explain
        self.placeholder = placeholder
        self.min_chars = min_chars

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(self.title_text, classes="title")
            yield Label(self.explain, classes="hint")
            yield Input(id="reason-input", placeholder=self.placeholder, max_length=200)
            yield Label("", id="reason-error", classes="hint")
            yield Label("Enter 记录 · Esc 返回", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#reason-input", Input).focus()

    @on(Input.Submitted, "#reason-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if len(text) < self.min_chars:
            self.query_one("#reason-error", Label).update(f"✗ 请写明理由（至少 {self.min_chars} 个字）")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
