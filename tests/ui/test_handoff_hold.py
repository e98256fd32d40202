"""A hand-off keeps what the lobby recorded: its answers, its signals and its level."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from teller_guard.config import Settings
from teller_guard.core.case import case_from_handoff
from teller_guard.core.handoff import HELD_SIGNAL, LOBBY_EVIDENCE
from teller_guard.core.models import AssessmentInput
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess, level_rank
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.counter import CounterScreen
from tests.ui.helpers import hand_off_a_case, make_counter_app, settle


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_the_counter_keeps_the_lobby_s_level_and_signals(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    lobby = await hand_off_a_case(settings, rules, repo)
    assert lobby.signals
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        counter = app.screen
        assert isinstance(counter, CounterScreen)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        counter._rescore()
        a = counter.assessment
        assert a is not None
        assert level_rank(a.level) >= level_rank(lobby.level)
        assert a.score >= lobby.score or a.level != lobby.level
        # Every signal the lobby fired is on the counter's case (its own, or carried).
        assert {s.id for s in lobby.signals} <= {s.id for s in a.signals}


def test_the_lobby_level_holds_unless_the_teller_says_why(rules: RuleSet) -> None:
    """A lobby case scored 极高 continues at the counter where nothing has been entered yet: the
    counter's own score is low, the lobby's level holds; with a reason it may go lower."""
    from datetime import UTC, datetime

    from teller_guard.core.records import DecisionRecord, InterventionRecord

    inp = AssessmentInput(
        channel="atm",
        amount=50000,
        purpose="公安局的警官说我涉嫌洗钱，要我把钱转到安全账户",
        observations=frozenset({"on_phone"}),
    )
    scored = assess(rules, inp)
    assert scored.level == "critical"
    now = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
    lobby = InterventionRecord(
        channel="atm",
        started_at=now,
        closed_at=now,
        branch_code="BR0001",
        staff_id="L001",
        amount_fen=5_000_000,
        purpose_text=inp.purpose,
        observations=("on_phone",),
        score=scored.score,
        level=scored.level,
        rules_version=scored.rules_version,
        signals=scored.signals,
        decision=DecisionRecord(
            decision="to_counter", label="带至柜台", group="handoff", decided_by="L001", decided_at=now
        ),
    )
    state = case_from_handoff(rules, lobby, staff_id="T001")
    assert state.answers.get("look_phone") is True
    bare = assess(rules, AssessmentInput(channel="counter", amount=50000))
    assert bare.level == "low"
    held = state.held(rules, bare)
    assert held.level == "critical" and held.score >= scored.score
    ids = {s.id: s for s in held.signals}
    assert HELD_SIGNAL in ids
    carried = [s for s in held.signals if s.evidence.startswith(LOBBY_EVIDENCE)]
    assert carried and all(s.points == 0 for s in carried)
    assert {s.id for s in scored.signals} <= set(ids)

    state.lower_than_lobby("客户家属到场核实，确为给儿子付学费")
    lowered = state.held(rules, bare)
    assert lowered.level == "low" and HELD_SIGNAL not in {s.id for s in lowered.signals}
    rec = state.to_record(rules, lowered, decision=None, closed_at=now)
    assert rec.extra["lobby_level_lowered"] == "客户家属到场核实，确为给儿子付学费"
    assert rec.handoff_from_uid == lobby.uid


async def test_the_teller_records_why_the_counter_goes_below_the_lobby(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    from datetime import timedelta

    from teller_guard.core.models import FiredSignal
    from teller_guard.core.records import DecisionRecord, InterventionRecord
    from teller_guard.ui.screens.reason import ReasonModal
    from tests.factories import FROZEN_NOW

    # The lobby heard a story the counter has not (yet): it scored 高; the counter alone sees 低.
    d = rules.decisions["to_counter"]
    refuses = rules.signals["refuses_to_verify"]
    lobby = InterventionRecord(
        channel="atm",
        started_at=FROZEN_NOW - timedelta(minutes=6),
        closed_at=FROZEN_NOW - timedelta(minutes=4),
        branch_code=rules.branch.code,
        staff_id="L001",
        staff_role="lobby",
        amount_fen=300_000,
        score=60,
        level="high",
        rules_version=rules.version,
        signals=(
            FiredSignal(
                id=refuses.id,
                label=refuses.label,
                category=refuses.category,
                points=refuses.weight,
                evidence="三提醒·客户是否愿意先核实再转账？：否",
                reason=refuses.reason.format(evidence="三提醒·客户是否愿意先核实再转账？：否"),
            ),
        ),
        decision=DecisionRecord(decision=d.id, label=d.label, group=d.group, decided_by="L001", decided_at=FROZEN_NOW),
    )
    repo.save_intervention(lobby)
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        counter = app.screen
        assert isinstance(counter, CounterScreen)
        await pilot.press("ctrl+r")  # not a hand-off: nothing to lower
        await pilot.pause()
        assert app.screen is counter
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        counter._rescore()
        before = counter.assessment
        assert before is not None and HELD_SIGNAL in {s.id for s in before.signals}, before
        assert before.level == "high" and "refuses_to_verify" in {s.id for s in before.signals}
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ReasonModal)
        await pilot.press(*"短", "enter")  # too short: stays
        await pilot.pause()
        assert isinstance(app.screen, ReasonModal)
        await pilot.press("backspace", *"家属到场核实确为学费", "enter")
        await settle(pilot)
        assert app.screen is counter
        assert counter.state.handoff_lowered_reason == "家属到场核实确为学费"
        a = counter.assessment
        assert a is not None and HELD_SIGNAL not in {s.id for s in a.signals} and a.level == "low"
        assert "refuses_to_verify" in {s.id for s in a.signals}  # what the lobby saw stays on record
        record = counter.state.to_record(rules, a, decision=None, closed_at=lobby.closed_at)
        assert record.extra["lobby_level_lowered"] == "家属到场核实确为学费"


def test_the_counter_record_shows_what_the_lobby_recorded(rules: RuleSet) -> None:
    import io
    from datetime import UTC, datetime

    from rich.console import Console

    from teller_guard.core.records import AnswerRecord, DecisionRecord, InterventionRecord
    from teller_guard.ui.screens.record_view import render_record

    now = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
    scored = assess(rules, AssessmentInput(channel="atm", amount=50000, answers={"business": "transfer_told"}))
    lobby = InterventionRecord(
        channel="atm",
        started_at=now,
        closed_at=now,
        branch_code="BR0001",
        staff_id="L001",
        amount_fen=5_000_000,
        answers=(AnswerRecord(item_id="business", value="transfer_told", said="对方让我转", answered_at=now),),
        score=scored.score,
        level=scored.level,
        rules_version=scored.rules_version,
        signals=scored.signals,
        decision=DecisionRecord(
            decision="to_counter", label="带至柜台", group="handoff", decided_by="L001", decided_at=now
        ),
    )
    counter = case_from_handoff(rules, lobby, staff_id="T001")
    rec = counter.to_record(
        rules,
        counter.held(rules, assess(rules, AssessmentInput(channel="counter", amount=50000))),
        decision=None,
        closed_at=now,
    )
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(render_record(rec, [], rules, ZoneInfo("Asia/Shanghai"), lobby))
    text = console.export_text()
    assert f"大堂记录 {lobby.uid[:8]}" in text and "员工 L001" in text
    assert "按对方要求转账" in text and "对方让我转" in text
    assert "大堂信号：" in text
