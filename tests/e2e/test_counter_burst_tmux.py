"""The real app in tmux at 120×40: a whole low-risk case sent as ONE ``tmux send-keys`` (what a
card reader or a fast typist sends) is saved exactly as typed."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from teller_guard.core.rules import RuleSet
from tests.conftest import require_tool
from tests.factories import terminal
from tests.factories.keys import ACCOUNT, LOW_RISK_CASE

TMUX_KEYS = {"enter": "Enter", "f2": "F2", "tab": "Tab"}


@pytest.mark.slow
def test_a_whole_case_in_one_send_keys(tmp_path: Path, rules: RuleSet) -> None:
    require_tool("tmux")
    session = f"tg-burst-{os.getpid()}"
    data = tmp_path / "data"
    terminal.add_account(data)
    try:
        terminal.start(session, data)
        terminal.sign_in(session)
        terminal.wait_for(session, "金额(元)")
        time.sleep(0.5)
        # The next customer's amount follows in the same send-keys: it lands in the fresh form.
        terminal.tmux("send-keys", "-t", session, *[TMUX_KEYS.get(k, k) for k in LOW_RISK_CASE], "8765")
        terminal.wait_for(session, "已保存")
        terminal.wait_for(session, "金额(元)  8765")
    finally:
        terminal.tmux("kill-session", "-t", session)
    db = sqlite3.connect(data / "teller_guard.db")
    (amount, level, payee, account, age), *more = db.execute(
        "select amount_fen, level, payee_name_masked, payee_account_masked, customer_age from intervention"
    ).fetchall()
    assert not more
    assert (amount, level, payee, age) == (500_000, "low", "王**", 36)
    assert account.endswith(ACCOUNT[-4:])
    answers = dict(db.execute("select item_id, value_json from answer").fetchall())
    assert answers["purpose"] == '"repay"' and answers["relation"] == '"child"'
    assert answers["asked_remotely"] == "false" and answers["check_holder"] == "true"
    assert answers["look_phone"] == "false" and answers["check_phone"] == '"not_applicable"'
    # Every question of the checklist answered (none left not asked).
    assert set(answers) == {i.id for i in rules.checklist_for("counter").item}
