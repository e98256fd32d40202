"""What it takes to close a case: the rules a decision must satisfy before it is logged.

Pure functions shared by the counter and the lobby, so the UI and any integration enforce
the same thing: a high or critical case cannot be closed as 办理 without a supervisor's
approval, nor without the customer's acknowledgement or a supervisor's override. An approval
counts only when the supervisor authenticated on the spot (``supervisor_auth``), with a
reason, and was not the member of staff whose case it is.
"""

from __future__ import annotations

from collections.abc import Mapping

from teller_guard.core.models import Assessment
from teller_guard.core.records import AcknowledgementRecord, DecisionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.core.schema import ItemDef

MIN_APPROVAL_REASON = 4
"""A supervisor's reason must say something (at least this many characters)."""

PROCEED_GROUPS = ("proceeded", "warned")
"""Decisions after which the money leaves: these need the customer's acknowledgement."""


def decisions_allowed(rules: RuleSet, channel: str, assessment: Assessment) -> list[str]:
    """Decision ids offered for this case: those whose ``allowed_at`` includes its level, and
    never one that lets the money go when an always-fraud typology (安全账户) was found."""
    stop = any(t.auto_stop for t in assessment.typologies)
    return [
        d.id
        for d in rules.decisions_for(channel)
        if assessment.level in d.allowed_at and not (stop and d.group in PROCEED_GROUPS)
    ]


def needs_supervisor(rules: RuleSet, decision_id: str, level: str) -> bool:
    return level in rules.decisions[decision_id].needs_supervisor_at


def _approved(supervisor_id: str | None, reason: str | None, auth: str | None, teller_id: str) -> bool:
    """An authenticated approval, with a reason, by someone other than the teller."""
    return bool(
        supervisor_id
        and auth
        and len((reason or "").strip()) >= MIN_APPROVAL_REASON
        and supervisor_id.casefold() != teller_id.casefold()
    )


def needs_acknowledgement(rules: RuleSet, decision_id: str, level: str, channel: str) -> bool:
    """The notice must be signed (or the refusal/override recorded) before money leaves the
    counter at medium risk and above, and at low risk too where the branch's policy says every
    remittance customer signs (``[notice] low_risk_signs``, the seeds' procedure)."""
    return (
        channel == "counter"
        and rules.decisions[decision_id].group in PROCEED_GROUPS
        and (level != "low" or rules.policy.notice.low_risk_signs)
    )


def takes_home_notice(rules: RuleSet, decision_id: str, channel: str) -> bool:
    """The customer leaves with a take-home notice (what they were told, where to get help):
    the counter deferred, dissuaded or stopped the transfer."""
    return channel == "counter" and rules.decisions[decision_id].group in ("deferred", "dissuaded", "police")


