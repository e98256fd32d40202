"""The avoided-loss and police fields, as the decision and the correction dialogs read them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from teller_guard.core.rules import RuleSet
from teller_guard.ui.screens.decision import read_outcome

SHANGHAI = ZoneInfo("Asia/Shanghai")
CASE_DAY = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # 01:30 on 25 Nov in Shanghai


def test_a_police_case_reads_all_three_fields_on_the_local_day(rules: RuleSet) -> None:
    police = rules.decisions["police"]
    (fen, ref, at), problems = read_outcome(
        police, amount=" 12,000.50 ", police_ref=" 110-2026-0042 ", police_time="10：42", day=CASE_DAY, zone=SHANGHAI
    )
    assert problems == []
    assert fen == 1_200_050
    assert ref == "110-2026-0042"
    assert at == datetime(2026, 11, 25, 10, 42, tzinfo=SHANGHAI)  # the case's local day, not UTC's


def test_unreadable_fields_are_each_named(rules: RuleSet) -> None:
    police = rules.decisions["police"]
    assert police.records_amount_protected and police.records_police
    _, problems = read_outcome(police, amount="12.345", police_ref="", police_time="ten", day=CASE_DAY, zone=SHANGHAI)
    assert problems == ["避免损失金额格式不对（元，最多两位小数）", "报警时间请按 时:分 填写，例如 10:42"]


def test_fields_a_decision_does_not_record_are_ignored(rules: RuleSet) -> None:
    proceed = rules.decisions["proceed"]
    assert not proceed.records_police and not proceed.records_amount_protected
    outcome, problems = read_outcome(
        proceed, amount="oops", police_ref="110", police_time="ten", day=CASE_DAY, zone=SHANGHAI
    )
    assert outcome == (0, None, None) and problems == []
