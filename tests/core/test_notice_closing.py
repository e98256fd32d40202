"""Closing rules for the acknowledgement: refusal and supervisor override at each level."""

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


def proceed(supervisor: str | None = None, reason: str | None = None) -> DecisionRecord:
    return DecisionRecord(
        decision="proceed_warned",
        label="加强提示后办理",
        group="warned",
        decided_by="T001",
        decided_at=FROZEN_NOW,
        supervisor_id=supervisor,
        supervisor_reason=reason,
    )


def ack(method: str, **kw: str) -> AcknowledgementRecord:
    return AcknowledgementRecord(method=method, witness_staff_id="T001", **ACK, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["high", "critical"])
def test_refusal_at_high_needs_a_supervisor(rules: RuleSet, level: str) -> None:
    a = assessment(rules, level)
    problems = closing_problems(rules, "counter", a, proceed(), ack("refused"))
    assert "客户拒绝签字：须主管复核并说明理由后方可办理" in problems
    assert closing_problems(rules, "counter", a, proceed("S001", "已联系其子女核实为购房首付"), ack("refused")) == []


def test_refusal_at_medium_is_recorded_and_may_proceed(rules: RuleSet) -> None:
    assert closing_problems(rules, "counter", assessment(rules, "medium"), proceed(), ack("refused")) == []


@pytest.mark.parametrize("level", ["medium", "high", "critical"])
def test_no_acknowledgement_blocks_proceeding(rules: RuleSet, level: str) -> None:
    decision = proceed("S001", "复核") if level != "medium" else proceed()
    problems = closing_problems(rules, "counter", assessment(rules, level), decision, None)
    assert "须客户签署《防范电信诈骗告知书》，或由主管说明理由后放行" in problems


def test_low_risk_offers_but_does_not_require_the_notice(rules: RuleSet) -> None:
    assert not needs_acknowledgement(rules, "proceed", "low", "counter")
    assert closing_problems(rules, "counter", assessment(rules, "low"), proceed(), None) == []


@pytest.mark.parametrize("level", ["high", "critical"])
def test_override_needs_supervisor_and_reason(rules: RuleSet, level: str) -> None:
    a = assessment(rules, level)
    decision = proceed("S001", "客户坚持，已报主管")
    assert "主管放行须填写主管工号和理由" in closing_problems(rules, "counter", a, decision, ack("override"))
    assert "主管放行须填写主管工号和理由" in closing_problems(
        rules, "counter", a, decision, ack("override", supervisor_id="S001", reason="  ")
    )
    ok = ack("override", supervisor_id="S001", reason="客户视力障碍，已逐条口头告知")
    assert closing_problems(rules, "counter", a, decision, ok) == []


def test_teller_cannot_override_their_own_case(rules: RuleSet) -> None:
    own = ack("override", supervisor_id="T001", reason="我自己放行")
    problems = closing_problems(rules, "counter", assessment(rules, "high"), proceed("S001", "复核"), own)
    assert problems == ["主管放行须由另一名员工复核，不能是经办柜员本人"]


def test_signed_notice_closes_a_high_case_with_its_supervisor(rules: RuleSet) -> None:
    signed = ack("screen", signer_masked="王**")
    assert closing_problems(rules, "counter", assessment(rules, "high"), proceed("S001", "已核实"), signed) == []
