"""Corrections from the record view: the late police receipt number by the teller, a changed
decision only with a supervisor on the spot; the police case is listed until the number is in."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.widgets import Input

from teller_guard.config import Settings
from teller_guard.core.records import DecisionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.correction import CorrectionModal
from teller_guard.ui.screens.record_view import RecordViewScreen, render_record
from tests.factories import FROZEN_NOW, SUPERVISOR, TELLER
from tests.factories.accounts import PINS, add_all
from tests.factories.records import record
from tests.ui.helpers import make_counter_app, settle


def police_without_receipt():  # type: ignore[no-untyped-def]
    """A police case closed with the receipt number to follow."""
    return record(FROZEN_NOW, acknowledgement=None).model_copy(
        update={
            "decision": DecisionRecord(
                decision="police",
                label="停止办理并报警",
                group="police",
                decided_by="T001",
                decided_at=FROZEN_NOW,
                amount_protected_fen=8_800_000,
                police_called_at=FROZEN_NOW,
            )
        }
    )


async def _open_record(app, pilot, uid: str) -> RecordViewScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await app.push_screen(RecordViewScreen(uid))
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(app.screen, RecordViewScreen) and app.screen.record is not None:
            break
    screen = app.screen
    assert isinstance(screen, RecordViewScreen) and screen.record is not None
    return screen


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_the_teller_adds_a_late_police_receipt_number(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    rec = police_without_receipt()
    repo.save_intervention(rec)
    assert [s.uid for s in repo.police_refs_to_follow()] == [rec.uid]
    app = make_counter_app(settings, rules, repo, staff=TELLER)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await _open_record(app, pilot, rec.uid)
        console = Console(width=100, record=True, file=io.StringIO())
        assert view.record is not None
        console.print(render_record(view.record, [], rules, settings.zone))
        assert "回执号待补录" in console.export_text()
        await pilot.press("f2")
        for _ in range(20):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, CorrectionModal):
                break
        modal = app.screen
        assert isinstance(modal, CorrectionModal)
        # The receipt number is what is missing: the cursor is already there.
        assert app.focused is modal.query_one("#correction-police-ref", Input)
        assert modal.query_one("#correction-approval-box").display is False
        await pilot.press(*"JJ20261125-017", "tab")
        await pilot.pause()
        await focus_input(pilot, modal, "#correction-reason")
        await pilot.press(*"派出所下午送来回执", "f2")
        for _ in range(30):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if repo.corrections_of(rec.uid):
                break
    fixes = repo.corrections_of(rec.uid)
    assert len(fixes) == 1
    fixed = repo.get(fixes[0].uid)
    assert fixed is not None and fixed.corrects_uid == rec.uid
    assert fixed.decision is not None and fixed.decision.police_ref == "JJ20261125-017"
    assert fixed.decision.decision == "police" and fixed.decision.police_called_at == FROZEN_NOW
    assert fixed.correction_reason == "派出所下午送来回执"
    assert fixed.extra["corrected_by"] == "T001"
    # No longer listed as waiting for its number; the original record is unchanged.
    assert repo.police_refs_to_follow() == []
    original = repo.get(rec.uid)
    assert original is not None and original.decision is not None and original.decision.police_ref is None


async def focus_input(pilot, modal, selector: str) -> None:  # type: ignore[no-untyped-def]
    modal.query_one(selector, Input).focus()
    await pilot.pause()


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_a_teller_changing_the_decision_needs_a_supervisor(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    add_all(repo, TELLER, SUPERVISOR)
    rec = police_without_receipt()
    repo.save_intervention(rec)
    app = make_counter_app(settings, rules, repo, staff=TELLER)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_record(app, pilot, rec.uid)
        await pilot.press("f2")
        for _ in range(20):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, CorrectionModal):
                break
        modal = app.screen
        assert isinstance(modal, CorrectionModal)
        modal.query_one("#correction-decision").focus()
        await pilot.pause()
        await pilot.press(str(modal.choices.index("dissuaded") + 1))
        await pilot.pause()
        assert modal.chosen == "dissuaded"
        assert modal.query_one("#correction-approval-box").display is True
        await focus_input(pilot, modal, "#correction-reason")
        await pilot.press(*"客户当场放弃并未报警", "f2")
        await pilot.pause()
        assert app.screen is modal, "a teller changed the decision without a supervisor"
        assert app.focused is modal.query_one("#approval-id", Input)
        await pilot.press(*"S001", "enter", *PINS["S001"], "enter")
        await pilot.pause()
        await pilot.press(*"核实监控后同意", "enter")
        for _ in range(40):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if repo.corrections_of(rec.uid):
                break
    fixes = repo.corrections_of(rec.uid)
    assert len(fixes) == 1
    fixed = repo.get(fixes[0].uid)
    assert fixed is not None and fixed.decision is not None and fixed.decision.decision == "dissuaded"
    assert fixed.extra["correction_approved_by"] == "S001" and fixed.extra["corrected_by"] == "T001"
    # Statistics count the corrected version once: the police case is no longer waiting for a number.
    assert repo.police_refs_to_follow() == []
