"""未问原因: the money is about to leave while mandatory questions were not asked.

The checklist's ``mandatory`` policy names the steps that must be asked at each level. Short
of it, 办理 closes only with the teller's reason (kept in the record next to the list of what
was not asked); Esc goes back to ask them.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from teller_guard.core.closing import MIN_NOT_ASKED_REASON
from teller_guard.core.schema import ItemDef


class NotAskedModal(ModalScreen[str | None]):
    """Dismisses with the reason, or ``None`` (go back and ask)."""

    BINDINGS = [Binding("escape", "back", "返回补问", id="not-asked-back")]

    def __init__(self, missing: list[ItemDef]) -> None:
        super().__init__()
        self.missing = missing

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="not-asked-box"):
            yield Label("必问项尚未询问，不能直接办理", classes="title")
            for item in self.missing:
                yield Label(f"· {item.step}：{item.prompt}", classes="hint")
            yield Label("Esc 返回补问；或写明未问的原因（记入台账），Enter 继续办结", classes="hint")
            yield Input(id="not-asked-reason", placeholder="未问原因，例如：客户听障，已书面确认")
            yield Label("", id="not-asked-error")

    def on_mount(self) -> None:
        self.query_one("#not-asked-reason", Input).focus()

    @on(Input.Submitted, "#not-asked-reason")
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if len(reason) < MIN_NOT_ASKED_REASON:
            self.query_one("#not-asked-error", Label).update(f"原因至少 {MIN_NOT_ASKED_REASON} 个字")
            return
        self.dismiss(reason)

    def action_back(self) -> None:
        self.dismiss(None)
