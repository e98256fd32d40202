"""Audit events: who signed in, approved, exported or changed staff, when and from where.

Events are evidence like interventions: append-only in the database, never edited. The kinds
in :data:`AUDIT_KINDS` are the vocabulary; ``detail`` carries the facts of one kind (the
month, format, row count and checksum of an export; the intervention uid of an approval …).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from teller_guard.core.models import Frozen

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
    "pin_reset": "重置密码",
    "pin_changed": "修改密码",
    "staff_unlocked": "解除锁定",
    "rules_seen": "启用规则版本",
}
"""Every kind of audit event and its Chinese label (the access issue fills the callers)."""

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
