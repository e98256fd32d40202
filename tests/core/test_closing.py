"""Closing rules for an always-fraud case: the money may not leave, whoever signs off."""

from __future__ import annotations

from decimal import Decimal

from teller_guard.core.closing import closing_problems, decisions_allowed
from teller_guard.core.models import AssessmentInput
from teller_guard.core.records import DecisionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess
from tests.factories import FROZEN_NOW


def test_safe_account_cannot_be_proceeded_even_with_a_supervisor(rules: RuleSet) -> None:
    a = assess(rules, AssessmentInput(channel="counter", amount=Decimal(50000), purpose="民警让我转到安全账户"))
    assert a.level == "critical"
    offered = decisions_allowed(rules, "counter", a)
    assert "proceed" not in offered and "proceed_warned" not in offered
    assert {"defer", "dissuaded", "police"} <= set(offered)
    d = DecisionRecord(decision="proceed", label="正常办理", group="proceeded", decided_by="T001", decided_at=FROZEN_NOW,
                       supervisor_id="S001", supervisor_reason="客户坚持")  # fmt: skip
    problems = closing_problems(rules, "counter", a, d, None)
    assert any("一律是诈骗" in p for p in problems)


def test_a_critical_case_without_an_always_fraud_type_may_still_proceed_with_a_supervisor(rules: RuleSet) -> None:
    a = assess(
        rules,
        AssessmentInput(
            channel="counter",
            amount=Decimal(50000),
            purpose="民警打电话说我涉嫌洗钱",
            observations=frozenset({"on_phone"}),
        ),
    )
    assert a.level == "critical" and not any(t.auto_stop for t in a.typologies)
    assert "proceed" in decisions_allowed(rules, "counter", a)
