"""The counter's closing step: choose how the case ends, with what the decision requires.

:class:`DecisionModal` offers the decisions the branch policy allows at the case's level,
shows the supervisor, amount-protected and police fields only when the highlighted decision
needs them, and refuses to close while :func:`teller_guard.core.closing.closing_problems`
reports anything (its Chinese messages are shown as they are). A decision that needs a
supervisor closes only once the supervisor has authenticated on the spot through the
:class:`~teller_guard.ui.widgets.approval.SupervisorApproval` component. The customer's
acknowledgement is collected afterwards by the counter, so this modal checks everything except that.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList
from textual.widgets.option_list import Option

from teller_guard.core.accounts import Approval
from teller_guard.core.closing import closing_problems, decisions_allowed, needs_acknowledgement, needs_supervisor
from teller_guard.core.errors import InputError
from teller_guard.core.models import Assessment
from teller_guard.core.money import fen_to_yuan, format_yuan, parse_yuan, yuan_to_fen
from teller_guard.core.records import AcknowledgementRecord, DecisionRecord, Staff
from teller_guard.core.rules import RuleSet
from teller_guard.core.schema import DecisionDef
from teller_guard.ui.widgets.approval import SupervisorApproval

RECOMMENDED = {"low": "proceed", "medium": "proceed_warned", "high": "defer", "critical": "police"}
"""The decision highlighted first at each level (the teller can pick any allowed one)."""


def _placeholder_ack(staff_id: str, at: datetime) -> AcknowledgementRecord:
    """A stand-in acknowledgement so the check here skips the step that comes after it."""
    return AcknowledgementRecord(
        method="paper",
        notice_serial="-",
        notice_version="-",
        notice_text_hash="-",
        witness_staff_id=staff_id,
        at=at,
    )


def parse_clock_time(text: str, day: datetime, zone: ZoneInfo) -> datetime | None:
    """``"10:42"`` on the local day of ``day`` → an aware UTC datetime; ``None`` if unreadable."""
    raw = text.strip().replace("：", ":")
    try:
        hh, mm = raw.split(":")
        t = time(int(hh), int(mm))
    except ValueError:
        return None
    local_day = day.astimezone(zone).date()
    return datetime.combine(local_day, t, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def read_outcome(
    d: DecisionDef, *, amount: str, police_ref: str, police_time: str, day: datetime, zone: ZoneInfo
) -> tuple[tuple[int, str | None, datetime | None], list[str]]:
    """What the avoided-loss and police fields say for decision ``d`` — (avoided loss in fen,
    police receipt number, time of the call on the local day of ``day``) — and every field that
    cannot be read. Fields ``d`` does not record are ignored. (The decision and the correction
    dialogs both read these fields.)"""
    problems: list[str] = []
    protected_fen = 0
    if d.records_amount_protected:
        try:
            protected_fen = yuan_to_fen(parse_yuan(amount.strip() or "0"))
        except InputError:
            problems.append("避免损失金额格式不对（元，最多两位小数）")
    police_at = None
    if d.records_police and police_time.strip():
        police_at = parse_clock_time(police_time, day, zone)
        if police_at is None:
            problems.append("报警时间请按 时:分 填写，例如 10:42")
    ref = (police_ref.strip() or None) if d.records_police else None
    return (protected_fen, ref, police_at), problems


class DecisionModal(ModalScreen[DecisionRecord | None]):
    """Choose the decision for the case; dismisses with a :class:`DecisionRecord` or ``None``."""

    BINDING_GROUP_TITLE = "办结"
    BINDINGS = [
        Binding("escape", "cancel", "返回业务", id="decision-cancel", tooltip="不办结，回到当前业务继续录入"),
        Binding("f2", "confirm", "确认办结", id="decision-confirm", tooltip="按所选决定办结（须满足全部条件）"),
    ]

    def __init__(
        self,
        *,
        rules: RuleSet,
        assessment: Assessment,
        amount_fen: int,
        staff: Staff,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
        case_uid: str,
        unanswered: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.rules = rules
        """The rules whose policy lists the decisions."""
        self.assessment = assessment
        """The case's assessment at the moment the teller asked to close it."""
        self.amount_fen = amount_fen
        """The transfer amount (the default for 避免损失金额)."""
        self.staff = staff
        """Who decides."""
        self.zone = zone
        """The branch time zone (police time is typed as local HH:MM)."""
        self.clock = clock
        """UTC clock."""
        self.unanswered = unanswered or []
        """Checklist prompts still unanswered, shown as a reminder (not a block)."""
        self.choices = decisions_allowed(rules, "counter", assessment)
        """Decision ids offered, in policy order."""
        self.numbers = {d.id: n for n, d in enumerate(rules.decisions_for("counter"), start=1)}
        """Each counter decision's digit: its place in the policy, the same at every level (a
        digit never changes meaning; one not offered at this level says so)."""
        self.case_uid = case_uid
        """The case being closed (what a supervisor's approval is for)."""
        self.approval: Approval | None = None
        """The supervisor's approval, once given for the highlighted decision."""

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        a = self.assessment
        with VerticalScroll(id="decision-box"):
            yield Label(
                f"办结：风险 {a.level_label}（{a.score} 分） — {a.action}", classes="title", id="decision-title"
            )
            if self.unanswered:
                yield Label("尚未询问/核对：" + "；".join(self.unanswered), classes="hint", id="decision-unanswered")
            options = [Option(f"{self.numbers[d]}  {self.rules.decisions[d].label}", id=d) for d in self.choices]
            yield OptionList(*options, id="decision-list")
            with Vertical(id="supervisor-box", classes="decision-extra"):
                yield SupervisorApproval(
                    what="decision",
                    subject=self.case_uid,
                    reason_hint="主管复核后同意办理的理由",
                    id="decision-approval",
                )
            with Vertical(id="protected-box", classes="decision-extra"):
                with Horizontal(classes="field"):
                    yield Label("避免损失(元)", classes="field-label")
                    yield Input(
                        str(fen_to_yuan(self.amount_fen)) if self.amount_fen else "",
                        id="amount-protected",
                        restrict=r"[0-9.,]*",
                        compact=True,
                    )
                yield Label("", id="protected-warning", classes="hint")
            with Vertical(id="police-box", classes="decision-extra"):
                with Horizontal(classes="field"):
                    yield Label("接警编号", classes="field-label")
                    yield Input(id="police-ref", placeholder="110 接警编号 / 报警回执号", compact=True)
                yield Checkbox(
                    "回执号稍后补录",
                    id="police-ref-later",
                    compact=True,
                    tooltip="办结后在记录详情中补录；补录前列入待补清单",
                )
                with Horizontal(classes="field"):
                    yield Label("报警时间", classes="field-label")
                    yield Input(
                        self.clock().astimezone(self.zone).strftime("%H:%M"),
                        id="police-time",
                        placeholder="时:分",
                        max_length=5,
                        compact=True,
                    )
            with Horizontal(classes="field"):
                yield Label("备注", classes="field-label")
                yield Input(id="decision-note", placeholder="可选", compact=True)
            yield Label("", id="decision-problems")
            yield Label("↑↓ 或数字键选择 · Enter 确认 · F2 确认办结 · Esc 返回业务", classes="hint")

    def on_key(self, event: events.Key) -> None:
        """The list is numbered: a digit on the list highlights that decision (Enter confirms)."""
        options = self.query_one("#decision-list", OptionList)
        char = event.character or ""
        if self.focused is not options or not char.isdigit():
            return
        wanted = next((d for d, n in self.numbers.items() if n == int(char)), None)
        if wanted is None:
            return
        event.stop()
        if wanted in self.choices:
            options.highlighted = self.choices.index(wanted)
        else:
            label = self.rules.decisions[wanted].label
            self.query_one("#decision-problems", Label).update(
                f"✗ {self.assessment.level_label}风险不能选择“{label}”（{char}）"
            )

    def on_mount(self) -> None:
        options = self.query_one("#decision-list", OptionList)
        first = RECOMMENDED.get(self.assessment.level)
        options.highlighted = self.choices.index(first) if first in self.choices else 0
        options.focus()
        self._show_fields()

    # ------------------------------------------------------------ state
    @property
    def chosen(self) -> str:
        """The highlighted decision id."""
        index = self.query_one("#decision-list", OptionList).highlighted or 0
        return self.choices[index]

    def _show_fields(self) -> None:
        d = self.rules.decisions[self.chosen]
        level = self.assessment.level
        self.query_one("#supervisor-box").display = needs_supervisor(self.rules, d.id, level)
        self.query_one("#protected-box").display = d.records_amount_protected
        self.query_one("#police-box").display = d.records_police

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def build(self, approval: Approval | None = None) -> tuple[DecisionRecord | None, list[str]]:
        """The decision as filled in (with ``approval`` when given), and every reason it cannot close yet."""
        d = self.rules.decisions[self.chosen]
        now = self.clock()
        (protected_fen, police_ref, police_at), problems = read_outcome(
            d,
            amount=self._value("#amount-protected"),
            police_ref=self._value("#police-ref"),
            police_time=self._value("#police-time"),
            day=now,
            zone=self.zone,
        )
        supervisor = needs_supervisor(self.rules, d.id, self.assessment.level)
        record = DecisionRecord(
            decision=d.id,
            label=d.label,
            group=d.group,
            decided_by=self.staff.staff_id,
            decided_at=now,
            amount_protected_fen=protected_fen,
            police_ref=police_ref,
            police_called_at=police_at,
            supervisor_id=approval.supervisor.staff_id if supervisor and approval else None,
            supervisor_reason=approval.reason if supervisor and approval else None,
            supervisor_at=approval.at if supervisor and approval else None,
            supervisor_auth=approval.auth if supervisor and approval else None,
            note=self._value("#decision-note"),
        )
        ack = (
            _placeholder_ack(self.staff.staff_id, now)
            if needs_acknowledgement(self.rules, d.id, self.assessment.level, "counter")
            else None
        )
        later = d.records_police and self.query_one("#police-ref-later", Checkbox).value
        problems += closing_problems(self.rules, "counter", self.assessment, record, ack, police_ref_to_follow=later)
        return (None if problems else record), problems

    @on(Input.Changed, "#amount-protected")
    def _protected_changed(self, event: Input.Changed) -> None:
        """Warn (never block) when the avoided loss is not the transfer amount."""
        warning = ""
        try:
            fen = yuan_to_fen(parse_yuan(event.value.strip() or "0"))
        except InputError:
            fen = None
        if fen is not None and fen != self.amount_fen:
            warning = f"⚠ 与转账金额 {format_yuan(self.amount_fen)} 不同，请确认（客户只放弃部分金额时才会不同）"
        self.query_one("#protected-warning", Label).update(warning)

    # ------------------------------------------------------------ events
    @on(OptionList.OptionHighlighted, "#decision-list")
    def _highlighted(self) -> None:
        self.approval = None  # an approval is for the decision it was given for
        self._show_fields()
        self.query_one("#decision-problems", Label).update("")

    def _provisional(self) -> Approval:
        """Stands in for the approval still to be checked, to see whether anything else is missing."""
        return Approval(supervisor=Staff(staff_id="-", name="-", role="supervisor"), at=self.clock(), reason="(待核对)")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter moves from the supervisor's id to the PIN (and to the reason, if empty); anywhere
        else it confirms."""
        if event.input.id == "approval-id":
            self.query_one("#approval-pin", Input).focus()
            return
        reason = self.query_one("#approval-reason", Input)
        if event.input.id == "approval-pin" and not reason.value.strip():
            reason.focus()
            return
        self.action_confirm()

    @on(OptionList.OptionSelected, "#decision-list")
    def action_confirm(self) -> None:
        """Close with the chosen decision, or say what is still missing (a supervisor's approval
        is checked last, once everything else is in order)."""
        record, problems = self.build(self.approval)
        if record is not None:
            self.dismiss(record)
            return
        if self.query_one("#supervisor-box").display and self.approval is None:
            _, others = self.build(self._provisional())
            if not others:
                self.query_one("#decision-problems", Label).update("")
                self.query_one("#decision-approval", SupervisorApproval).request()
                return
        self.query_one("#decision-problems", Label).update("\n".join(f"✗ {p}" for p in problems))
        for box, fields in (
            ("#supervisor-box", ("#approval-id", "#approval-pin", "#approval-reason")),
            ("#protected-box", ("#amount-protected",)),
            ("#police-box", ("#police-ref", "#police-time")),
        ):
            if self.query_one(box).display:
                for selector in fields:
                    field = self.query_one(selector, Input)
                    if not field.value.strip():
                        field.focus()
                        return

    @on(SupervisorApproval.Approved)
    def _approved(self, event: SupervisorApproval.Approved) -> None:
        self.approval = event.approval
        self.action_confirm()

    @on(SupervisorApproval.Refused)
    def _refused(self, event: SupervisorApproval.Refused) -> None:
        # The approval component says why, next to its fields; nothing else is wrong.
        self.query_one("#decision-problems", Label).update("")

    def action_cancel(self) -> None:
        """Back to the case without closing it."""
        self.dismiss(None)
