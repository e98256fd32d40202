"""Audit events: who signed in, approved, exported or changed staff, when and from where.

Events are evidence like interventions: append-only in the database, never edited. The kinds
in :data:`AUDIT_KINDS` are the vocabulary; ``detail`` carries the facts of one kind (the
month, format, row count and checksum of an export; the intervention uid of an approval …).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator

from teller_guard.core.base import Frozen

AUDIT_KINDS: dict[str, str] = {
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "locked_out": "账户锁定",
    "sign_out": "退出登录",
    "idle_lock": "闲置锁屏",
    "unlock_screen": "解除锁屏",
    "approval": "主管授权",
    "approval_refused": "授权被拒",
    "export": "导出台账",
    "export_refused": "导出被拒",
    "stats_read": "查看统计",
    "audit_read": "查看审计",
    "staff_added": "新增员工",
    "staff_disabled": "停用员工",
    "staff_enabled": "启用员工",
    "pin_reset": "重置密码",
    "pin_changed": "修改密码",
    "staff_unlocked": "解除锁定",
    "staff_listed": "查看员工名单",
    "pin_in_argument": "命令行带密码（已拒绝）",
    "session_refused": "浏览器会话已满",
    "rules_seen": "启用规则版本",
}
"""Every kind of audit event and its Chinese label (:mod:`teller_guard.identity` writes them)."""

FAILED_KINDS: dict[str, str] = {
    "sign_in": "sign_in_failed",
    "approval": "approval_refused",
    "export": "export_refused",
}
"""The kind a refused attempt is logged as, where it has its own; any other kind is logged as
itself with ``ok`` false."""

Origin = Literal["terminal", "browser", "cli"]


class AuditEvent(Frozen):
    """One audited action, as logged."""

    id: int | None = None
    """Database id (sequence order); ``None`` before it is written."""
    at: datetime
    kind: str = Field(min_length=1, max_length=32)
    staff_id: str | None = Field(default=None, max_length=32)
    """Who acted (or tried to): the authenticated staff id, or the id typed at a failed sign-in."""
    ok: bool = True
    """False for refused attempts (wrong PIN, no permission, locked)."""
    origin: Origin = "terminal"
    client: str | None = Field(default=None, max_length=64)
    """For ``serve``: the browser's address."""
    subject: str | None = Field(default=None, max_length=64)
    """What the event is about: an intervention uid, a staff id, a month."""
    detail: dict[str, str | int | bool | None] = {}

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware (store UTC)")
        return value


ORIGIN_LABELS: dict[str, str] = {"terminal": "终端", "browser": "浏览器", "cli": "命令行"}
"""Where an event happened, in Chinese."""

AUDIT_COLUMNS: tuple[str, ...] = ("时间（本地）", "事件", "工号", "结果", "来源", "对象", "详情")
"""The columns of the audit trail as the CLI and the statistics screen show it."""


def audit_cells(event: AuditEvent, zone: ZoneInfo) -> tuple[str, ...]:
    """One event as the plain-text cells of :data:`AUDIT_COLUMNS` (local time, Chinese labels)."""
    where = ORIGIN_LABELS.get(event.origin, event.origin) + (f" {event.client}" if event.client else "")
    detail = " ".join(f"{k}={v}" for k, v in sorted(event.detail.items()) if v is not None)
    return (
        event.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
        AUDIT_KINDS.get(event.kind, event.kind),
        event.staff_id or "—",
        "成功" if event.ok else "拒绝",
        where,
        event.subject or "",
        detail,
    )
