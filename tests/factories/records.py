"""A logged intervention with every part filled (decision, acknowledgement, signals, answers),
closed at 01:30 on 1 November Beijing time: the storage tests' record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from teller_guard.core.models import FiredSignal
from teller_guard.core.records import (
    AcknowledgementRecord,
    AnswerRecord,
    DecisionRecord,
    InterventionRecord,
    TypologyRef,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 31, 17, 30, tzinfo=UTC)  # 01:30 on 1 November in Beijing


def record(
    closed_at: datetime = T0,
    *,
    channel: str = "counter",
    decision: str = "dissuaded",
    group: str = "dissuaded",
    **kw: object,
) -> InterventionRecord:
    base: dict[str, object] = {
        "channel": channel,
        "started_at": closed_at - timedelta(seconds=95),
        "closed_at": closed_at,
        "branch_code": "BR0001",
        "staff_id": "T001",
        "amount_fen": 8_800_000,
        "customer_age": 71,
        "customer_sex": "F",
        "customer_name_masked": "张*",
        "payee_account_masked": "****6789",
        "purpose_text": "民警说要转到安全账户",
        "payee_relation_text": "不认识",
        "observations": ("on_phone",),
        "answers": (
            AnswerRecord(item_id="purpose", value="investigation", said="民警说要转到安全账户", answered_at=closed_at),
        ),
        "score": 100,
        "level": "critical",
        "rules_version": "abc123",
        "signals": (
            FiredSignal(
                id="t_safe_account",
                label="“安全账户”",
                category="narrative",
                points=60,
                evidence="用途说“安全账户”",
                reason="……",
            ),
        ),
        "typologies": (TypologyRef(id="safe_account", label="“安全账户”诈骗"),),
        "decision": DecisionRecord(
            decision=decision,
            label="劝阻成功（客户放弃）",
            group=group,
            decided_by="T001",
            decided_at=closed_at,
            amount_protected_fen=8_800_000,
        ),
        "acknowledgement": AcknowledgementRecord(
            method="refused",
            notice_serial="BR0001-20261101-0001",
            notice_version="v1",
            notice_text_hash="h",
            witness_staff_id="T001",
            at=closed_at,
        ),
        "step_seconds": {"三问": 40, "二看": 5},
    }
    base.update(kw)
    return InterventionRecord(**base)  # type: ignore[arg-type]
