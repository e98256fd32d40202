"""The notice the counter hands over says what happened: a stopped case prints a take-home notice."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.reports.notice import TAKE_HOME_KEY
from teller_guard.storage.repository import Repository
from teller_guard.ui.screens.decision import DecisionModal
from tests.conftest import require_tool
from tests.factories import ELDERLY_ID
from tests.ui.helpers import answer_all, make_counter_app

POLICE_CASE = [
    ("#amount", "80000"),
    ("#id-number", ELDERLY_ID),
    ("#payee-name", "王五"),
    ("#payee-account", "6217000011112222333"),
    ("#item-purpose", "investigation"),
    ("#said-purpose", "公安局说我涉嫌洗钱要把钱转到安全账户"),
    ("#item-relation", "caller"),
]


def pdf_text(path: Path) -> str:
    out = subprocess.run([require_tool("pdftotext"), str(path), "-"], check=True, capture_output=True, text=True)
    return "".join(out.stdout.split())


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_a_police_case_gives_the_customer_a_take_home_notice(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    app = make_counter_app(settings, rules, repo)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        original = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), original(message, **kw))[1]  # type: ignore[method-assign]
        await answer_all(pilot, POLICE_CASE)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal) and app.screen.chosen == "police"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"JJ20261125-017", "enter")
        for _ in range(60):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if any("告知书" in n and ("打印机" in n or "失败" in n) for n in notes):
                break
    rows = repo.summaries(staff_id="T001")
    assert len(rows) == 1
    rec = repo.get(rows[0].uid)
    assert rec is not None and rec.decision is not None and rec.decision.decision == "police"
    assert rec.acknowledgement is None  # nothing to sign
    serial = rec.extra[TAKE_HOME_KEY]
    pdf = Path(settings.data_dir) / "notices" / f"{serial}.pdf"
    text = pdf_text(pdf)
    assert "客户留存联" in text and "办理结果：停止办理并报警" in text
    assert "本人真实意愿" not in text and "客户签字" not in text
    assert "96110" in text
    for staff_words in ("柜员观察", "二看·", "三问·", "一核对·", "请重点提示"):
        assert staff_words not in text, staff_words
    # No printer in the shipped branch settings: the teller is told so, the PDF is kept.
    assert any("未设置打印机" in n for n in notes), notes
    # The serial is accounted for as used by this case.
    audit = repo.notice_serial_audit()
    assert audit.used == 1 and audit.open == 0, audit


@pytest.mark.slow  # a whole journey across several screens (seconds)
async def test_police_closes_with_the_receipt_number_to_follow_and_is_listed(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    from textual.widgets import Checkbox

    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all(pilot, POLICE_CASE)
        await pilot.press("f2")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DecisionModal) and modal.chosen == "police"
        await pilot.press("enter")  # no receipt number yet: the modal says so
        await pilot.pause()
        assert app.screen is modal
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is modal.query_one("#police-ref-later", Checkbox)
        await pilot.press("space", "f2")
        for _ in range(60):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if repo.summaries(staff_id="T001"):
                break
    rows = repo.summaries(staff_id="T001")
    assert len(rows) == 1
    rec = repo.get(rows[0].uid)
    assert rec is not None and rec.decision is not None
    assert rec.decision.police_ref is None and rec.decision.police_called_at is not None
    assert [s.uid for s in repo.police_refs_to_follow()] == [rec.uid]


async def test_decision_digits_keep_their_meaning_at_every_level(
    settings: Settings, rules: RuleSet, repo: Repository
) -> None:
    """At 极高 正常办理 and 加强提示后办理 are not offered: 5 is still 停止办理并报警, 1 says why not."""
    from textual.widgets import Label

    app = make_counter_app(settings, rules, repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all(pilot, POLICE_CASE)
        await pilot.press("f2")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DecisionModal)
        assert "proceed" not in modal.choices
        police = [n for d, n in modal.numbers.items() if d == "police"][0]
        dissuaded = [n for d, n in modal.numbers.items() if d == "dissuaded"][0]
        await pilot.press(str(dissuaded))
        await pilot.pause()
        assert modal.chosen == "dissuaded"
        await pilot.press(str(police))
        await pilot.pause()
        assert modal.chosen == "police"
        await pilot.press("1")
        await pilot.pause()
        assert modal.chosen == "police"  # unchanged
        assert "不能选择“正常办理”" in str(modal.query_one("#decision-problems", Label).render())
        # At 80×24 the dialog scrolls instead of clipping: the hint line at its end can be reached.
        box = modal.query_one("#decision-box")
        assert box.region.bottom <= 24
