"""One mapping between the domain records (``core``) and the table rows (``storage.tables``).

The repository and the bulk writer both go through here, so a stored value is read back as the
same record it was written from. Text columns that hold one of a fixed set of words (a channel,
a level, a status…) are checked against that set on the way out: a row holding any other word is
an error naming the column, never a record carrying a value the domain does not know.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal, TypeVar, get_args
from zoneinfo import ZoneInfo

from sqlalchemy import Table
from sqlmodel import SQLModel

from teller_guard.core.audit import Origin
from teller_guard.core.clock import local_day
from teller_guard.core.models import FiredSignal
from teller_guard.core.records import (
    AcknowledgementRecord,
    AnswerRecord,
    DecisionRecord,
    InterventionRecord,
    InterventionSummary,
    SupervisorAuth,
    TypologyRef,
)
from teller_guard.core.schema import LEVELS, Channel, Level
from teller_guard.storage.tables import (
    AcknowledgementRow,
    AnswerRow,
    DecisionRow,
    FiredSignalRow,
    InterventionRow,
)

RowLike = Any
"""A Core result row (``sqlalchemy.Row``), read like the table model: by attribute, by column name."""

SEP = "；"
"""Between typology labels in one column (labels may hold commas)."""

_W = TypeVar("_W", bound=str)

CHANNELS: tuple[Channel, ...] = get_args(Channel)
RECORD_STATUSES: tuple[Literal["closed", "abandoned"], ...] = ("closed", "abandoned")
DRAFT_STATUSES: tuple[Literal["open", "closed", "abandoned"], ...] = ("open", "closed", "abandoned")
ACK_METHODS: tuple[Literal["paper", "screen", "refused", "override"], ...] = ("paper", "screen", "refused", "override")
SUPERVISOR_AUTHS: tuple[SupervisorAuth, ...] = get_args(SupervisorAuth)
ORIGINS: tuple[Origin, ...] = get_args(Origin)


class StoredValueError(ValueError):
    """A row holds a word its column does not allow (a damaged or foreign database)."""


def one_of(value: str, allowed: tuple[_W, ...], column: str) -> _W:
    """``value`` as the word of ``allowed`` it equals; :class:`StoredValueError` when none."""
    for word in allowed:
        if value == word:
            return word
    raise StoredValueError(f"{column}: stored value {value!r} is not one of {', '.join(allowed)}")


def maybe_one_of(value: str | None, allowed: tuple[_W, ...], column: str) -> _W | None:
    """As :func:`one_of`, with ``None`` kept as ``None``."""
    return None if value is None else one_of(value, allowed, column)


def stored_id(row_id: int | None) -> int:
    """The id of a row read back from the database, which always has one."""
    if row_id is None:
        raise StoredValueError("a stored row without an id")
    return row_id


def table_of(model: type[SQLModel]) -> Table:
    """The SQLAlchemy Core table behind a table model, for bulk ``insert()`` without the ORM."""
    # SQLAlchemy's declarative machinery sets ``__table__`` when the class is created; SQLModel's
    # type stubs do not declare it, hence the one ignore here instead of one per caller.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def channel(value: str) -> Channel:
    return one_of(value, CHANNELS, "channel")


def level(value: str) -> Level:
    return one_of(value, LEVELS, "level")


# ---------------------------------------------------------------- record -> rows


def intervention_values(rec: InterventionRecord, tz: ZoneInfo) -> dict[str, Any]:
    """The ``intervention`` row of a record (without its id), as the repository and the bulk writer store it."""
    day = local_day(rec.closed_at, tz)
    return {
        "uid": rec.uid,
        "channel": rec.channel,
        "status": rec.status,
        "started_at": rec.started_at,
        "closed_at": rec.closed_at,
        "local_day": day,
        "local_month": day[:7],
        "branch_code": rec.branch_code,
        "staff_id": rec.staff_id,
        "staff_role": rec.staff_role,
        "machine_id": rec.machine_id,
        "amount_fen": rec.amount_fen,
        "customer_age": rec.customer_age,
        "customer_sex": rec.customer_sex,
        "customer_ref": rec.customer_ref,
        "customer_name_masked": rec.customer_name_masked,
        "payee_name_masked": rec.payee_name_masked,
        "payee_account_masked": rec.payee_account_masked,
        "payee_ref": rec.payee_ref,
        "purpose_text": rec.purpose_text,
        "previous_purposes": json.dumps(list(rec.previous_purposes), ensure_ascii=False),
        "payee_relation_text": rec.payee_relation_text,
        "notes_text": rec.notes_text,
        "observations": ",".join(rec.observations),
        "score": rec.score,
        "level": rec.level,
        "rules_version": rec.rules_version,
        "signal_ids": ",".join(s.id for s in rec.signals),
        "typology_ids": ",".join(t.id for t in rec.typologies),
        "typology_labels": SEP.join(t.label for t in rec.typologies),
        "primary_typology": rec.typologies[0].id if rec.typologies else None,
        "decision_group": rec.decision.group if rec.decision else None,
        "amount_protected_fen": rec.decision.amount_protected_fen if rec.decision else 0,
        "ack_method": rec.acknowledgement.method if rec.acknowledgement else None,
        "handoff_from_uid": rec.handoff_from_uid,
        "corrects_uid": rec.corrects_uid,
        "correction_reason": rec.correction_reason,
        "step_seconds": json.dumps(rec.step_seconds, sort_keys=True),
        "duration_seconds": rec.duration_seconds,
        "record_hash": rec.record_hash(),
        "extra_json": json.dumps(rec.extra, ensure_ascii=False, sort_keys=True),
    }


def child_values(rec: InterventionRecord, iid: int) -> dict[type[SQLModel], list[dict[str, Any]]]:
    """The answer, fired-signal, decision and acknowledgement rows of a record, per table model."""
    out: dict[type[SQLModel], list[dict[str, Any]]] = {
        AnswerRow: [
            {
                "intervention_id": iid,
                "item_id": a.item_id,
                "value_json": json.dumps(a.value, ensure_ascii=False),
                "said": a.said,
                "answered_at": a.answered_at,
            }
            for a in rec.answers
        ],
        FiredSignalRow: [
            {
                "intervention_id": iid,
                "signal_id": f.id,
                "label": f.label,
                "category": f.category,
                "points": f.points,
                "evidence": f.evidence,
                "reason": f.reason,
            }
            for f in rec.signals
        ],
        DecisionRow: [],
        AcknowledgementRow: [],
    }
    if rec.decision:
        d = rec.decision
        out[DecisionRow].append(
            {
                "intervention_id": iid,
                "decision": d.decision,
                "label": d.label,
                "decision_group": d.group,
                "decided_by": d.decided_by,
                "decided_at": d.decided_at,
                "amount_protected_fen": d.amount_protected_fen,
                "police_ref": d.police_ref,
                "police_called_at": d.police_called_at,
                "supervisor_id": d.supervisor_id,
                "supervisor_reason": d.supervisor_reason,
                "supervisor_at": d.supervisor_at,
                "supervisor_auth": d.supervisor_auth,
                "note": d.note,
            }
        )
    if rec.acknowledgement:
        a = rec.acknowledgement
        out[AcknowledgementRow].append({"intervention_id": iid, **a.model_dump()})
    return out


# ---------------------------------------------------------------- rows -> record


def record_from_rows(
    row: InterventionRow | RowLike,
    answers: Sequence[AnswerRow | RowLike],
    signals: Sequence[FiredSignalRow | RowLike],
    d: DecisionRow | RowLike | None,
    a: AcknowledgementRow | RowLike | None,
) -> InterventionRecord:
    """The record stored in these rows (the inverse of :func:`intervention_values` and :func:`child_values`)."""
    ids = [x for x in row.typology_ids.split(",") if x]
    labels = row.typology_labels.split(SEP) if row.typology_labels else []
    return InterventionRecord(
        uid=row.uid,
        channel=channel(row.channel),
        status=one_of(row.status, RECORD_STATUSES, "intervention.status"),
        started_at=row.started_at,
        closed_at=row.closed_at,
        branch_code=row.branch_code,
        staff_id=row.staff_id,
        staff_role=row.staff_role,
        machine_id=row.machine_id,
        amount_fen=row.amount_fen,
        customer_age=row.customer_age,
        customer_sex=row.customer_sex,
        customer_ref=row.customer_ref,
        customer_name_masked=row.customer_name_masked,
        payee_name_masked=row.payee_name_masked,
        payee_account_masked=row.payee_account_masked,
        payee_ref=row.payee_ref,
        purpose_text=row.purpose_text,
        previous_purposes=tuple(json.loads(row.previous_purposes)),
        payee_relation_text=row.payee_relation_text,
        notes_text=row.notes_text,
        observations=tuple(x for x in row.observations.split(",") if x),
        answers=tuple(
            AnswerRecord(
                item_id=x.item_id,
                value=json.loads(x.value_json),
                said=x.said,
                answered_at=x.answered_at,
            )
            for x in answers
        ),
        score=row.score,
        level=level(row.level),
        rules_version=row.rules_version,
        signals=tuple(
            FiredSignal(
                id=x.signal_id,
                label=x.label,
                category=x.category,
                points=x.points,
                evidence=x.evidence,
                reason=x.reason,
            )
            for x in signals
        ),
        typologies=tuple(TypologyRef(id=i, label=lb) for i, lb in zip(ids, labels, strict=False)),
        decision=DecisionRecord(
            decision=d.decision,
            label=d.label,
            group=d.decision_group,
            decided_by=d.decided_by,
            decided_at=d.decided_at,
            amount_protected_fen=d.amount_protected_fen,
            police_ref=d.police_ref,
            police_called_at=d.police_called_at,
            supervisor_id=d.supervisor_id,
            supervisor_reason=d.supervisor_reason,
            supervisor_at=d.supervisor_at,
            supervisor_auth=maybe_one_of(d.supervisor_auth, SUPERVISOR_AUTHS, "decision.supervisor_auth"),
            note=d.note,
        )
        if d
        else None,
        acknowledgement=AcknowledgementRecord(
            method=one_of(a.method, ACK_METHODS, "acknowledgement.method"),
            notice_serial=a.notice_serial,
            notice_version=a.notice_version,
            notice_text_hash=a.notice_text_hash,
            signer_masked=a.signer_masked,
            witness_staff_id=a.witness_staff_id,
            at=a.at,
            supervisor_id=a.supervisor_id,
            reason=a.reason,
            supervisor_at=a.supervisor_at,
            supervisor_auth=maybe_one_of(a.supervisor_auth, SUPERVISOR_AUTHS, "acknowledgement.supervisor_auth"),
        )
        if a
        else None,
        handoff_from_uid=row.handoff_from_uid,
        corrects_uid=row.corrects_uid,
        correction_reason=row.correction_reason,
        step_seconds=json.loads(row.step_seconds),
        extra=json.loads(row.extra_json),
    )


def summary_from_rows(r: InterventionRow, d: DecisionRow | None) -> InterventionSummary:
    """One line of the log (a list or a drill-down) from its intervention and decision rows."""
    return InterventionSummary(
        uid=r.uid,
        closed_at=r.closed_at,
        local_day=r.local_day,
        channel=channel(r.channel),
        status=one_of(r.status, RECORD_STATUSES, "intervention.status"),
        staff_id=r.staff_id,
        machine_id=r.machine_id,
        customer_name_masked=r.customer_name_masked,
        customer_age=r.customer_age,
        amount_fen=r.amount_fen,
        score=r.score,
        level=level(r.level),
        typology_labels=r.typology_labels,
        decision=d.decision if d else None,
        decision_label=d.label if d else None,
        decision_group=d.decision_group if d else None,
        amount_protected_fen=d.amount_protected_fen if d else 0,
        handoff_from_uid=r.handoff_from_uid,
    )
