"""The customer's acknowledgement of the bespoke 《防范电信诈骗告知书》.

The screen shows what the notice says about this case (level, signals, fraud type), writes
the notice PDF to ``<data dir>/notices/<serial>.pdf`` in a thread worker as soon as it opens,
and records one of four outcomes:

* **纸质已签字** — the customer signed the printed copy; the teller confirms by entering the
  serial printed on it (in full or its last four characters);
* **屏幕签名** — the customer types their name; only the masked name is kept, with the
  teller who witnessed it;
* **客户拒绝签字** — recorded, never skipped: a refusal is itself a risk fact, and at high or
  critical risk the case can then only proceed with a supervisor's review
  (:func:`teller_guard.core.closing.closing_problems`);
* **主管放行** — a supervisor (another member of staff) lets the case close without a
  signature, with a reason, after typing their own 工号 and 密码 on the spot (the one
  approval component, :class:`~teller_guard.ui.widgets.approval.SupervisorApproval`).

Contract used by the counter flow (keep it stable)::

    AcknowledgeScreen(record=..., assessment=..., serial=..., witness=...,
                      notice_version=rules.notice.version,
                      notice_text_hash=notice_text_hash(rules), clock=...)

is a ``ModalScreen[AcknowledgementRecord | None]``; it dismisses with the acknowledgement, or
``None`` when the teller goes back without recording one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from teller_guard.core.clock import Clock
from teller_guard.core.models import Assessment
from teller_guard.core.records import (
    AcknowledgementRecord,
    InterventionRecord,
    Staff,
    mask_name,
)
from teller_guard.core.rules import RuleSet
from teller_guard.reports.notice import (
    NoticeFont,
    NoticeFontError,
    build_notice,
    write_notice_pdf,
)
from teller_guard.ui.context import AppModal
from teller_guard.ui.notice_output import print_file
from teller_guard.ui.widgets.approval import SupervisorApproval
from teller_guard.ui.widgets.quiet_footer import QuietFooter


def serial_matches(serial: str, entered: str) -> bool:
    """The teller's entry confirms the printed serial: all of it, or at least its last four characters."""
    entered = entered.strip().upper()
    return bool(entered) and (entered == serial.upper() or (len(entered) >= 4 and serial.upper().endswith(entered)))


