"""Staff identification, once per shift: staff id, name and role.

Full login with passwords and roles comes later; the identity lives in one place
(:attr:`TellerGuardApp.staff`) that a real login can replace.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select

from teller_guard.core.records import Staff
from teller_guard.core.vocabulary import ROLE_LABELS

ROLES = [(ROLE_LABELS[r], r) for r in ("teller", "lobby", "guard", "supervisor", "security")]


class LoginScreen(Screen[Staff]):
    """Ask who is working this shift; dismisses with the :class:`Staff`."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "退出", id="quit")]

    def __init__(self, default_role: str = "teller") -> None:
        super().__init__()
        self.default_role = default_role

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Label("teller_guard 反诈风险提示 — 上岗登记", classes="title")
            yield Label("工号", classes="hint")
            yield Input(placeholder="例如 T001", id="staff-id", max_length=32)
            yield Label("姓名", classes="hint")
            yield Input(placeholder="姓名", id="staff-name", max_length=40)
            yield Label("岗位", classes="hint")
            yield Select(ROLES, value=self.default_role, allow_blank=False, id="staff-role")
            yield Label("", id="login-error", classes="hint")
            yield Button("开始工作 (Enter)", id="login-ok", variant="primary")
        yield Footer()

    @on(Input.Submitted)
    @on(Button.Pressed, "#login-ok")
    def submit(self) -> None:
        staff_id = self.query_one("#staff-id", Input).value.strip()
        name = self.query_one("#staff-name", Input).value.strip()
        role = self.query_one("#staff-role", Select).value
        error = self.query_one("#login-error", Label)
        if not staff_id or not all(ch.isalnum() or ch in "-_" for ch in staff_id):
            error.update("请输入工号（字母、数字）")
            self.query_one("#staff-id", Input).focus()
            return
        if not name:
            error.update("请输入姓名")
            self.query_one("#staff-name", Input).focus()
            return
        self.dismiss(Staff(staff_id=staff_id, name=name, role=role))  # type: ignore[arg-type]