def closing_problems(
    rules: RuleSet,
    channel: str,
    assessment: Assessment,
    decision: DecisionRecord,
    acknowledgement: AcknowledgementRecord | None,
    *,
    police_ref_to_follow: bool = False,
) -> list[str]:
    """Every reason (in Chinese, for the screen) why this case cannot close this way; empty if it can.

    A police case may close with the receipt number to follow (``police_ref_to_follow``: the
    teller said so); the time of the call is always needed, and the record is listed until
    the number is added as a correction (:mod:`teller_guard.core.corrections`)."""
    problems: list[str] = []
    d = rules.decisions.get(decision.decision)
    if d is None or channel not in d.channels:
        return [f"“{decision.label}”不适用于此渠道"]
    if assessment.level not in d.allowed_at:
        problems.append(f"{rules.levels[assessment.level].label}风险不能选择“{d.label}”")
    stops = [t.label for t in assessment.typologies if t.auto_stop]
    if stops and d.group in PROCEED_GROUPS:
        problems.append(f"疑似{'、'.join(stops)}：一律是诈骗，必须停止办理，不能选择“{d.label}”")
    decision_approved = _approved(
        decision.supervisor_id, decision.supervisor_reason, decision.supervisor_auth, decision.decided_by
    )
    if needs_supervisor(rules, d.id, assessment.level) and not decision_approved:
        problems.append(f"{rules.levels[assessment.level].label}风险选择“{d.label}”须主管当场输入工号、密码和复核理由")
    if d.records_amount_protected and decision.amount_protected_fen <= 0:
        problems.append("请填写避免损失金额（客户放弃转账的金额）")
    if d.records_police:
        has_ref = bool((decision.police_ref or "").strip())
        if not decision.police_called_at:
            problems.append(
                "请填写报警时间" if has_ref or police_ref_to_follow else "请填写报警回执号/接警编号和报警时间"
            )
        elif not has_ref and not police_ref_to_follow:
            problems.append("请填写报警回执号/接警编号（回执号尚未拿到时，勾选“回执号稍后补录”）")
    if needs_acknowledgement(rules, d.id, assessment.level, channel):
        if acknowledgement is None:
            problems.append("须客户签署《防范电信诈骗告知书》，或由主管说明理由后放行")
        elif acknowledgement.method == "refused" and assessment.level in ("high", "critical") and not decision_approved:
            problems.append("客户拒绝签字：须主管复核并说明理由后方可办理")
        elif acknowledgement.method == "override":
            sup = acknowledgement.supervisor_id
            if sup and sup.casefold() in (acknowledgement.witness_staff_id.casefold(), decision.decided_by.casefold()):
                # An override is a second pair of eyes; the teller cannot wave their own case through.
                problems.append("主管放行须由另一名员工复核，不能是经办柜员本人")
            elif not _approved(sup, acknowledgement.reason, acknowledgement.supervisor_auth, decision.decided_by):
                problems.append("主管放行须主管当场输入工号、密码并说明理由")
    return problems


NOT_ASKED_KEY = "not_asked"
"""In a record's ``extra``: the ids of the questions not asked, comma-separated ("" = all asked;
absent in records from before answers had three states)."""
NOT_ASKED_REASON_KEY = "not_asked_reason"
"""In a record's ``extra``: why mandatory questions were not asked (the teller's words)."""
MIN_NOT_ASKED_REASON = 4
"""Why mandatory questions were not asked must say something (at least this many characters)."""


def is_asked(item_id: str, answers: Mapping[str, object], said: Mapping[str, str]) -> bool:
    """An item was asked: it has an answer (yes, no, an option) or the customer's words."""
    return answers.get(item_id) is not None or bool((said.get(item_id) or "").strip())


def not_asked(
    rules: RuleSet, channel: str, answers: Mapping[str, object], said: Mapping[str, str] | None = None
) -> list[ItemDef]:
    """The checklist's questions not asked (reminders are said, not asked: never listed)."""
    said = said or {}
    return [i for i in rules.checklist_for(channel).item if i.kind != "reminder" and not is_asked(i.id, answers, said)]


def mandatory_not_asked(
    rules: RuleSet, channel: str, level: str, answers: Mapping[str, object], said: Mapping[str, str] | None = None
) -> list[ItemDef]:
    """The questions of the steps the checklist makes mandatory at ``level`` that were not asked."""
    by_level = {str(k): v for k, v in rules.checklist_for(channel).mandatory.items()}  # keyed by a Level
    steps = set(by_level.get(level, []))
    return [i for i in not_asked(rules, channel, answers, said) if i.step in steps]


def not_asked_problem(
    rules: RuleSet,
    channel: str,
    level: str,
    decision_id: str,
    answers: Mapping[str, object],
    said: Mapping[str, str] | None,
    reason: str | None,
) -> str | None:
    """Why the case cannot close this way for want of mandatory questions, or ``None``: a
    decision that lets the money go needs them asked, or the teller's reason why not."""
    d = rules.decisions.get(decision_id)
    if d is None or d.group not in PROCEED_GROUPS:
        return None
    missing = mandatory_not_asked(rules, channel, level, answers, said)
    if not missing or len((reason or "").strip()) >= MIN_NOT_ASKED_REASON:
        return None
    steps = "、".join(dict.fromkeys(i.step for i in missing))
    return f"{steps}有 {len(missing)} 项未问：办理前请问完，或记录未问的原因"


def not_asked_ids(extra: Mapping[str, str]) -> list[str] | None:
    """The ids a record lists as not asked, or ``None`` for a record from before three states."""
    value = extra.get(NOT_ASKED_KEY)
    if value is None:
        return None
    return [x for x in value.split(",") if x]
