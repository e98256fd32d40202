"""Three-state answers: not asked is never "no"; the checklist's mandatory steps, by level,
must be asked before the money leaves, or the teller records why; the policy is validated
strictly like every rules file."""

from __future__ import annotations

from pathlib import Path

import pytest

from teller_guard.core.closing import (
    NOT_ASKED_KEY,
    mandatory_not_asked,
    not_asked,
    not_asked_ids,
    not_asked_problem,
)
from teller_guard.core.errors import RulesError
from teller_guard.core.rules import RuleSet, load_rules

COUNTER_THREE_QUESTIONS = {"purpose": "living", "relation": "child", "account_source": "known", "asked_remotely": False}


def _looks(rules: RuleSet, value: bool) -> dict[str, object]:
    return {i.id: value for i in rules.checklist_for("counter").item if i.step == "二看"}


def test_no_is_an_answer_not_asked_is_not(rules: RuleSet) -> None:
    ids = {i.id for i in not_asked(rules, "counter", {"asked_remotely": False, "look_phone": False})}
    assert "asked_remotely" not in ids and "look_phone" not in ids
    assert {"purpose", "look_nervous", "check_amount"} <= ids
    # The customer's words alone count as asked; reminders are never "asked".
    assert "purpose" not in {i.id for i in not_asked(rules, "counter", {}, {"purpose": "给女儿交学费"})}
    assert all(i.kind != "reminder" for i in not_asked(rules, "atm", {}))


def test_proceeding_needs_the_mandatory_steps_or_a_reason(rules: RuleSet) -> None:
    # Shipped policy: 三问 and 二看 at every level; 一核对 from 中 up.
    assert not_asked_problem(rules, "counter", "low", "proceed", {}, {}, None) is not None
    answers = {**COUNTER_THREE_QUESTIONS, **_looks(rules, False)}
    assert not_asked_problem(rules, "counter", "low", "proceed", answers, {}, None) is None
    assert [i.step for i in mandatory_not_asked(rules, "counter", "medium", answers)][:1] == ["一核对"]
    assert not_asked_problem(rules, "counter", "medium", "proceed_warned", answers, {}, None) is not None
    assert not_asked_problem(rules, "counter", "medium", "proceed_warned", answers, {}, "客户听障，书面确认") is None
    assert not_asked_problem(rules, "counter", "medium", "proceed_warned", answers, {}, " 无 ") is not None
    # Stopping the money needs nothing asked.
    stop = next(d.id for d in rules.decisions_for("counter") if d.group == "dissuaded")
    assert not_asked_problem(rules, "counter", "high", stop, {}, {}, None) is None


def test_not_asked_ids_tell_old_records_apart() -> None:
    assert not_asked_ids({}) is None
    assert not_asked_ids({NOT_ASKED_KEY: ""}) == []
    assert not_asked_ids({NOT_ASKED_KEY: "purpose,look_phone"}) == ["purpose", "look_phone"]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_mandatory_policy_is_checked_strictly(rules_copy: Path) -> None:
    counter = rules_copy / "checklists" / "counter.toml"
    original = counter.read_text(encoding="utf-8")
    _edit(counter, 'low = ["三问", "二看"]', 'low = ["三问", "二 看"]')
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    assert "unknown step '二 看'" in exc.value.report()

    counter.write_text(original, encoding="utf-8")
    _edit(counter, 'low = ["三问", "二看"]', 'low = ["三问"]\nlowest = ["三问"]')
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    assert "mandatory.lowest" in exc.value.report()

    counter.write_text(original, encoding="utf-8")
    _edit(counter, 'key = "5"', 'key = "4"')  # two observations of 二看 on one key
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    assert "key '4'" in exc.value.report()
