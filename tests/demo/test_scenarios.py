"""The demo branch's data is consistent: scenarios, staff and outcome weights fit the shipped rules."""

from __future__ import annotations

import pytest

from teller_guard.core.rules import RuleSet
from teller_guard.demo import DEMO_STAFF, SCENARIOS
from teller_guard.demo.calendar import WEEKDAY_WEIGHTS, business_days
from teller_guard.demo.scenarios import DECISIONS, STEP_SECONDS, STEPS, TELLER_WEIGHTS, TELLERS


def test_a_lobby_follow_up_is_a_counter_scenario_of_the_same_kind() -> None:
    by_id = {s.id: s for s in SCENARIOS}
    assert len(by_id) == len(SCENARIOS), "scenario ids are unique"
    assert any(s.followup for s in SCENARIOS)
    for s in SCENARIOS:
        if s.channel == "atm" and s.followup is not None:
            assert s.followup in by_id, s.id
            assert by_id[s.followup].channel == "counter", s.id
            assert by_id[s.followup].fraud == s.fraud, s.id
        elif s.channel == "counter":
            assert s.followup is None, s.id


def test_answers_and_decisions_name_what_the_rules_know(rules: RuleSet) -> None:
    for s in SCENARIOS:
        items = {i.id: i for i in rules.checklist_for(s.channel).item}
        for item_id, options in s.choices.items():
            assert item_id in items, (s.id, item_id)
            assert set(options) <= {o.id for o in items[item_id].options}, (s.id, item_id)
        assert set(s.yesno) | set(s.looks) | set(s.said) <= set(items), s.id
    decisions = {d.id for d in rules.policy.decision} | {"to_counter", "self_proceed"}
    for weights in DECISIONS.values():
        for by_level in weights.values():
            assert set(by_level) <= decisions
            assert sum(by_level.values()) == pytest.approx(1.0)
    for channel, steps in STEPS.items():
        assert all(len(spans) == len(steps) for spans in STEP_SECONDS[channel].values())


def test_demo_staff_are_marked_and_weighted() -> None:
    assert all(s.staff_id.startswith("demo-") for s in DEMO_STAFF)
    assert len(TELLERS) == len(TELLER_WEIGHTS)


def test_business_days_skip_sundays_and_end_on_the_day() -> None:
    from datetime import date

    days = business_days(date(2026, 3, 31), 1)
    # a month back from 31 March starts after 28 February; 1 March 2026 is a Sunday (closed)
    assert days[0] == date(2026, 3, 2) and days[-1] == date(2026, 3, 31)
    assert len(days) == 31 - 5  # five Sundays in March 2026
    assert all(WEEKDAY_WEIGHTS[d.weekday()] > 0 for d in days)
    assert all(d.weekday() != 6 for d in days)
