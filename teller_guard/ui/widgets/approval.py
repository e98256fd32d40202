"""主管当场授权: the one supervisor-approval component every approval uses.

A supervisor walks over to the teller's screen and types their own 工号 and 密码 (shown as dots,
emptied as soon as Enter is pressed) and the reason. The check runs in a thread worker through
the :class:`~teller_guard.identity.Gate`: an active account whose role may approve
(:mod:`teller_guard.core.permissions`), never the signed-in teller, a wrong PIN counting toward
that supervisor's lock-out, an audit event either way. The teller stays signed in throughout;
the supervisor's PIN opens this one approval and nothing else.

The dialog owning the widget calls :meth:`SupervisorApproval.request` and receives
:class:`SupervisorApproval.Approved` (with the :class:`~teller_guard.core.accounts.Approval`)
or :class:`SupervisorApproval.Refused` (one Chinese line, also shown in the widget).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label

from teller_guard.core.accounts import Approval
from teller_guard.core.closing import MIN_APPROVAL_REASON
from teller_guard.identity import AccessRefused
from teller_guard.identity.pins import Pin
from teller_guard.ui.context import app_context
from teller_guard.ui.screens.sign_in import take
from teller_guard.ui.widgets.sync_focus import SYNC_FOCUS_BINDINGS, SyncFocus


class SupervisorApproval(SyncFocus, Vertical):
    """主管工号 + 主管密码 + 理由, checked on the spot (Tab and Enter move the focus before the
    next key is read, so a supervisor's burst never leaves the PIN in the 工号 field)."""

    BINDINGS = [*SYNC_FOCUS_BINDINGS]
    ENTER_MOVES = {"approval-id": "approval-pin"}

    @dataclass
    class Approved(Message):
        """The supervisor authenticated and may approve."""

        approval: Approval

    @dataclass
    class Refused(Message):
        """Why not (one Chinese line)."""

        text: str

    def __init__(
        self, *, what: str, subject: str, reason_label: str = "复核理由", reason_hint: str = "", id: str | None = None
    ) -> None:
        super().__init__(id=id, classes="approval")
        self.what = what
        """Which approval this is (``decision``, ``override`` …), kept in the audit event."""
        self.subject = subject
        """The case it is for (intervention uid)."""
        self.reason_label = reason_label
        self.reason_hint = reason_hint or "主管复核后同意的理由"
        self.busy = False
        """A PIN is being checked."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label("主管工号", classes="field-label")
            yield Input(
                id="approval-id", placeholder="主管本人工号", max_length=32, restrict=r"[A-Za-z0-9_-]*", compact=True
            )
        with Horizontal(classes="field"):
            yield Label("主管密码", classes="field-label")
            yield Input(id="approval-pin", placeholder="主管本人输入", password=True, max_length=128, compact=True)
        with Horizontal(classes="field"):
            yield Label(self.reason_label, classes="field-label")
            yield Input(id="approval-reason", placeholder=self.reason_hint, max_length=200, compact=True)
        yield Label("", id="approval-error", classes="hint")

    def _field(self, name: str) -> Input:
        return self.query_one(f"#approval-{name}", Input)

    def show(self, text: str) -> None:
        self.query_one("#approval-error", Label).update(text)

    def missing(self) -> Input | None:
        """The first empty field (or a reason too short), or ``None`` when all are filled."""
        if not self._field("id").value.strip():
            return self._field("id")
        if not self._field("pin").value:
            return self._field("pin")
        if len(self._field("reason").value.strip()) < MIN_APPROVAL_REASON:
            return self._field("reason")
        return None

    def request(self) -> bool:
        """Check the approval now (in a worker); False, with the empty field focused, if a field is missing."""
        if self.busy:
            return True
        empty = self.missing()
        if empty is not None:
            words = {"approval-id": "请主管输入工号", "approval-pin": "请主管本人输入密码"}
            self.show(words.get(empty.id or "", f"请写明{self.reason_label}（至少 {MIN_APPROVAL_REASON} 个字）"))
            empty.focus()
            return False
        pin = take(self._field("pin"))
        self.busy = True
        self.show("正在核对主管身份…")
        self._check(self._field("id").value.strip(), pin, self._field("reason").value.strip())
        return True

    @work(thread=True, exclusive=True, group="approval", description="核对主管身份")
    def _check(self, supervisor_id: str, pin: Pin, reason: str) -> None:
        ctx = app_context(self)
        try:
            approval = ctx.gate.approve(
                supervisor_id, pin, requester=ctx.on_shift, reason=reason, subject=self.subject, what=self.what
            )
        except AccessRefused as exc:
            self.post_message(self._Result(None, exc.refusal.zh, exc.code))
            return
        self.post_message(self._Result(approval, "", ""))

    @dataclass
    class _Result(Message):
        approval: Approval | None
        text: str
        code: str

    @on(_Result)
    def _result(self, event: _Result) -> None:
        event.stop()
        self.busy = False
        if event.approval is not None:
            self.show(f"✓ 已由 {event.approval.supervisor.name}（{event.approval.supervisor.staff_id}）授权")
            self.post_message(self.Approved(event.approval))
            return
        self.show(f"✗ {event.text}")
        if event.code in ("own_case", "role", "disabled", "locked", "locked_out"):
            # Someone else has to approve: their 工号 goes into an empty field.
            self._field("id").value = ""
            self._field("id").focus()
        else:
            self._field("pin").focus()
        self.post_message(self.Refused(event.text))
