"""Correct a closed record from the record view: a late police receipt number, a wrong
decision, the avoided loss — recorded as a new record naming the old one, with who and why.

Who may change what is :func:`teller_guard.core.corrections.needs_approval`: a supervisor any
field; a teller their own record's fields the branch policy allows, anything else with a
supervisor's approval on the spot (the one approval component). Dismisses with the new record
(not yet saved) or ``None``.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from teller_guard.core.accounts import Approval
from teller_guard.core.corrections import (
    FIELD_LABELS,
    amount_warning,
    build_correction,
    correction_problems,
    fields_changed,
    needs_approval,
)
from teller_guard.core.money import fen_to_yuan, format_yuan
from teller_guard.core.records import DecisionRecord, InterventionRecord, Staff
from teller_guard.ui.context import AppModal
from teller_guard.ui.screens.decision import read_outcome
from teller_guard.ui.widgets.approval import SupervisorApproval


class CorrectionModal(AppModal[InterventionRecord | None]):
    """更正记录: change the decision's fields, say why, and (where needed) a supervisor approves."""

    BINDING_GROUP_TITLE = "更正记录"
    BINDINGS = [
        Binding("escape", "cancel", "返回", id="correction-cancel", tooltip="不更正，回到记录"),
        Binding("f2", "confirm", "保存更正", id="correction-confirm", tooltip="把更正记为一条新记录（原记录不变）"),
    ]

    def __init__(self, record: InterventionRecord) -> None:
        super().__init__()
        assert record.decision is not None
        self.record = record
        """The newest version of the record being corrected."""
        self.approval: Approval | None = None
        """A supervisor's approval, once given (for the fields as they were then)."""
        self.approved_fields: list[str] = []

    @property
    def staff(self) -> Staff:
        return self.ctx.on_shift

    def compose(self) -> ComposeResult:
        rec = self.record
        d = rec.decision
        assert d is not None
        rules = self.ctx.rules
        zone = self.ctx.settings.zone
        self.choices = [x.id for x in rules.decisions_for(rec.channel)]
        with VerticalScroll(id="decision-box"):
            yield Label(f"更正记录 {rec.uid[:8]} · {format_yuan(rec.amount_fen)} · 原决定：{d.label}", classes="title")
            yield Label("更正记为一条新记录，写明理由；原记录保持不变，统计按更正后的记录计。", classes="hint")
            yield OptionList(
                *[Option(f"{n}  {rules.decisions[x].label}", id=x) for n, x in enumerate(self.choices, start=1)],
                id="correction-decision",
            )
            with Vertical(id="correction-police", classes="decision-extra"):
                with Horizontal(classes="field"):
                    yield Label("接警编号", classes="field-label")
                    yield Input(
                        d.police_ref or "",
                        id="correction-police-ref",
                        placeholder="110 接警编号 / 报警回执号",
                        compact=True,
                    )
                with Horizontal(classes="field"):
                    yield Label("报警时间", classes="field-label")
                    called = d.police_called_at.astimezone(zone).strftime("%H:%M") if d.police_called_at else ""
                    yield Input(called, id="correction-police-time", placeholder="时:分", max_length=5, compact=True)
            with Vertical(id="correction-protected", classes="decision-extra"):
                with Horizontal(classes="field"):
                    yield Label("避免损失(元)", classes="field-label")
                    yield Input(
                        str(fen_to_yuan(d.amount_protected_fen)) if d.amount_protected_fen else "",
                        id="correction-amount",
                        restrict=r"[0-9.,]*",
                        compact=True,
                    )
                yield Label("", id="correction-amount-warning", classes="hint")
            with Horizontal(classes="field"):
                yield Label("更正理由", classes="field-label")
                yield Input(id="correction-reason", placeholder="为什么更正（必填）", max_length=200, compact=True)
            with Vertical(id="correction-approval-box", classes="decision-extra"):
                yield SupervisorApproval(
                    what="correction", subject=rec.uid, reason_hint="主管同意此项更正的理由", id="correction-approval"
                )
            yield Label("", id="correction-problems")
            yield Label("↑↓ 或数字键选择决定 · F2 保存更正 · Esc 返回", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one("#correction-decision", OptionList)
        d = self.record.decision
        assert d is not None
        options.highlighted = self.choices.index(d.decision) if d.decision in self.choices else 0
        self._show_fields()
        # The commonest correction is the late receipt number: start there when it is missing.
        if self.query_one("#correction-police").display and not (d.police_ref or "").strip():
            self.query_one("#correction-police-ref", Input).focus()
        else:
            options.focus()

    # ------------------------------------------------------------ state
    @property
    def chosen(self) -> str:
        return self.choices[self.query_one("#correction-decision", OptionList).highlighted or 0]

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def build(self) -> tuple[DecisionRecord | None, list[str]]:
        """The corrected decision as filled in, and anything unreadable."""
        rules = self.ctx.rules
        old = self.record.decision
        assert old is not None
        d = rules.decisions[self.chosen]
        # The time of the call is on the day of the case, not the day of the correction.
        (protected, police_ref, police_at), problems = read_outcome(
            d,
            amount=self._value("#correction-amount"),
            police_ref=self._value("#correction-police-ref"),
            police_time=self._value("#correction-police-time"),
            day=self.record.closed_at,
            zone=self.ctx.settings.zone,
        )
        same = d.id == old.decision
        decision = DecisionRecord(
            decision=d.id,
            label=d.label,
            group=d.group,
            decided_by=old.decided_by if same else self.staff.staff_id,
            decided_at=old.decided_at if same else self.ctx.now(),
            amount_protected_fen=protected,
            police_ref=police_ref,
            police_called_at=police_at,
            supervisor_id=old.supervisor_id if same else None,
            supervisor_reason=old.supervisor_reason if same else None,
            supervisor_at=old.supervisor_at if same else None,
            supervisor_auth=old.supervisor_auth if same else None,
            note=old.note,
        )
        return decision, problems

    def _show_fields(self) -> None:
        d = self.ctx.rules.decisions[self.chosen]
        self.query_one("#correction-police").display = d.records_police
        self.query_one("#correction-protected").display = d.records_amount_protected
        decision, _ = self.build()
        fields = fields_changed(self.record.decision, decision) if decision else []
        self.query_one("#correction-approval-box").display = bool(fields) and needs_approval(
            self.ctx.rules, self.staff, self.record, fields
        )
        warning = amount_warning(self.record, decision) if decision and d.records_amount_protected else None
        self.query_one("#correction-amount-warning", Label).update(f"⚠ {warning}" if warning else "")

    @on(OptionList.OptionHighlighted, "#correction-decision")
    @on(Input.Changed)
    def _changed(self) -> None:
        self._show_fields()
        self.query_one("#correction-problems", Label).update("")

    def on_key(self, event: events.Key) -> None:
        """Digits on the list pick the decision."""
        options = self.query_one("#correction-decision", OptionList)
        char = event.character or ""
        if self.focused is options and char.isdigit() and 1 <= int(char) <= len(self.choices):
            event.stop()
            options.highlighted = int(char) - 1

    # ------------------------------------------------------------ closing
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "approval-id":
            self.query_one("#approval-pin", Input).focus()
            return
        if event.input.id == "approval-pin" and not self._value("#approval-reason"):
            self.query_one("#approval-reason", Input).focus()
            return
        self.action_confirm()

    @on(OptionList.OptionSelected, "#correction-decision")
    def action_confirm(self) -> None:
        decision, problems = self.build()
        reason = self._value("#correction-reason")
        if decision is None:
            self._problems(problems)
            return
        fields = fields_changed(self.record.decision, decision)
        approval = self.approval if self.approved_fields == fields else None
        problems += correction_problems(
            self.ctx.rules, self.record, decision, staff=self.staff, reason=reason, approval=approval
        )
        waiting = [p for p in problems if "主管当场" in p]
        if problems and len(waiting) == len(problems):
            self.query_one("#correction-problems", Label).update("")
            self.query_one("#correction-approval", SupervisorApproval).request()
            return
        if problems:
            self._problems(problems)
            if not reason:
                self.query_one("#correction-reason", Input).focus()
            return
        self.dismiss(
            build_correction(
                self.record, decision, staff=self.staff, reason=reason, at=self.ctx.now(), approval=approval
            )
        )

    def _problems(self, problems: list[str]) -> None:
        self.query_one("#correction-problems", Label).update("\n".join(f"✗ {p}" for p in problems))

    @on(SupervisorApproval.Approved)
    def _approved(self, event: SupervisorApproval.Approved) -> None:
        decision, _ = self.build()
        self.approval = event.approval
        self.approved_fields = fields_changed(self.record.decision, decision) if decision else []
        self.action_confirm()

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["FIELD_LABELS", "CorrectionModal"]
