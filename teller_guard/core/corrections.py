"""Corrections to a closed record: a new record that names the one it corrects, with who and why.

A closed record is never changed (the log refuses UPDATE). What a correction may change: the
police receipt number (it usually arrives after the case is closed), the decision, the avoided
loss. Who may: a supervisor any field of any record; a teller their own records, the fields the
branch policy lists (``[corrections] teller_may``), and any other field only with a
supervisor's approval given on the spot. Statistics count the newest version
(:mod:`teller_guard.storage.queries`). Pure: no storage, no UI.
"""

from __future__ import annotations

from datetime import datetime

from teller_guard.core.accounts import Approval
from teller_guard.core.closing import MIN_APPROVAL_REASON
from teller_guard.core.money import format_yuan
from teller_guard.core.records import DecisionRecord, InterventionRecord, Staff, new_uid
from teller_guard.core.rules import RuleSet

FIELD_LABELS = {"police_ref": "补录报警回执号", "decision": "更正决定", "amount_protected": "更正避免损失金额"}
"""What each correctable field is called on screen."""
MIN_REASON = MIN_APPROVAL_REASON


def fields_changed(old: DecisionRecord | None, new: DecisionRecord) -> list[str]:
    """Which correctable fields differ between two decisions (a record without a decision
    differs in every field the new decision sets)."""
    if old is None:
        return list(FIELD_LABELS)
    out: list[str] = []
    if (old.police_ref or "") != (new.police_ref or "") or old.police_called_at != new.police_called_at:
        out.append("police_ref")
    if old.decision != new.decision:
        out.append("decision")
    if old.amount_protected_fen != new.amount_protected_fen:
        out.append("amount_protected")
    return out


def needs_approval(rules: RuleSet, staff: Staff, record: InterventionRecord, fields: list[str]) -> bool:
    """A supervisor's approval on the spot is needed: a teller correcting a field the policy
    keeps for supervisors, or someone else's record."""
    if staff.role == "supervisor":
        return False
    allowed = set(rules.policy.corrections.teller_may)
    return record.staff_id.casefold() != staff.staff_id.casefold() or not set(fields) <= allowed


def police_ref_pending(record: InterventionRecord) -> bool:
    """A police case whose receipt number is still to be added."""
    d = record.decision
    return d is not None and d.group == "police" and not (d.police_ref or "").strip()


def amount_warning(record: InterventionRecord, decision: DecisionRecord) -> str | None:
    """A warning (not an error) when the avoided loss is not the transfer amount."""
    if decision.amount_protected_fen and decision.amount_protected_fen != record.amount_fen:
        return (
            f"避免损失 {format_yuan(decision.amount_protected_fen)} 与转账金额 {format_yuan(record.amount_fen)} 不同，"
            "请确认（客户只放弃部分金额时才会不同）"
        )
    return None


def correction_problems(
    rules: RuleSet,
    record: InterventionRecord,
    decision: DecisionRecord,
    *,
    staff: Staff,
    reason: str,
    approval: Approval | None,
) -> list[str]:
    """Every reason (Chinese) this correction cannot be recorded; empty when it can."""
    problems: list[str] = []
    if record.decision is None or record.status != "closed":
        return ["只能更正已办结的记录"]
    fields = fields_changed(record.decision, decision)
    if not fields:
        problems.append("没有更改任何内容")
    if len(reason.strip()) < MIN_REASON:
        problems.append(f"请写明更正理由（至少 {MIN_REASON} 个字）")
    d = rules.decisions.get(decision.decision)
    if d is None or record.channel not in d.channels:
        problems.append(f"“{decision.label}”不适用于此渠道")
    else:
        if d.records_police and not decision.police_called_at:
            problems.append("请填写报警时间")
        if d.records_police and "police_ref" in fields and not (decision.police_ref or "").strip():
            problems.append("请填写报警回执号/接警编号")
        if d.records_amount_protected and decision.amount_protected_fen <= 0:
            problems.append("请填写避免损失金额（客户放弃转账的金额）")
        if decision.amount_protected_fen > record.amount_fen:
            problems.append(f"避免损失不能超过转账金额 {format_yuan(record.amount_fen)}")
    if fields and needs_approval(rules, staff, record, fields):
        if approval is None:
            problems.append("此项更正须主管当场输入工号、密码和理由")
        elif approval.supervisor.staff_id.casefold() == staff.staff_id.casefold():
            problems.append("主管授权须由另一名员工给出")
    return problems


def build_correction(
    record: InterventionRecord,
    decision: DecisionRecord,
    *,
    staff: Staff,
    reason: str,
    at: datetime,
    approval: Approval | None = None,
) -> InterventionRecord:
    """The new record that corrects ``record``: everything the same but the decision, a new uid,
    closed ``at``, naming the old record and who corrected it, why, and who approved."""
    assert record.decision is not None
    fields = fields_changed(record.decision, decision)
    extra = dict(record.extra)
    extra.update(
        {
            "corrected_by": staff.staff_id,
            "corrected_by_role": staff.role,
            "corrected_fields": ",".join(fields),
        }
    )
    if approval is not None:
        extra.update(
            {
                "correction_approved_by": approval.supervisor.staff_id,
                "correction_approval_reason": approval.reason,
                "correction_approved_at": approval.at.isoformat(),
                "correction_approval_auth": approval.auth,
            }
        )
    return record.model_copy(
        update={
            "uid": new_uid(),
            "closed_at": at,
            "decision": decision,
            "corrects_uid": record.uid,
            "correction_reason": reason.strip(),
            "extra": extra,
        }
    )
