"""锁屏: after the policy's idle minutes (or Ctrl+L) the whole screen is covered; the same member
of staff re-enters their PIN to go on exactly where they were (the case and its draft are kept).
Someone else at the counter signs the first one out with F9 (the draft is kept for them).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label

from teller_guard.core.records import Staff
from teller_guard.core.vocabulary import ROLE_LABELS
from teller_guard.identity import AccessRefused
from teller_guard.identity.pins import Pin
from teller_guard.ui.context import AppScreen
from teller_guard.ui.screens.sign_in import pin_input, take
from teller_guard.ui.widgets.quiet_footer import QuietFooter


class LockScreen(AppScreen[bool]):
    """Covers everything until ``staff`` re-enters the PIN; dismisses with True."""

    BINDING_GROUP_TITLE = "锁屏"
    BINDINGS = [Binding("ctrl+q", "app.quit", "退出", id="quit")]

    @dataclass
    class Checked(Message):
        """The worker checked the PIN (``refused`` is None when it was right)."""

        refused: AccessRefused | None

    def __init__(self, staff: Staff, *, idle_minutes: int | None = None) -> None:
        super().__init__()
        self.staff = staff
        """Who locked (only they can unlock)."""
        self.idle_minutes = idle_minutes
        """Why: idle for this many minutes (``None``: locked by the key)."""
        self.busy = False

    def compose(self) -> ComposeResult:
        who = f"{self.staff.name}（{ROLE_LABELS.get(self.staff.role, self.staff.role)} {self.staff.staff_id}）"
        why = f"{self.idle_minutes} 分钟无操作，已自动锁屏" if self.idle_minutes else "已锁屏"
        with Vertical(id="lock-box"):
            yield Label(f"{why}：{who}", classes="title", id="lock-title")
            yield Label("正在办理的业务已保留。请本人输入密码继续；换人请按 F9 签退。", classes="hint")
            yield pin_input("lock-pin")
            yield Label("", id="lock-error", classes="hint")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#lock-pin", Input).focus()

    @on(Input.Submitted, "#lock-pin")
    def submit(self) -> None:
        pin = take(self.query_one("#lock-pin", Input))
        if self.busy or not pin.get_secret_value():
            return
        self.busy = True
        self.query_one("#lock-error", Label).update("正在核对…")
        self._check(pin)

    @work(thread=True, exclusive=True, group="unlock", description="核对密码")
    def _check(self, pin: Pin) -> None:
        try:
            self.ctx.gate.unlock_screen(self.staff, pin)
        except AccessRefused as exc:
            self.post_message(self.Checked(exc))
            return
        self.post_message(self.Checked(None))

    @on(Checked)
    def _checked(self, event: Checked) -> None:
        self.busy = False
        if event.refused is None:
            self.dismiss(True)
            return
        text = event.refused.refusal.zh
        if event.refused.code in ("locked", "locked_out", "disabled"):
            text += "。请按 F9 签退换人"
        self.query_one("#lock-error", Label).update(text)
