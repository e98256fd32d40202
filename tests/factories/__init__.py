"""Shared test data: the frozen clock, staff, valid ID numbers, and record builders.

Tests import from here (and from ``tests.ui.helpers``), never from other test modules.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from teller_guard.core.case import CaseState
from teller_guard.core.money import parse_yuan, yuan_to_fen
from teller_guard.core.records import DecisionRecord, InterventionRecord, Staff
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess

FROZEN_NOW = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
"""10:30 Beijing time on a weekday: the clock every UI test and snapshot sees."""


def frozen_clock() -> datetime:
    """A :data:`~teller_guard.core.clock.Clock` that always says :data:`FROZEN_NOW`."""
    return FROZEN_NOW


TELLER = Staff(staff_id="T001", name="王柜员", role="teller")
LOBBY_MANAGER = Staff(staff_id="L001", name="王芳", role="lobby")
SUPERVISOR = Staff(staff_id="S001", name="李主管", role="supervisor")
SECURITY = Staff(staff_id="B001", name="赵保卫", role="security")

YOUNG_ID = "110105199003071239"
"""A valid test ID number: born 1990-03-07, male (36 on the frozen day)."""
ELDERLY_ID = "11010519491231002X"
"""A valid test ID number: born 1949-12-31, female (76 on the frozen day)."""


def counter_record(
    rules: RuleSet,
    *,
    amount: str,
    answers: dict[str, bool | str],
    minutes_ago: int,
    staff: Staff = TELLER,
    **state: object,
) -> InterventionRecord:
    """A closed counter record as the counter screen would log it (engine-scored, decided by level)."""
    case = CaseState(staff_id=staff.staff_id, amount=amount, answers=answers, **state)  # type: ignore[arg-type]
    a = assess(rules, case.to_input(rules))
    when = FROZEN_NOW - timedelta(minutes=minutes_ago)
    decision_id = {"low": "proceed", "medium": "proceed_warned", "high": "defer", "critical": "police"}[a.level]
    d = rules.decisions[decision_id]
    decision = DecisionRecord(
        decision=d.id,
        label=d.label,
        group=d.group,
        decided_by=staff.staff_id,
        decided_at=when,
        amount_protected_fen=yuan_to_fen(parse_yuan(amount)) if d.records_amount_protected else 0,
        police_ref="JJ-1" if d.records_police else None,
        police_called_at=when if d.records_police else None,
    )
    return case.model_copy(update={"started_at": when - timedelta(minutes=2)}).to_record(
        rules, a, decision=decision, closed_at=when
    )


class MovingClock:
    """A clock a test moves on by hand (lock-outs expiring, idle locks), starting at :data:`FROZEN_NOW`."""

    def __init__(self, start: datetime = FROZEN_NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
