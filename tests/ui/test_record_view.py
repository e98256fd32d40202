"""The read-only record says everything in Chinese, in the teller's order, and cuts nothing off."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from rich.console import Console

from teller_guard.core.rules import RuleSet
from teller_guard.ui.screens.record_view import render_record
from tests.factories import counter_record

LONG_SAID = "公安局的人打电话说我涉嫌洗钱案，要我把存款全部转到安全账户配合调查，不能告诉家里人"


def _plain(rules: RuleSet, rec, width: int = 120) -> str:  # type: ignore[no-untyped-def]
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(render_record(rec, [], rules, ZoneInfo("Asia/Shanghai")))
    return console.export_text()


def test_record_view_is_chinese_ordered_and_uncut(rules: RuleSet) -> None:
    answers: dict[str, bool | str] = {
        "check_payee": "mismatch",
        "look_phone": True,
        "purpose": "investigation",
        "look_nervous": False,
    }
    rec = counter_record(
        rules,
        amount="50000",
        answers=answers,
        minutes_ago=5,
        customer_age=77,
        said={"purpose": LONG_SAID},
        purpose_text=LONG_SAID,
        staff_role="teller",
        step_seconds={"一核对": 8, "决定": 4, "三问": 15, "转账信息": 8, "二看": 5},
    )
    text = _plain(rules, rec)
    # The customer's words are folded, never cut with an ellipsis.
    assert "…" not in text
    flat = "".join(line.strip() for line in text.splitlines())
    assert LONG_SAID in flat  # in full in 客户所说用途 (folded onto the next line, not cut)
    # Role and statistics group in Chinese, not their ids.
    assert "（柜员）" in text and "(teller)" not in text and "（teller）" not in text
    assert "（police）" not in text and "（deferred）" not in text
    # Steps and answers in the order the teller works.
    assert "转账信息 8  三问 15  二看 5  一核对 8  决定 4" in text
    order = ["三问", "二看", "一核对"]
    cells = [line.split("│") for line in text.splitlines() if line.startswith("│")]
    steps = [c[1].strip() for c in cells if len(c) > 3 and c[1].strip() in order and c[3].strip() != "未问"]
    assert steps == ["三问", "二看", "二看", "一核对"]
    # The questions not asked follow, said as 未问 (never 否).
    assert sum(1 for c in cells if len(c) > 3 and c[3].strip() == "未问") == len(rec.extra["not_asked"].split(","))
