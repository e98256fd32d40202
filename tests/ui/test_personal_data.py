"""An ID number, a phone number and a card number typed into the customer's words (客户原话) and
the decision note never reach any file the app writes: not the database, not its WAL, not a
draft, not the monthly export."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.reports.export import export_month
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.acknowledge import AcknowledgeScreen
from teller_guard.ui.screens.counter import CounterScreen
from teller_guard.ui.screens.decision import DecisionModal
from tests.factories import FROZEN_NOW, TELLER, YOUNG_ID
from tests.factories.accounts import add_all
from tests.factories.records import SHANGHAI
from tests.ui.helpers import LOW_RISK_ANSWERS, answer_all, make_counter_app, settle, type_keys

ID_NUMBER = "110105199001011239"
PHONE = "13800138000"
CARD = "6222020200112233445"
SAID = f"给女儿交房租，我身份证 {ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}，手机 {PHONE}，卡号 {CARD[:4]}-{CARD[4:8]}-{CARD[8:]}"
SECRETS = (ID_NUMBER, ID_NUMBER[:17], PHONE, CARD, CARD[-12:], "0101 1239", PHONE[3:])


def _files(folder: Path) -> bytes:
    """Every file under the data folder, as raw bytes (database, WAL, drafts, exports)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.slow  # the customer's words key by key, a draft written between keys
async def test_numbers_typed_into_free_text_are_in_no_file(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    add_all(repo, TELLER)  # a real account: the app's periodic account check keeps it signed in
    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        # The form is not what this test is about; the customer's words are typed key by key.
        await answer_all(pilot, [("#amount", "3000"), ("#id-number", YOUNG_ID), LOW_RISK_ANSWERS[0]])
        await type_keys(pilot, "#said-purpose", SAID)
        await answer_all(pilot, LOW_RISK_ANSWERS[1:])
        await settle(pilot)
        # The draft on disk, while the case is open, holds the words already scrubbed.
        [draft] = repo.open_drafts(staff_id=TELLER.staff_id)
        assert "[证件号]" in str(draft.state) and "138****8000" in str(draft.state)
        assert not any(s in str(draft.state) for s in (ID_NUMBER, PHONE, CARD))
        await pilot.press("f2")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DecisionModal)
        modal.query_one("#decision-note", Input).value = f"客户留的电话 {PHONE}，卡 {CARD}"
        await pilot.press("enter")
        # Every remittance customer reads and signs the notice (the shipped branch policy, 002:9).
        for _ in range(50):
            await settle(pilot)
            if isinstance(app.screen, AcknowledgeScreen):
                break
        ack = app.screen
        assert isinstance(ack, AcknowledgeScreen)
        await pilot.press(*ack.serial[-4:], "enter")
        for _ in range(30):
            await settle(pilot)
            if repo.summaries(staff_id=TELLER.staff_id):
                break
    [row] = repo.summaries(staff_id=TELLER.staff_id)
    rec = repo.get(row.uid)
    assert rec is not None
    assert "[证件号]" in rec.purpose_text and "138****8000" in rec.purpose_text and "****3445" in rec.purpose_text
    assert rec.decision is not None and rec.decision.note == "客户留的电话 138****8000，卡 ****3445"
    assert repo.open_drafts() == []  # the logged case's draft is deleted, not kept closed
    with repo.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM draft").scalar() == 0
    export = settings.data_dir / "exports" / "台账.csv"
    export.parent.mkdir()
    result = export_month(
        repo.engine, rec.closed_at.astimezone(SHANGHAI).strftime("%Y-%m"), "csv", export,
        staff=TELLER.model_copy(update={"role": "security"}), rules=rules, zone=SHANGHAI, now=FROZEN_NOW,
    )  # fmt: skip
    assert result.rows == 1 and "138****8000" in export.read_text(encoding="utf-8-sig")
    written = _files(settings.data_dir)
    for secret in SECRETS:
        assert secret.encode() not in written, secret
        assert secret.encode("utf-16-le") not in written, secret