class AcknowledgeScreen(AppModal[AcknowledgementRecord | None]):
    """Record how the customer acknowledged the notice (or that they refused)."""

    BINDING_GROUP_TITLE = "告知书签署"
    BINDINGS = [
        Binding(
            "f2",
            "paper",
            "纸质已签",
            tooltip="客户已在打印的告知书上签字：先在左侧输入告知书上的编号（完整或后 4 位）",
            id="ack-paper",
        ),
        Binding(
            "f3",
            "screen_sign",
            "屏幕签名",
            tooltip="客户本人在左侧输入姓名作为签名；只保存脱敏姓名和见证柜员",
            id="ack-screen",
        ),
        Binding(
            "f4",
            "refused",
            "拒绝签字",
            tooltip="客户拒绝签字：如实记录（这本身是风险信号）；高/极高风险须主管复核后方可办理",
            id="ack-refused",
        ),
        Binding(
            "f5",
            "override",
            "主管放行",
            tooltip="不签字放行：须另一名主管本人输入工号、密码和理由",
            id="ack-override",
        ),
        Binding(
            "ctrl+s",
            "save_notice",
            "重新生成告知书",
            tooltip="重新生成本案告知书 PDF（保存在数据目录 notices/ 下，可打印）",
            id="ack-save-notice",
        ),
        Binding(
            "ctrl+p",
            "print_notice",
            "打印告知书",
            tooltip="把本案告知书送到网点打印机（打印机在规则目录 branch.toml 中设置）",
            id="ack-print",
        ),
        Binding("escape", "cancel", "返回", tooltip="不记录签署情况，返回上一步", id="ack-cancel"),
    ]

    class NoticeSaved(Message):
        """The notice PDF was written."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    class NoticeFailed(Message):
        """The notice PDF could not be written (the reason is in Chinese-free system words)."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        *,
        record: InterventionRecord,
        assessment: Assessment,
        serial: str,
        witness: Staff,
        notice_version: str,
        notice_text_hash: str,
        clock: Clock,
        rules: RuleSet | None = None,
        notices_dir: Path | None = None,
        tz: ZoneInfo | None = None,
        font: NoticeFont | None = None,
    ) -> None:
        """Args beyond the contract are optional: by default they come from the running
        :class:`~teller_guard.ui.app.TellerGuardApp` (its rules and settings)."""
        super().__init__()
        self.record = record
        """The case as assessed (provisional: no decision yet)."""
        self.assessment = assessment
        self.serial = serial
        """The notice serial printed on the PDF and recorded with the acknowledgement."""
        self.witness = witness
        """The teller who witnesses the signature (or the refusal)."""
        self.notice_version = notice_version
        self.notice_text_hash = notice_text_hash
        self.clock = clock
        self.issued_at = clock()
        """When the notice was issued (printed on it, and the PDF's creation date)."""
        self._rules = rules
        self._notices_dir = notices_dir
        self._tz = tz
        self._font = font
        self.notice_path: Path | None = None
        """Where the notice PDF was written, once the worker has finished."""

    # ------------------------------------------------------------ app-provided defaults
    @property
    def rules(self) -> RuleSet:
        return self._rules or self.ctx.rules

    @property
    def zone(self) -> ZoneInfo:
        return self._tz or self.ctx.settings.zone

    @property
    def notices_dir(self) -> Path:
        return self._notices_dir or Path(self.ctx.settings.data_dir) / "notices"

    # ------------------------------------------------------------ layout
    def _summary(self) -> Text:
        a = self.assessment
        text = Text()
        text.append(f"风险等级：{a.level_label}（{a.score} 分）", style="bold")
        text.append(f"    告知书版本 {self.notice_version}\n")
        if a.signals:
            text.append("本案提示：", style="bold")
            text.append("、".join(s.label for s in a.signals) + "\n")
        else:
            text.append("本案未发现风险信号（告知书仍须客户阅读）\n", style="dim")
        if a.typologies:
            text.append("疑似诈骗：", style="bold red")
            text.append("、".join(t.label for t in a.typologies) + "\n", style="bold red")
            text.append(a.typologies[0].description, style="red")
        return text

    def compose(self) -> ComposeResult:
        high = self.assessment.level in ("high", "critical")
        with VerticalScroll(id="ack-box"):
            yield Label(f"《防范电信诈骗告知书》  编号 {self.serial}", classes="title", id="ack-title")
            summary = Static(self._summary(), id="ack-summary")
            summary.set_class(high, "-alarm")
            yield summary
            yield Label("正在生成告知书 PDF…", id="ack-file", classes="hint")
            yield Label("请客户阅读告知书，然后记录签署情况：", classes="hint")
            with Horizontal(classes="ack-row"):
                yield Input(
                    placeholder="核对纸质告知书上的编号（完整或后 4 位）",
                    id="ack-serial-input",
                    max_length=40,
                    tooltip="输入客户签字的那份告知书上印的编号，确认签的是本案的告知书",
                )
                yield Button("纸质已签字 F2", id="ack-paper", variant="primary", tooltip="客户已在纸质告知书上签字")
            with Horizontal(classes="ack-row"):
                yield Input(
                    placeholder="客户本人输入姓名（屏幕签名）",
                    id="ack-signer",
                    max_length=40,
                    tooltip="只保存脱敏姓名（如 张**）和见证柜员工号",
                )
                yield Button("屏幕签名 F3", id="ack-screen", tooltip="客户在屏幕上输入姓名作为签名")
            with Horizontal(classes="ack-row"):
                yield Input(
                    placeholder="拒签时客户怎么说（可不填）",
                    id="ack-refuse-reason",
                    max_length=200,
                    tooltip="如实记录客户拒签的原因",
                )
                yield Button(
                    "客户拒绝签字 F4",
                    id="ack-refused",
                    variant="warning",
                    tooltip="记录客户拒绝签字；这本身是风险信号，不会被跳过",
                )
            if high:
                yield Label(
                    f"{self.assessment.level_label}风险：客户拒签后，办理须主管复核并说明理由。",
                    id="ack-refuse-note",
                    classes="hint",
                )
            with Vertical(id="ack-override-box"):
                yield SupervisorApproval(
                    what="override",
                    subject=self.record.uid,
                    reason_label="放行理由",
                    reason_hint="为什么不签字也可以办理",
                    id="ack-approval",
                )
                yield Button(
                    "主管放行 F5", id="ack-override", variant="error", tooltip="主管本人输入工号和密码后不签字放行"
                )
            yield Label("", id="ack-error")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.action_save_notice()
        # Keys go to the first field at once (before, the focus sat on the scrolling box and
        # the teller had to Tab before anything typed landed anywhere).
        self.query_one("#ack-serial-input", Input).focus()

    # ------------------------------------------------------------ the notice PDF
    def action_save_notice(self) -> None:
        """(Re)write the notice PDF; the app's rules and settings are read here, on the UI thread."""
        self.query_one("#ack-file", Label).update("正在生成告知书 PDF…")
        self._save_notice(self.rules, self.zone, self.notices_dir / f"{self.serial}.pdf")

    @work(thread=True, exclusive=True, group="notice", description="生成告知书 PDF")
    def _save_notice(self, rules: RuleSet, zone: ZoneInfo, path: Path) -> None:
        """Write the notice off the UI thread; report back by message."""
        try:
            doc = build_notice(rules, self.record, serial=self.serial, issued_at=self.issued_at, tz=zone)
            path = write_notice_pdf(doc, path, font=self._font, created=self.issued_at)
        except (OSError, NoticeFontError, ValueError) as exc:
            self.post_message(self.NoticeFailed(str(exc)))
            return
        self.post_message(self.NoticeSaved(path))

    @on(NoticeSaved)
    def _notice_saved(self, event: NoticeSaved) -> None:
        first = self.notice_path is None
        self.notice_path = event.path
        self.query_one("#ack-file", Label).update(f"告知书已生成（Ctrl+P 打印，交客户阅读签字）：{event.path}")
        if first and self.rules.branch.printer:
            self.action_print_notice()

    def action_print_notice(self) -> None:
        """Ctrl+P: send the notice to the branch printer (it prints once by itself when a printer is set)."""
        if self.notice_path is None:
            self.notify("告知书尚未生成，请稍候", severity="warning")
            return
        print_file(self, self.notice_path, self.serial)

    @on(NoticeFailed)
    def _notice_failed(self, event: NoticeFailed) -> None:
        self.query_one("#ack-file", Label).update(f"告知书生成失败：{event.error}（可按 Ctrl+S 重试）")

    # ------------------------------------------------------------ recording
    def _error(self, message: str, focus: str | None = None) -> None:
        self.query_one("#ack-error", Label).update(message)
        if focus:
            self.query_one(focus, Input).focus()

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _done(self, method: str, **fields: Any) -> None:
        self.dismiss(
            AcknowledgementRecord(
                method=method,  # type: ignore[arg-type]  # the screen's own buttons; the record validates it again
                notice_serial=self.serial,
                notice_version=self.notice_version,
                notice_text_hash=self.notice_text_hash,
                witness_staff_id=self.witness.staff_id,
                at=self.clock(),
                **fields,
            )
        )

    @on(Button.Pressed, "#ack-paper")
    @on(Input.Submitted, "#ack-serial-input")
    def action_paper(self) -> None:
        """Signed on paper: the teller confirms the serial printed on the signed copy."""
        entered = self._value("#ack-serial-input")
        if any("\u4e00" <= ch <= "\u9fff" for ch in entered):
            # A name typed into the serial field: the customer meant to sign on screen.
            self._error("这一栏只填纸质告知书上的编号；屏幕签名请在下一栏输入客户姓名（F3）", "#ack-signer")
            return
        if not serial_matches(self.serial, entered):
            self._error(
                f"编号不符：请核对客户签字的告知书编号（本案为 {self.serial}，输入完整编号或后 4 位）",
                "#ack-serial-input",
            )
            return
        self._done("paper")

    @on(Button.Pressed, "#ack-screen")
    @on(Input.Submitted, "#ack-signer")
    def action_screen_sign(self) -> None:
        """Signed on screen: keep only the masked name, and who witnessed it."""
        name = self._value("#ack-signer")
        if not name or any(ch.isdigit() for ch in name):
            self._error("请客户本人输入姓名作为签名", "#ack-signer")
            return
        masked = mask_name(name)
        expected = self.record.customer_name_masked
        if expected and masked != expected:
            self._error(f"签名与本案客户姓名不符（登记为 {expected}），请客户本人签名", "#ack-signer")
            return
        # The full name never leaves this method: the widget is cleared before dismissing.
        self.query_one("#ack-signer", Input).value = ""
        self._done("screen", signer_masked=masked)

    @on(Button.Pressed, "#ack-refused")
    def action_refused(self) -> None:
        """The customer refused to sign: recorded, with what they said (a supervisor's review, where
        the level needs one, is the decision's approval)."""
        self._done("refused", reason=self._value("#ack-refuse-reason") or None)

    @on(Input.Submitted, "#approval-id")
    def _approval_id_entered(self) -> None:
        self.query_one("#approval-pin", Input).focus()

    @on(Input.Submitted, "#approval-pin")
    def _approval_pin_entered(self) -> None:
        if not self._value("#approval-reason"):
            self.query_one("#approval-reason", Input).focus()
            return
        self.action_override()

    @on(Button.Pressed, "#ack-override")
    @on(Input.Submitted, "#approval-reason")
    def action_override(self) -> None:
        """Close without a signature: a supervisor other than the teller authenticates and says why."""
        self._error("")
        self.query_one("#ack-approval", SupervisorApproval).request()

    @on(SupervisorApproval.Approved)
    def _approved(self, event: SupervisorApproval.Approved) -> None:
        a = event.approval
        self._done(
            "override",
            supervisor_id=a.supervisor.staff_id,
            reason=a.reason,
            supervisor_at=a.at,
            supervisor_auth=a.auth,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
