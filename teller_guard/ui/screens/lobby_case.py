"""What the lobby flow adds to a case beyond the shared closing rules (pure functions, no Textual).

:func:`teller_guard.core.closing.closing_problems` says whether a decision may close a case on
any channel; the lobby adds what 「一问二看三提醒」 itself needs: a machine, the 一问 answer,
and, before the customer is left to transfer on their own, all three reminders said.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from teller_guard.core.case import CaseState
from teller_guard.core.errors import InputError
from teller_guard.core.money import parse_yuan, yuan_to_fen
from teller_guard.core.rules import RuleSet
from teller_guard.core.schema import DecisionDef, ItemDef

OUTCOME_ORDER = ("self_proceed", "dissuaded", "to_counter", "police")
"""The order the issue and the lobby staff name the outcomes in; other ATM decisions follow."""

ATM_DELAY_ITEM = "atm_delay_reminder"
"""Answer key recording that the branch's 24-hour reminder was said (not a checklist item)."""


def lobby_outcomes(rules: RuleSet) -> list[DecisionDef]:
    """The ATM decisions from ``policy.toml``, in the order the lobby staff think of them."""
    decisions = rules.decisions_for("atm")
    rank = {d: i for i, d in enumerate(OUTCOME_ORDER)}
    return sorted(decisions, key=lambda d: rank.get(d.id, len(rank)))


def items_of(rules: RuleSet, step: str) -> list[ItemDef]:
    """The lobby checklist items of one step (一问 / 二看 / 三提醒), in file order."""
    return [i for i in rules.checklist_for("atm").item if i.step == step]


def lobby_problems(rules: RuleSet, case: CaseState, decision_id: str | None) -> list[str]:
    """Every reason (in Chinese) the lobby case is not ready to close with ``decision_id``."""
    problems: list[str] = []
    if not case.machine_id:
        problems.append("请选择设备（哪台机器）")
    ask = items_of(rules, "一问")
    if any(i.id not in case.answers for i in ask):
        problems.append("一问：请选择客户办理的业务")
    if decision_id is None:
        problems.append("请选择处理结果")
        return problems
    if decision_id == "self_proceed":
        # 「提醒后客户自行办理」 means the reminders were given: the money may leave next.
        missing = [
            i.prompt for i in items_of(rules, "三提醒") if i.kind == "reminder" and case.answers.get(i.id) is not True
        ]
        if missing:
            problems.append("三提醒未完成：" + "、".join(missing))
    return problems


def parse_amount_fen(text: str, field: str = "amount") -> int:
    """Yuan as typed (``30000``, ``3,000.50``) → fen; empty means 0.

    Raises:
        InputError: not an amount of yuan.
    """
    return yuan_to_fen(parse_yuan(text or "0", field)) if text.strip() else 0


def parse_age(text: str) -> int | None:
    """An age as typed; empty means not asked.

    Raises:
        InputError: not a whole number between 1 and 120.
    """
    text = text.strip().removesuffix("岁")
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 120:
        raise InputError("age", "请填写 1–120 的整数年龄")
    return int(text)


_HHMM = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def parse_local_time(text: str, day: date, zone: ZoneInfo) -> datetime:
    """``HH:MM`` on the branch's local ``day`` → an aware datetime.

    Raises:
        InputError: not a time of day.
    """
    m = _HHMM.match(text.strip())
    if not m:
        raise InputError("police_called_at", "报警时间格式为 时:分，例如 10:25")
    return datetime.combine(day, time(int(m.group(1)), int(m.group(2))), tzinfo=zone)
