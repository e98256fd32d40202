"""Closing rules for the acknowledgement: refusal and supervisor override at each level. A
supervisor counts only with an authenticated approval (``supervisor_auth``) and a reason."""

from __future__ import annotations

import pytest

from teller_guard.core.closing import closing_problems, needs_acknowledgement
from teller_guard.core.models import Assessment
from teller_guard.core.records import AcknowledgementRecord, DecisionRecord
from teller_guard.core.rules import RuleSet
from tests.factories import FROZEN_NOW

ACK = {"notice_serial": "BR0001-20261125-0001", "notice_version": "v", "notice_text_hash": "h", "at": FROZEN_NOW}


def assessment(rules: RuleSet, level: str) -> Assessment:
    return Assessment(
        score=rules.levels[level].min_score,
        level=level,  # type: ignore[arg-type]
        level_label=rules.levels[level].label,
        action="",
        signals=(),
        typologies=(),
        actions=(),
        rules_version="x",
    )


def proceed(supervisor: str | None = None, reason: str | None = None, *, verified: bool = True) -> DecisionRecord:
    return DecisionRecord(
        decision="proceed_warned",
        label="加强提示后办理",
        group="warned",
        decided_by="T001",
        decided_at=FROZEN_NOW,
        supervisor_id=supervisor,
        supervisor_reason=reason,
        supervisor_at=FROZEN_NOW if supervisor and verified else None,
        supervisor_auth="pin" if supervisor and verified else None,
    )


def ack(method: str, *, verified: bool = True, **kw: str) -> AcknowledgementRecord:
    approval = {"supervisor_at": FROZEN_NOW, "supervisor_auth": "pin"} if kw.get("supervisor_id") and verified else {}
    return AcknowledgementRecord(method=method, witness_staff_id="T001", **ACK, **approval, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["high", "critical"])
def test_refusal_at_high_needs_a_supervisor(rules: RuleSet, level: str) -> None:
    a = assessment(rules, level)
    problems = closing_problems(rules, "counter", a, proceed(), ack("refused"))
    assert "客户拒绝签字：须主管复核并说明理由后方可办理" in problems
    assert closing_problems(rules, "counter", a, proceed("S001", "已联系其子女核实为购房首付"), ack("refused")) == []


@pytest.mark.parametrize("level", ["high", "critical"])
def test_a_typed_supervisor_id_without_authentication_does_not_count(rules: RuleSet, level: str) -> None:
    a = assessment(rules, level)
    typed = proceed("S001", "已联系其子女核实为购房首付", verified=False)
    problems = closing_problems(rules, "counter", a, typed, ack("paper"))
    assert f"{rules.levels[level].label}风险选择“加强提示后办理”须主管当场输入工号、密码和复核理由" in problems
    unverified = ack("override", supervisor_id="S001", reason="客户视力障碍，已逐条口头告知", verified=False)
    assert "主管放行须主管当场输入工号、密码并说明理由" in closing_problems(
        rules, "counter", a, proceed("S001", "客户坚持，已报主管"), unverified
    )


def test_the_teller_cannot_be_the_approving_supervisor(rules: RuleSet) -> None:
    own = proceed("T001", "我自己复核过了")
    assert closing_problems(rules, "counter", assessment(rules, "high"), own, ack("paper")) == [
        "高风险选择“加强提示后办理”须主管当场输入工号、密码和复核理由"
    ]


def test_refusal_at_medium_is_recorded_and_may_proceed(rules: RuleSet) -> None:
    assert closing_problems(rules, "counter", assessment(rules, "medium"), proceed(), ack("refused")) == []


@pytest.mark.parametrize("level", ["medium", "high", "critical"])
def test_no_acknowledgement_blocks_proceeding(rules: RuleSet, level: str) -> None:
    decision = proceed("S001", "复核同意办理") if level != "medium" else proceed()
    problems = closing_problems(rules, "counter", assessment(rules, level), decision, None)
    assert "须客户签署《防范电信诈骗告知书》，或由主管说明理由后放行" in problems


def test_low_risk_signs_where_the_branch_policy_says_so(rules: RuleSet) -> None:
    """The seeds' procedure (every remittance customer signs, 002:9) is the shipped policy."""
    assert rules.policy.notice.low_risk_signs is True
    assert needs_acknowledgement(rules, "proceed", "low", "counter")
    assert closing_problems(rules, "counter", assessment(rules, "low"), proceed(), None) == [
        "须客户签署《防范电信诈骗告知书》，或由主管说明理由后放行"
    ]
    assert closing_problems(rules, "counter", assessment(rules, "low"), proceed(), ack("paper")) == []


def test_a_branch_may_ask_low_risk_customers_for_no_signature(rules: RuleSet) -> None:
    from dataclasses import replace

    policy = replace(rules.policy, notice=replace(rules.policy.notice, low_risk_signs=False))
    offered = replace(rules, policy=policy)
    assert not needs_acknowledgement(offered, "proceed", "low", "counter")
    assert closing_problems(offered, "counter", assessment(offered, "low"), proceed(), None) == []
    # From medium up the customer signs whatever the branch says.
    assert needs_acknowledgement(offered, "proceed_warned", "medium", "counter")


def test_stopped_cases_take_a_notice_home_and_sign_nothing(rules: RuleSet) -> None:
    from teller_guard.core.closing import takes_home_notice

    for decision in ("defer", "dissuaded", "police"):
        assert takes_home_notice(rules, decision, "counter")
        assert not needs_acknowledgement(rules, decision, "critical", "counter")
    assert not takes_home_notice(rules, "proceed", "counter")
    assert not takes_home_notice(rules, "police", "atm")


@pytest.mark.parametrize("level", ["high", "critical"])
def test_override_needs_supervisor_and_reason(rules: RuleSet, level: str) -> None:
    a = assessment(rules, level)
    decision = proceed("S001", "客户坚持，已报主管")
    assert "主管放行须主管当场输入工号、密码并说明理由" in closing_problems(
        rules, "counter", a, decision, ack("override")
    )
    assert "主管放行须主管当场输入工号、密码并说明理由" in closing_problems(
        rules, "counter", a, decision, ack("override", supervisor_id="S001", reason="  ")
    )
    ok = ack("override", supervisor_id="S001", reason="客户视力障碍，已逐条口头告知")
    assert closing_problems(rules, "counter", a, decision, ok) == []


def test_teller_cannot_override_their_own_case(rules: RuleSet) -> None:
    own = ack("override", supervisor_id="T001", reason="我自己放行")
    problems = closing_problems(rules, "counter", assessment(rules, "high"), proceed("S001", "复核同意办理"), own)
    assert problems == ["主管放行须由另一名员工复核，不能是经办柜员本人"]


def test_signed_notice_closes_a_high_case_with_its_supervisor(rules: RuleSet) -> None:
    signed = ack("screen", signer_masked="王**")
    assert closing_problems(rules, "counter", assessment(rules, "high"), proceed("S001", "已核实无误"), signed) == []
