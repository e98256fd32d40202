"""The intervention record: what is logged for one transfer, from first question to decision.

These are the domain objects the repository stores and returns (never ORM rows). A closed
record is never changed; a correction is a new record that names the one it corrects.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, field_validator, model_serializer

from teller_guard.core.base import Frozen
from teller_guard.core.models import FiredSignal
from teller_guard.core.privacy import scrub
from teller_guard.core.schema import Channel, Level

Role = Literal["teller", "lobby", "guard", "supervisor", "security", "admin"]


SupervisorAuth = Literal["pin"]
"""How an approving supervisor authenticated: their own PIN, typed on the spot."""
APPROVAL_KEYS = ("supervisor_at", "supervisor_auth")


def _drop_absent_approval(self: BaseModel, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
    """Leave the approval's time and proof out of a dump when there is none, so the canonical
    JSON (and hash) of every record without an authenticated approval stays what it was."""
    data: dict[str, Any] = handler(self)
    for key in APPROVAL_KEYS:
        if data.get(key, 0) is None:
            del data[key]
    return data


def new_uid() -> str:
    return uuid.uuid4().hex


def _scrubbed(value: Any) -> Any:
    """Free text without ID, phone, card or account numbers (:func:`teller_guard.core.privacy.scrub`),
    line breaks kept; a text answer too (option ids and booleans pass unchanged)."""
    if isinstance(value, str):
        return scrub(value, one_line=False, names=False)
    if isinstance(value, tuple | list):
        return tuple(scrub(v, one_line=False, names=False) if isinstance(v, str) else v for v in value)
    return value


def _scrubbed_signals(signals: tuple[FiredSignal, ...]) -> tuple[FiredSignal, ...]:
    """Fired signals whose evidence and explanation quote the customer's words, scrubbed."""
    out = []
    for s in signals:
        evidence, reason = scrub(s.evidence, one_line=False, names=False), scrub(s.reason, one_line=False, names=False)
        out.append(s if (evidence, reason) == (s.evidence, s.reason) else replace(s, evidence=evidence, reason=reason))
    return tuple(out)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (store UTC)")
    return value


class Staff(Frozen):
    """A member of branch staff as records name them: the id, the name and the role of their
    account (:class:`teller_guard.core.accounts.StaffAccount`), never a role picked at sign-in."""

    staff_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str = Field(min_length=1, max_length=40)
    role: Role = "teller"


class AnswerRecord(Frozen):
    item_id: str
    value: bool | str | None = None
    """Option id (choice), true/false (yes/no, reminder), or text."""
    said: str = ""
    """What the customer actually said, in their words."""
    answered_at: datetime

    _aware = field_validator("answered_at")(_aware)
    _private = field_validator("value", "said")(_scrubbed)


class TypologyRef(Frozen):
    id: str
    label: str


class DecisionRecord(Frozen):
    """How the intervention ended, who decided, and what it protected."""

    decision: str
    """Decision id from ``policy.toml`` (proceed, dissuaded, police, to_counter …)."""
    label: str
    group: str
    """Statistics group at the time of the decision (proceeded/warned/deferred/dissuaded/police/handoff)."""
    decided_by: str
    decided_at: datetime
    amount_protected_fen: int = Field(default=0, ge=0)
    police_ref: str | None = None
    police_called_at: datetime | None = None
    supervisor_id: str | None = None
    supervisor_reason: str | None = None
    supervisor_at: datetime | None = None
    """When the supervisor approved (on the spot, at the teller's screen)."""
    supervisor_auth: SupervisorAuth | None = None
    """How the supervisor proved who they are (``pin``); ``None`` for records from before
    approvals were authenticated."""
    note: str = ""

    _aware = field_validator("decided_at", "police_called_at", "supervisor_at")(_aware)
    _private = field_validator("note", "supervisor_reason")(_scrubbed)
    _approval_keys = model_serializer(mode="wrap")(_drop_absent_approval)


class AcknowledgementRecord(Frozen):
    """The customer's acknowledgement of the bespoke notice, or the refusal to sign."""

    method: Literal["paper", "screen", "refused", "override"]
    notice_serial: str
    notice_version: str
    notice_text_hash: str
    signer_masked: str | None = None
    witness_staff_id: str
    at: datetime
    supervisor_id: str | None = None
    """For ``override``: who allowed closing without a signature."""
    reason: str | None = None
    supervisor_at: datetime | None = None
    """For ``override``: when the supervisor approved."""
    supervisor_auth: SupervisorAuth | None = None
    """For ``override``: how the supervisor proved who they are (``pin``)."""

    _aware = field_validator("at", "supervisor_at")(_aware)
    _private = field_validator("reason")(_scrubbed)
    _approval_keys = model_serializer(mode="wrap")(_drop_absent_approval)


