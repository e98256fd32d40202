"""SQLModel tables of the intervention log. No ``from __future__ import annotations`` here:
SQLModel evaluates these annotations at class creation.

Times are stored as aware UTC. Every intervention also carries its branch-local business day
and month (``local_day``, ``local_month``), computed once when it is written, because grouping
UTC timestamps by month puts 00:00–08:00 Beijing time on the 1st into the previous month.
Closed interventions and their children are append-only (database triggers refuse UPDATE
and DELETE); drafts are the only rows that change.
"""

from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class StaffRow(SQLModel, table=True):
    """A staff account (migration 0004): role, status and the argon2id hash of the PIN, never the PIN."""

    __tablename__ = "staff"

    staff_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=40)
    role: str = Field(max_length=16)
    created_at: datetime
    active: bool = True
    pin_hash: str | None = Field(default=None, max_length=255)
    failed_attempts: int = 0
    locked_until: datetime | None = None
    pin_set_at: datetime | None = None
    must_change: bool = False


class InterventionRow(SQLModel, table=True):
    __tablename__ = "intervention"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, max_length=32)
    channel: str = Field(max_length=8)
    status: str = Field(max_length=12)
    started_at: datetime
    closed_at: datetime
    local_day: str = Field(index=True, max_length=10)
    local_month: str = Field(index=True, max_length=7)
    branch_code: str = Field(max_length=32)
    staff_id: str = Field(index=True, max_length=32)
    staff_role: str = Field(max_length=16)
    machine_id: str | None = Field(default=None, max_length=16)

    amount_fen: int = Field(sa_type=BigInteger)
    customer_age: int | None = None
    customer_sex: str | None = Field(default=None, max_length=1)
    customer_ref: str | None = Field(default=None, index=True, max_length=32)
    customer_name_masked: str | None = Field(default=None, max_length=40)
    payee_name_masked: str | None = Field(default=None, max_length=40)
    payee_account_masked: str | None = Field(default=None, max_length=16)
    payee_ref: str | None = Field(default=None, index=True, max_length=32)

    purpose_text: str = ""
    previous_purposes: str = "[]"
    payee_relation_text: str = ""
    notes_text: str = ""
    observations: str = ""
    """Comma-separated observed signal ids."""

    score: int
    level: str = Field(max_length=8)
    rules_version: str = Field(max_length=16)
    signal_ids: str = ""
    """Comma-separated fired signal ids (the ledger row's 信号 column without a join)."""
    typology_ids: str = ""
    typology_labels: str = ""
    primary_typology: str | None = Field(default=None, max_length=48)
    decision_group: str | None = Field(default=None, max_length=16)
    """Copied from the decision on write (migration 0002), so month statistics need no join."""
    amount_protected_fen: int = Field(default=0, sa_type=BigInteger)
    """Copied from the decision on write (0 unless dissuaded or police)."""
    ack_method: str | None = Field(default=None, max_length=12)
    """Copied from the acknowledgement on write (paper/screen/refused/override, or none)."""

    handoff_from_uid: str | None = Field(default=None, index=True, max_length=32)
    corrects_uid: str | None = Field(default=None, index=True, max_length=32)
    correction_reason: str | None = None
    step_seconds: str = "{}"
    duration_seconds: int = 0
    record_hash: str = Field(max_length=64)
    prev_hash: str | None = Field(default=None, max_length=64)
    """Reserved for the tamper-evident chain (hash of the previous record)."""
    extra_json: str = "{}"


class AnswerRow(SQLModel, table=True):
    __tablename__ = "answer"

    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int = Field(foreign_key="intervention.id", index=True)
    item_id: str = Field(max_length=48)
    value_json: str
    said: str = ""
    answered_at: datetime


class FiredSignalRow(SQLModel, table=True):
    __tablename__ = "fired_signal"

    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int = Field(foreign_key="intervention.id", index=True)
    signal_id: str = Field(index=True, max_length=48)
    label: str
    category: str = Field(max_length=16)
    points: int
    evidence: str = ""
    reason: str = ""


class DecisionRow(SQLModel, table=True):
    __tablename__ = "decision"

    intervention_id: int = Field(foreign_key="intervention.id", primary_key=True)
    decision: str = Field(max_length=32)
    label: str
    decision_group: str = Field(index=True, max_length=16)
    decided_by: str = Field(max_length=32)
    decided_at: datetime
    amount_protected_fen: int = Field(default=0, sa_type=BigInteger)
    police_ref: str | None = Field(default=None, max_length=64)
    police_called_at: datetime | None = None
    supervisor_id: str | None = Field(default=None, max_length=32)
    supervisor_reason: str | None = None
    supervisor_at: datetime | None = None
    """When the supervisor approved (migration 0004)."""
    supervisor_auth: str | None = Field(default=None, max_length=8)
    """How the supervisor authenticated (``pin``); NULL before approvals were authenticated."""
    note: str = ""


