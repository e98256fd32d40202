"""「带至柜台」: what the lobby recorded reaches the counter, so the customer is not asked twice."""

from __future__ import annotations

import pytest

from teller_guard.config import Settings
from teller_guard.core.case import case_from_handoff
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess
from teller_guard.storage.repository import Repository
from tests.factories import FROZEN_NOW
from tests.ui.helpers import HANDOFF_SAID as SAID
from tests.ui.helpers import hand_off_a_case


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_handoff_is_pending_with_everything_the_lobby_recorded(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    rec = await hand_off_a_case(settings, rules, repo)
    pending = repo.pending_handoffs()
    assert [p.uid for p in pending] == [rec.uid]
    assert pending[0].machine_id == "ATM02" and pending[0].decision_group == "handoff"

    assert rec.decision is not None and rec.decision.decision == "to_counter"
    assert rec.machine_id == "ATM02" and rec.amount_fen == 8_000_000 and rec.customer_age == 72
    answers = {a.item_id: (a.value, a.said) for a in rec.answers}
    assert answers["business"] == ("transfer_other", SAID)
    assert answers["remind_fraud"][0] is True and answers["remind_verify"][0] is True
    assert "remind_confirm" not in answers  # not said: the counter still has to say it
    assert {"on_phone", "reading_instructions"} <= set(rec.observations)


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_counter_case_carries_the_lobby_answers_and_scores_them(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    rec = await hand_off_a_case(settings, rules, repo)
    lobby_record = repo.get(repo.pending_handoffs()[0].uid)
    assert lobby_record is not None and lobby_record.uid == rec.uid

    case = case_from_handoff(rules, lobby_record, staff_id="T001")
    assert case.channel == "counter" and case.handoff_from_uid == rec.uid
    assert case.amount == "80000.00" and case.customer_age == 72
    assert case.answers.get("look_phone") is True and case.answers.get("look_notes") is True
    assert "look_nervous" not in case.answers  # the lobby did not see it; the teller still looks
    assert SAID in case.said["purpose"]

    result = assess(rules, case.to_input(rules, on=FROZEN_NOW.date()))
    fired = set(result.signal_ids())
    # What the lobby saw, the customer's age and amount, and their words all count at the counter.
    assert {"on_phone", "reading_instructions", "elderly_senior", "large_amount"} <= fired
    assert {"romance", "investment"} & {t.id for t in result.typologies}
    assert result.level in ("high", "critical")


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_counter_case_continuing_it_clears_the_pending_list(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    await hand_off_a_case(settings, rules, repo)
    lobby_record = repo.get(repo.pending_handoffs()[0].uid)
    assert lobby_record is not None
    case = case_from_handoff(rules, lobby_record, staff_id="T001")
    result = assess(rules, case.to_input(rules, on=FROZEN_NOW.date()))
    counter_record = case.to_record(rules, result, decision=None, closed_at=FROZEN_NOW, status="abandoned")
    repo.save_intervention(counter_record)
    assert repo.pending_handoffs() == []
