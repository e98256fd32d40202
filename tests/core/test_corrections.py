"""Corrections: a new record naming the old one, with who and why; who may change what."""

from __future__ import annotations

from datetime import timedelta

import pytest

from teller_guard.core.accounts import Approval
from teller_guard.core.closing import closing_problems
from teller_guard.core.corrections import (
    amount_warning,
    build_correction,
    correction_problems,
    fields_changed,
    needs_approval,
    police_ref_pending,
)
from teller_guard.core.models import Assessment
from teller_guard.core.records import DecisionRecord, InterventionRecord
from teller_guard.core.rules import RuleSet
from tests.factories import FROZEN_NOW, SUPERVISOR, TELLER
from tests.factories.accounts import TELLER_2

LATER = FROZEN_NOW + timedelta(hours=3)


def police_case(ref: str | None) -> InterventionRecord:
    return InterventionRecord(
        channel="counter",
        started_at=FROZEN_NOW - timedelta(minutes=5),
        closed_at=FROZEN_NOW,
        branch_code="BR0001",
        staff_id="T001",
        amount_fen=5_000_000,
        score=100,
        level="critical",
        rules_version="x",
        decision=DecisionRecord(
            decision="police",
            label="停止办理并报警",
            group="police",
            decided_by="T001",
            decided_at=FROZEN_NOW,
            amount_protected_fen=5_000_000,
            police_ref=ref,
            police_called_at=FROZEN_NOW,
        ),
    )


def with_ref(rec: InterventionRecord, ref: str) -> DecisionRecord:
    assert rec.decision is not None
    return rec.decision.model_copy(update={"police_ref": ref})


def test_police_closes_with_the_receipt_to_follow_but_never_without_the_time(rules: RuleSet) -> None:
    a = Assessment(
        score=100,
        level="critical",
        level_label="极高",
        action="",
        signals=(),
        typologies=(),
        actions=(),
        rules_version="x",
    )
    rec = police_case(None)
    assert rec.decision is not None
    assert any("回执号" in p for p in closing_problems(rules, "counter", a, rec.decision, None))
    assert closing_problems(rules, "counter", a, rec.decision, None, police_ref_to_follow=True) == []
    no_time = rec.decision.model_copy(update={"police_called_at": None})
    assert "请填写报警时间" in closing_problems(rules, "counter", a, no_time, None, police_ref_to_follow=True)
    assert police_ref_pending(rec) and not police_ref_pending(police_case("JJ-1"))


def test_the_teller_adds_the_late_receipt_number_to_their_own_case(rules: RuleSet) -> None:
    rec = police_case(None)
    new = with_ref(rec, "JJ20261125-017")
    assert fields_changed(rec.decision, new) == ["police_ref"]  # type: ignore[arg-type]
    assert not needs_approval(rules, TELLER, rec, ["police_ref"])
    assert correction_problems(rules, rec, new, staff=TELLER, reason="回执今天下午送到", approval=None) == []
    fixed = build_correction(rec, new, staff=TELLER, reason="回执今天下午送到", at=LATER)
    assert fixed.uid != rec.uid and fixed.corrects_uid == rec.uid
    assert fixed.correction_reason == "回执今天下午送到" and fixed.closed_at == LATER
    assert fixed.decision is not None and fixed.decision.police_ref == "JJ20261125-017"
    assert fixed.extra["corrected_by"] == "T001" and fixed.extra["corrected_fields"] == "police_ref"
    assert not police_ref_pending(fixed)
    # Everything assessed stays what it was.
    assert fixed.case_hash() != rec.case_hash()  # the uid is new …
    assert fixed.model_dump(exclude={"uid", "closed_at", "decision", "corrects_uid", "correction_reason", "extra"}) == (
        rec.model_dump(exclude={"uid", "closed_at", "decision", "corrects_uid", "correction_reason", "extra"})
    )


def test_a_reason_and_a_change_are_required(rules: RuleSet) -> None:
    rec = police_case(None)
    assert correction_problems(rules, rec, rec.decision, staff=TELLER, reason="", approval=None) == [  # type: ignore[arg-type]
        "没有更改任何内容",
        "请写明更正理由（至少 4 个字）",
    ]


def test_a_teller_changing_the_decision_needs_a_supervisor_on_the_spot(rules: RuleSet) -> None:
    rec = police_case("JJ-1")
    dissuaded = DecisionRecord(
        decision="dissuaded",
        label="劝阻成功（客户放弃）",
        group="dissuaded",
        decided_by="T001",
        decided_at=LATER,
        amount_protected_fen=5_000_000,
    )
    assert needs_approval(rules, TELLER, rec, ["decision", "police_ref"])
    problems = correction_problems(rules, rec, dissuaded, staff=TELLER, reason="并未报警，客户自行放弃", approval=None)
    assert problems == ["此项更正须主管当场输入工号、密码和理由"]
    approval = Approval(supervisor=SUPERVISOR, at=LATER, reason="核实监控后同意")
    assert (
        correction_problems(rules, rec, dissuaded, staff=TELLER, reason="并未报警，客户自行放弃", approval=approval)
        == []
    )
    fixed = build_correction(rec, dissuaded, staff=TELLER, reason="并未报警，客户自行放弃", at=LATER, approval=approval)
    assert fixed.extra["correction_approved_by"] == "S001"
    # A supervisor corrects without a second approval; another teller's record always needs one.
    assert not needs_approval(rules, SUPERVISOR, rec, ["decision"])
    assert needs_approval(rules, TELLER_2, rec, ["police_ref"])


@pytest.mark.parametrize("fen,warned", [(5_000_000, False), (100, True), (4_000_000, True)])
def test_the_avoided_loss_is_warned_when_it_is_not_the_amount(rules: RuleSet, fen: int, warned: bool) -> None:
    rec = police_case("JJ-1")
    new = rec.decision.model_copy(update={"amount_protected_fen": fen})  # type: ignore[union-attr]
    assert (amount_warning(rec, new) is not None) is warned
    # A warning, not a refusal: a partial give-up is real.
    assert correction_problems(rules, rec, new, staff=SUPERVISOR, reason="客户只放弃了部分", approval=None) == (
        [] if warned else ["没有更改任何内容"]
    )
    over = rec.decision.model_copy(update={"amount_protected_fen": 6_000_000})  # type: ignore[union-attr]
    assert any(
        "不能超过转账金额" in p
        for p in correction_problems(rules, rec, over, staff=SUPERVISOR, reason="写错了金额", approval=None)
    )


def test_the_policy_lists_what_a_teller_corrects_alone(rules_copy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from teller_guard.core.errors import RulesError
    from teller_guard.core.rules import load_rules

    path = rules_copy / "policy.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('teller_may = ["police_ref"]', 'teller_may = ["police_ref", "amount_protected"]'), encoding="utf-8"
    )
    rules = load_rules(rules_copy)
    assert not needs_approval(rules, TELLER, police_case("JJ-1"), ["amount_protected"])
    path.write_text(text.replace('teller_may = ["police_ref"]', 'teller_may = ["police_receipt"]'), encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_rules(rules_copy)
    assert "corrections.teller_may" in err.value.report()
