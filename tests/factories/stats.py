"""A hand-computed month for the statistics and export tests (Asia/Shanghai unless stated).

November 2026, local: A (01:30 on the 1st, i.e. 2026-10-31T17:30Z), D, E, F, G2 (corrects G),
H (abandoned). October: B (23:59 on the 31st local), I. December: C (00:30 on 1 Dec local).
November 2025: J. Expected figures are spelled out in ``EXPECTED``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from teller_guard.core.models import FiredSignal
from teller_guard.core.records import (
    AcknowledgementRecord,
    DecisionRecord,
    InterventionRecord,
    Staff,
    TypologyRef,
)
from teller_guard.storage.repository import Repository

TYPES = {
    "safe_account": "“安全账户”诈骗",
    "impersonate_authority": "冒充公检法",
    "investment": "虚假投资理财",
}
SECRET_NAME = "张三丰"
SECRET_PAYEE = "李四光"
SECRET_ID = "110101195001011237"
SECRET_CARD = "6222021234567890123"
SECRET_ACCOUNT = "6217000010001234"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def rec(
    closed: str,
    *,
    uid: str,
    channel: str = "counter",
    level: str = "medium",
    group: str | None = None,
    protected: int = 0,
    amount: int = 1_000_000,
    age: int | None = 40,
    sex: str | None = "M",
    ack: str | None = None,
    typology: str | None = None,
    staff: str = "T001",
    role: str = "teller",
    seconds: int = 60,
    status: str = "closed",
    **kw: Any,
) -> InterventionRecord:
    closed_at = at(closed)
    decision = None
    if group is not None:
        labels = {
            "dissuaded": ("dissuaded", "劝阻成功（客户放弃）"),
            "police": ("police", "停止办理并报警"),
            "warned": ("proceed_warned", "加强提示后办理"),
            "deferred": ("defer", "暂缓办理（联系家属、主管复核）"),
            "proceeded": ("proceed", "正常办理"),
            "handoff": ("handoff", "带至柜台"),
        }
        did, label = labels[group]
        decision = DecisionRecord(
            decision=did,
            label=label,
            group=group,
            decided_by=staff,
            decided_at=closed_at,
            amount_protected_fen=protected,
            police_ref=kw.pop("police_ref", None),
        )
    acknowledgement = None
    if ack is not None:
        acknowledgement = AcknowledgementRecord(
            method=ack,  # type: ignore[arg-type]
            notice_serial=f"BR0001-{closed[:10].replace('-', '')}-{uid[-4:]}",
            notice_version="v1",
            notice_text_hash="h",
            witness_staff_id=staff,
            at=closed_at,
        )
    signals = (FiredSignal(id="elderly", label="老年客户", category="profile", points=10, evidence="", reason="r"),)
    return InterventionRecord(
        uid=uid,
        channel=channel,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        started_at=closed_at - timedelta(seconds=seconds),
        closed_at=closed_at,
        branch_code="BR0001",
        staff_id=staff,
        staff_role=role,
        machine_id="ATM01" if channel == "atm" else None,
        amount_fen=amount,
        customer_age=age,
        customer_sex=sex,
        customer_name_masked=kw.pop("name", "王*"),
        payee_account_masked=kw.pop("account", "****4321"),
        purpose_text=kw.pop("purpose", "给家里人"),
        payee_relation_text=kw.pop("relation", "儿子"),
        score={"low": 10, "medium": 40, "high": 60, "critical": 90}[level],
        level=level,  # type: ignore[arg-type]
        rules_version="test",
        signals=signals,
        typologies=(TypologyRef(id=typology, label=TYPES[typology]),) if typology else (),
        decision=decision,
        acknowledgement=acknowledgement,
        **kw,
    )


def records() -> list[InterventionRecord]:
    """Every fixture record, in write order (G before its correction G2)."""
    return [
        # November 2026 (local)
        rec(
            "2026-10-31T17:30:00",
            uid="a" * 32,
            level="critical",
            group="dissuaded",
            protected=8_800_000,
            amount=8_800_000,
            age=71,
            sex="F",
            ack="refused",
            typology="safe_account",
            seconds=95,
            name=SECRET_NAME,  # stored unmasked by mistake: the export must mask it again
            purpose=f"我叫{SECRET_NAME}，卡号 6222 0212 3456 7890 123，身份证{SECRET_ID}",
            relation=f"收款人叫{SECRET_PAYEE}，账号{SECRET_ACCOUNT}",
            account=SECRET_ACCOUNT,
        ),
        rec(
            "2026-11-15T02:00:00",
            uid="d" * 32,
            channel="atm",
            level="high",
            group="police",
            protected=5_000_000,
            amount=5_000_000,
            age=65,
            ack="screen",
            typology="impersonate_authority",
            staff="L001",
            role="lobby",
            seconds=200,
            police_ref="JJ2026111500012",
        ),
        rec(
            "2026-11-20T03:00:00",
            uid="e" * 32,
            group="warned",
            amount=2_000_000,
            age=45,
            sex="F",
            ack="paper",
            typology="investment",
            staff="T002",
            seconds=120,
        ),
        rec(
            "2026-11-21T03:00:00",
            uid="f" * 32,
            group="deferred",
            amount=3_000_000,
            age=None,
            sex=None,
            staff="T002",
            seconds=300,
        ),
        rec("2026-11-22T03:00:00", uid="g" * 32, level="low", group="proceeded", amount=100_000, seconds=50),
        rec(
            "2026-11-22T04:00:00",
            uid="g2" + "0" * 30,
            level="high",
            group="dissuaded",
            protected=100_000,
            amount=100_000,
            age=60,
            sex="F",
            ack="paper",
            typology="investment",
            seconds=70,
            corrects_uid="g" * 32,
            correction_reason="结果录错",
        ),
        rec("2026-11-23T03:00:00", uid="h" * 32, status="abandoned", age=30, amount=500_000, staff="T002", seconds=40),
        # October 2026 (local): B is 23:59 on 31 October in Beijing
        rec("2026-10-31T15:59:00", uid="b" * 32, level="low", group="proceeded", age=35, ack="paper"),
        rec("2026-10-10T03:00:00", uid="i" * 32, group="dissuaded", protected=2_000_000, amount=2_000_000, age=80),
        # December 2026 (local): C is 00:30 on 1 December in Beijing
        rec(
            "2026-11-30T16:30:00",
            uid="c" * 32,
            channel="atm",
            level="high",
            group="police",
            protected=5_000_000,
            amount=5_000_000,
            staff="L001",
            role="lobby",
        ),
        # November 2025
        rec("2025-11-05T03:00:00", uid="j" * 32, level="critical", group="police", protected=1_000_000),
    ]


STAFF = [
    Staff(staff_id="T001", name="柜员一", role="teller"),
    Staff(staff_id="T002", name="柜员二", role="teller"),
    Staff(staff_id="L001", name="大堂一", role="lobby"),
    Staff(staff_id="S001", name="王保卫", role="security"),
]

EXPECTED: dict[str, Any] = {
    "total.count": 6,
    "total.amount": 19_400_000,
    "channel.counter": 5,
    "channel.atm": 1,
    "status.abandoned": 1,
    "ack.signed": 3,
    "ack.paper": 2,
    "ack.screen": 1,
    "ack.refused": 1,
    "ack.override": 0,
    "ack.none": 2,
    "level.low": 0,
    "level.medium": 3,
    "level.high": 2,
    "level.critical": 1,
    "group.dissuaded": 2,
    "group.police": 1,
    "group.deferred": 1,
    "group.warned": 1,
    "group.proceeded": 0,
    "group.handoff": 0,
    "group.warned.amount": 2_000_000,
    "protected.count": 3,
    "protected.amount": 13_900_000,
    "protected.largest": 8_800_000,
    "typology.safe_account": 1,
    "typology.impersonate_authority": 1,
    "typology.investment": 2,
    "typology.-": 2,
    "customer.elderly": 3,
    "customer.female": 3,
    "age.70-79岁": 1,
    "age.60-69岁": 2,
    "age.40-49岁": 1,
    "age.30-39岁": 1,
    "age.未知": 1,
    "staff.T001.teller": 2,
    "staff.T001.teller.dissuaded": 2,
    "staff.T002.teller": 3,
    "staff.T002.teller.dissuaded": 0,
    "staff.L001.lobby": 1,
    "staff.L001.lobby.dissuaded": 1,
}


def seed(repo: Repository) -> None:
    """Write the staff and every fixture record (through the repository, like the counter)."""
    from tests.factories.accounts import add_staff

    for s in STAFF:
        add_staff(repo, s, "135792")
    for r in records():
        repo.save_intervention(r)


def lobby_pair(repo: Repository, *, pending: bool = False) -> tuple[str, str]:
    """A lobby case handed to the counter (24 Nov) and, unless ``pending``, the counter case that
    continues it (dissuaded, ¥500)."""
    lobby_uid, counter_uid = "l" * 32, "k" * 32
    repo.save_intervention(
        rec(
            "2026-11-24T02:00:00",
            uid=lobby_uid,
            channel="atm",
            group="handoff",
            staff="L001",
            role="lobby",
            typology="investment",
            level="high",
        )
    )
    if not pending:
        repo.save_intervention(
            rec(
                "2026-11-24T02:20:00",
                uid=counter_uid,
                group="dissuaded",
                protected=50_000,
                amount=50_000,
                typology="investment",
                level="high",
                handoff_from_uid=lobby_uid,
            )
        )
    return lobby_uid, counter_uid