class AcknowledgementRow(SQLModel, table=True):
    __tablename__ = "acknowledgement"

    intervention_id: int = Field(foreign_key="intervention.id", primary_key=True)
    method: str = Field(max_length=12)
    notice_serial: str = Field(index=True, max_length=40)
    notice_version: str = Field(max_length=32)
    notice_text_hash: str = Field(max_length=64)
    signer_masked: str | None = Field(default=None, max_length=40)
    witness_staff_id: str = Field(max_length=32)
    at: datetime
    supervisor_id: str | None = Field(default=None, max_length=32)
    reason: str | None = None
    supervisor_at: datetime | None = None
    supervisor_auth: str | None = Field(default=None, max_length=8)


class DraftRow(SQLModel, table=True):
    """An intervention in progress: rewritten on every change so a crash loses nothing."""

    __tablename__ = "draft"

    draft_id: str = Field(primary_key=True, max_length=32)
    channel: str = Field(max_length=8)
    staff_id: str = Field(index=True, max_length=32)
    status: str = Field(index=True, max_length=12)
    """open | closed | abandoned"""
    started_at: datetime
    updated_at: datetime
    state_json: str
    """The whole form state as JSON (the UI's own shape)."""
    intervention_uid: str | None = Field(default=None, max_length=32)


class NoticeSerialRow(SQLModel, table=True):
    """Every notice serial issued, and its fate: a printed 告知书 number is never lost or reused.

    ``status`` is ``issued`` (the case is still open), ``used`` (an acknowledgement carries it,
    signed or refused) or ``void`` (the case closed without it). Numbers run 1, 2, 3 … per branch
    and local day without a gap (:mod:`teller_guard.storage.serials`).
    """

    __tablename__ = "notice_serial"

    serial: str = Field(primary_key=True, max_length=40)
    local_day: str = Field(index=True, max_length=10)
    issued_at: datetime
    draft_id: str | None = Field(default=None, index=True, max_length=32)
    branch_code: str | None = Field(default=None, max_length=32)
    seq: int | None = None
    status: str = Field(default="issued", index=True, max_length=8)
    intervention_uid: str | None = Field(default=None, max_length=32)
    settled_at: datetime | None = None
    note: str | None = None


class NoticeCounterRow(SQLModel, table=True):
    """The last notice number handed out per branch and local day (one upsert allocates the next)."""

    __tablename__ = "notice_counter"

    branch_code: str = Field(primary_key=True, max_length=32)
    local_day: str = Field(primary_key=True, max_length=10)
    last_seq: int


class DbMetaRow(SQLModel, table=True):
    """Facts about the database itself (``purpose = demo`` for one filled by ``demo-data``)."""

    __tablename__ = "db_meta"

    key: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=200)


class AuditEventRow(SQLModel, table=True):
    """Audit trail (sign-in, approval, export, staff changes): append-only like the log."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    local_month: str = Field(index=True, max_length=7)
    kind: str = Field(index=True, max_length=32)
    staff_id: str | None = Field(default=None, index=True, max_length=32)
    ok: bool = True
    origin: str = Field(max_length=16)
    client: str | None = Field(default=None, max_length=64)
    subject: str | None = Field(default=None, max_length=64)
    detail_json: str = "{}"


class StatsCacheRow(SQLModel, table=True):
    """Derived month figures (``storage/queries.py``): valid at ``watermark``, the log's highest id
    when they were read; rewritten freely, never evidence."""

    __tablename__ = "stats_cache"

    key: str = Field(primary_key=True, max_length=64)
    watermark: int = Field(sa_type=BigInteger)
    payload: str


class ChainLinkRow(SQLModel, table=True):
    """One link of the evidence chain (migration 0007, :mod:`teller_guard.storage.chain`): append-only."""

    __tablename__ = "chain_link"

    seq: int = Field(primary_key=True, sa_type=BigInteger)
    kind: str = Field(max_length=16)
    ref: str | None = Field(default=None, max_length=64)
    at: datetime
    key_id: str = Field(max_length=16)
    digest: str = Field(max_length=64)
    prev_mac: str = Field(max_length=64)
    mac: str = Field(index=True, max_length=64)
    note: str | None = None
