"""A customer who refuses to sign the notice: the refusal is recorded and scored, never skipped."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from teller_guard.config import Settings
from teller_guard.core.records import AcknowledgementRecord
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.acknowledge import AcknowledgeScreen
from teller_guard.ui.screens.counter import CounterScreen
from teller_guard.ui.screens.decision import DecisionModal
from tests.factories import ELDERLY_ID, FROZEN_NOW, SUPERVISOR, TELLER
from tests.factories.accounts import PINS, add_all
from tests.ui.helpers import answer_all, explain_not_asked, focus, make_counter_app


def refusal(screen: AcknowledgeScreen) -> AcknowledgementRecord:
    return AcknowledgementRecord(
        method="refused",
        notice_serial=screen.serial,
        notice_version=screen.notice_version,
        notice_text_hash=screen.notice_text_hash,
        witness_staff_id="T001",
        at=FROZEN_NOW,
    )


async def _decide(
    pilot, choice: str, supervisor: tuple[str, str] | None = None, explain: bool = True
) -> AcknowledgeScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("f2")
    await pilot.pause()
    modal = app.screen
    assert isinstance(modal, DecisionModal)
    for _ in range(10):
        if modal.chosen == choice:
            break
        await pilot.press("up")
    assert modal.chosen == choice
    await pilot.press("enter")
    await pilot.pause()
    if supervisor:  # the supervisor's 工号 Enter 密码 Enter 理由 Enter
        for text in (supervisor[0], PINS[supervisor[0]], supervisor[1]):
            await pilot.press(*text, "enter")
            await pilot.pause()
    if explain:  # this test asks only what matters to it; the reason is kept with the case
        await explain_not_asked(pilot)
    await app.workers.wait_for_complete()
    await pilot.pause()
    ack = app.screen
    assert isinstance(ack, AcknowledgeScreen), app.screen
    return ack


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_refusal_raises_the_risk_and_needs_a_supervisor(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    add_all(repo, TELLER, SUPERVISOR)
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        counter = app.screen
        assert isinstance(counter, CounterScreen)
        await answer_all(pilot, [("#amount", "60000"), ("#id-number", ELDERLY_ID)])
        await focus(pilot, "#looks-1")
        await pilot.press("2")  # on the phone
        await pilot.pause()
        assert counter.assessment is not None and counter.assessment.level == "medium"

        # Medium risk: 加强提示后办理 needs no supervisor, only the signed notice — which is refused.
        ack = await _decide(pilot, "proceed_warned")
        printed_hash = ack.record.case_hash()
        ack.dismiss(refusal(ack))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is counter, "a refused notice must not close the case on its own"
        assert counter.assessment is not None and counter.assessment.level == "high"
        assert "refused_notice" in counter.assessment.signal_ids()
        assert repo.summaries(staff_id="T001") == []
        assert isinstance(app.focused, Input)

        # Now high: proceeding needs a supervisor, and the refusal is recorded with the case.
        ack2 = await _decide(pilot, "proceed_warned", ("S001", "主管已当面核实，客户坚持转给儿子"), explain=False)
        assert ack2.serial != ack.serial
        ack2.dismiss(refusal(ack2))
        for _ in range(50):
            await pilot.pause()
            if repo.summaries(staff_id="T001"):
                break
        rows = repo.summaries(staff_id="T001")

    assert len(rows) == 1
    rec = repo.get(rows[0].uid)
    assert rec is not None and rec.level == "high"
    assert "refused_notice" in [s.id for s in rec.signals]
    assert rec.acknowledgement is not None and rec.acknowledgement.method == "refused"
    assert rec.decision is not None and rec.decision.supervisor_id == "S001"
    assert rec.decision.supervisor_auth == "pin"
    assert rec.extra["notice_case_hash"] == printed_hash