class InterventionRecord(Frozen):
    """One logged intervention: inputs, answers, every fired signal, score, decision, timings."""

    uid: str = Field(default_factory=new_uid)
    channel: Channel
    status: Literal["closed", "abandoned"] = "closed"
    started_at: datetime
    closed_at: datetime
    branch_code: str
    staff_id: str
    staff_role: str = "teller"
    machine_id: str | None = None

    amount_fen: int = Field(ge=0)
    customer_age: int | None = None
    customer_sex: str | None = None
    customer_ref: str | None = None
    """Keyed hash of the ID number (never the number)."""
    customer_name_masked: str | None = None
    payee_name_masked: str | None = None
    payee_account_masked: str | None = None
    payee_ref: str | None = None

    purpose_text: str = ""
    previous_purposes: tuple[str, ...] = ()
    payee_relation_text: str = ""
    notes_text: str = ""
    observations: tuple[str, ...] = ()
    answers: tuple[AnswerRecord, ...] = ()

    score: int = Field(ge=0, le=100)
    level: Level
    rules_version: str
    signals: tuple[FiredSignal, ...] = ()
    typologies: tuple[TypologyRef, ...] = ()

    decision: DecisionRecord | None = None
    acknowledgement: AcknowledgementRecord | None = None

    handoff_from_uid: str | None = None
    """The lobby case this counter case continues (the customer is not asked twice)."""
    corrects_uid: str | None = None
    correction_reason: str | None = None
    step_seconds: dict[str, int] = {}
    """Seconds spent per step (三问, 二看, 一核对, 决定 …), to measure how long checks take."""
    extra: dict[str, str] = {}

    _aware = field_validator("started_at", "closed_at")(_aware)
    _private = field_validator(
        "purpose_text", "previous_purposes", "payee_relation_text", "notes_text", "correction_reason"
    )(_scrubbed)
    _private_signals = field_validator("signals")(_scrubbed_signals)

    @property
    def duration_seconds(self) -> int:
        return max(0, int((self.closed_at - self.started_at).total_seconds()))

    def canonical_json(self) -> str:
        """A stable serialisation (sorted keys, UTC ISO times) for hashing."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def case_hash(self) -> str:
        """SHA-256 of what was assessed (inputs, answers, signals, score), without the decision,
        the acknowledgement or any timing: printed on the notice before the case closes, and
        recomputable from the logged record, so a paper copy can be matched to the log."""
        data = self.model_dump(
            mode="json",
            include={
                "uid",
                "channel",
                "started_at",
                "branch_code",
                "staff_id",
                "machine_id",
                "amount_fen",
                "customer_age",
                "customer_sex",
                "customer_ref",
                "customer_name_masked",
                "payee_name_masked",
                "payee_account_masked",
                "purpose_text",
                "previous_purposes",
                "payee_relation_text",
                "notes_text",
                "score",
                "level",
                "rules_version",
                "signals",
                "typologies",
            },
        )
        data["answers"] = sorted([a.item_id, a.value, a.said] for a in self.answers)
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def record_hash(self) -> str:
        """SHA-256 of the canonical record: printed (short) on the notice, checked by exports."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()


def age_band(age: int | None) -> str:
    """The age band shown in exports instead of anything that identifies the customer."""
    if age is None:
        return "未知"
    if age < 18:
        return "18岁以下"
    if age >= 80:
        return "80岁及以上"
    lo = 18 if age < 30 else age // 10 * 10
    hi = 29 if age < 30 else lo + 9
    return f"{lo}-{hi}岁"


def mask_name(name: str | None) -> str | None:
    """``张三丰`` → ``张**``: the surname stays, the rest is hidden."""
    if not name:
        return None
    name = name.strip()
    return name[0] + "*" * max(1, len(name) - 1)


def mask_account(number: str | None) -> str | None:
    """Card or account number → ``****1234`` (last four only)."""
    if not number:
        return None
    digits = "".join(ch for ch in number if ch.isalnum())
    return "****" + digits[-4:] if len(digits) > 4 else "****"


class InterventionSummary(Frozen):
    """One line of a list (history, drill-down): enough to find the record, nothing more."""

    uid: str
    closed_at: datetime
    local_day: str
    channel: Channel
    status: str
    staff_id: str
    machine_id: str | None = None
    customer_name_masked: str | None = None
    customer_age: int | None = None
    amount_fen: int
    score: int
    level: Level
    typology_labels: str = ""
    decision: str | None = None
    decision_label: str | None = None
    decision_group: str | None = None
    amount_protected_fen: int = 0
    handoff_from_uid: str | None = None
    """The lobby case this counter case continues (one customer, counted once)."""


class Draft(Frozen):
    """An intervention being entered. ``state`` is the UI's own JSON shape, saved on every change."""

    draft_id: str = Field(default_factory=new_uid)
    channel: Channel
    staff_id: str
    status: Literal["open", "closed", "abandoned"] = "open"
    started_at: datetime
    updated_at: datetime
    state: dict[str, object] = {}
    intervention_uid: str | None = None

    _aware = field_validator("started_at", "updated_at")(_aware)
