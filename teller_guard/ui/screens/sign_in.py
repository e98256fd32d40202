"""登录: 工号 and 密码, nothing else — the role comes from the account.

At a busy counter the teller types ``工号 Tab 密码 Enter`` in one go: two standard inputs in
tab order (Enter in the id field moves on too), whose Tab and Enter move the focus before the
next key is read (:mod:`~teller_guard.ui.widgets.sync_focus`, so a burst never puts the PIN
into the 工号 field), the check runs in a thread worker (argon2id takes a tenth of a second),
and the PIN field is emptied the moment Enter is pressed. A PIN an
admin set must be replaced before the first shift (:class:`ChangePinModal`).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label

from teller_guard.core.accounts import StaffAccount
from teller_guard.identity import AccessRefused
from teller_guard.identity.pins import Pin
from teller_guard.ui.context import AppModal, AppScreen
from teller_guard.ui.widgets.quiet_footer import QuietFooter
from teller_guard.ui.widgets.sync_focus import SYNC_FOCUS_BINDINGS, SyncFocus

PIN_LENGTH = 128
"""The longest PIN the field takes (a passphrase)."""


def pin_input(id: str, placeholder: str = "密码") -> Input:
    """A PIN field: shown as dots, never restored, never in a draft."""
    return Input(placeholder=placeholder, id=id, password=True, max_length=PIN_LENGTH)


def take(field: Input) -> Pin:
    """The field's value as a :data:`~teller_guard.identity.pins.Pin`, and the field emptied (a
    PIN stays in a widget no longer than needed, and never shows in a traceback)."""
    value = Pin(field.value)
    field.value = ""
    return value


class SignInScreen(SyncFocus, AppScreen[StaffAccount]):
    """Ask for 工号 and 密码; dismisses with the authenticated :class:`StaffAccount`."""

    BINDING_GROUP_TITLE = "登录"
    BINDINGS = [Binding("ctrl+q", "app.quit", "退出", id="quit"), *SYNC_FOCUS_BINDINGS]
    ENTER_MOVES = {"staff-id": "pin"}

    @dataclass
    class Checked(Message):
        """The worker checked the PIN: ``account`` when it is right, else ``refused``."""

        account: StaffAccount | None
        refused: AccessRefused | None
        staff_id: str

    def __init__(self, notice: str = "") -> None:
        super().__init__()
        self.notice = notice
        """A line to show first (e.g. why the last session ended)."""
        self.busy = False
        """A PIN is being checked (Enter again does nothing)."""
        self._pin = Pin("")

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-box"):
            yield Label("teller_guard 反诈风险提示 — 员工登录", classes="title")
            yield Label("工号", classes="hint")
            yield Input(placeholder="工号", id="staff-id", max_length=32, restrict=r"[A-Za-z0-9_-]*")
            yield Label("密码", classes="hint")
            yield pin_input("pin")
            yield Label(self.notice, id="sign-in-error", classes="hint")
            yield Button("登录 (Enter)", id="sign-in-ok", variant="primary")
            yield Label("工号 Tab 密码 Enter · 忘记密码或被锁定请找管理员", classes="hint")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#staff-id", Input).focus()

    def _error(self, text: str) -> None:
        self.query_one("#sign-in-error", Label).update(text)

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#sign-in-ok")
    def submit(self) -> None:
        """Check 工号 and 密码 (in a worker)."""
        if self.busy:
            return
        staff_id = self.query_one("#staff-id", Input).value.strip()
        pin = take(self.query_one("#pin", Input))
        if not staff_id:
            self._error("请输入工号")
            self.query_one("#staff-id", Input).focus()
            return
        if not pin.get_secret_value():
            self._error("请输入密码")
            self.query_one("#pin", Input).focus()
            return
        self.busy = True
        self._error("正在核对…")
        self._check(staff_id, pin)

    @work(thread=True, exclusive=True, group="sign-in", description="核对工号和密码")
    def _check(self, staff_id: str, pin: Pin) -> None:
        try:
            account = self.ctx.gate.sign_in(staff_id, pin)
        except AccessRefused as exc:
            # A PIN an admin set: kept only until the new one is chosen (it proves who asks).
            self._pin = pin if exc.code == "must_change" else Pin("")
            self.post_message(self.Checked(None, exc, staff_id))
            return
        self.post_message(self.Checked(account, None, staff_id))

    @on(Checked)
    def _checked(self, event: Checked) -> None:
        self.busy = False
        if event.account is not None:
            self.dismiss(event.account)
            return
        assert event.refused is not None
        if event.refused.code == "must_change":
            self._error("")
            old, self._pin = self._pin, Pin("")
            self.app.push_screen(ChangePinModal(event.staff_id, old), self._changed)
            return
        self._error(event.refused.refusal.zh)
        self.query_one("#pin", Input).focus()

    def _changed(self, account: StaffAccount | None) -> None:
        if account is None:
            self._error("未修改密码，未登录")
            self.query_one("#pin", Input).focus()
            return
        self.dismiss(account)


class ChangePinModal(SyncFocus, AppModal[StaffAccount | None]):
    """First use after an admin set the PIN: choose one's own (twice), then sign in with it."""

    BINDING_GROUP_TITLE = "修改密码"
    BINDINGS = [
        Binding("escape", "cancel", "取消", id="change-pin-cancel", tooltip="不修改，回到登录"),
        *SYNC_FOCUS_BINDINGS,
    ]
    ENTER_MOVES = {"new-pin": "new-pin-again"}

    @dataclass
    class Changed(Message):
        """The worker replaced the PIN and signed in (``account``), or was refused."""

        account: StaffAccount | None
        refused: AccessRefused | None

    def __init__(self, staff_id: str, old_pin: Pin) -> None:
        super().__init__()
        self.staff_id = staff_id
        self._old = old_pin

    def compose(self) -> ComposeResult:
        with Vertical(id="change-pin-box"):
            yield Label(f"工号 {self.staff_id}：首次使用，请设置自己的新密码", classes="title")
            yield Label("至少 6 位数字（不能是同一数字或连续数字），或至少 10 个字符的口令", classes="hint")
            yield pin_input("new-pin", "新密码")
            yield pin_input("new-pin-again", "再输一次新密码")
            yield Label("", id="change-pin-error", classes="hint")
            yield Label("Enter 确认 · Esc 取消", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#new-pin", Input).focus()

    @on(Input.Submitted, "#new-pin-again")
    def submit(self) -> None:
        new = take(self.query_one("#new-pin", Input))
        again = take(self.query_one("#new-pin-again", Input))
        self.query_one("#change-pin-error", Label).update("正在保存…")
        self._change(new, again)

    @work(thread=True, exclusive=True, group="change-pin", description="修改密码")
    def _change(self, new: Pin, again: Pin) -> None:
        gate = self.ctx.gate
        try:
            gate.change_pin(self.staff_id, self._old, new, again)
            account = gate.sign_in(self.staff_id, new)
        except AccessRefused as exc:
            self.post_message(self.Changed(None, exc))
            return
        self._old = Pin("")
        self.post_message(self.Changed(account, None))

    @on(Changed)
    def _done(self, event: Changed) -> None:
        if event.account is not None:
            self.dismiss(event.account)
            return
        assert event.refused is not None
        self.query_one("#change-pin-error", Label).update(event.refused.refusal.zh)
        self.query_one("#new-pin", Input).focus()

    def action_cancel(self) -> None:
        self._old = Pin("")
        self.dismiss(None)
