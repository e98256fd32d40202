"""History searches over the log: beyond today and this counter, for the roles that may.

:func:`search` filters by local date range, serial (a notice serial or the start of a record
uid), masked customer, amount, level, decision and member of staff, and sorts; only the newest
version of a corrected record is listed (a correction replaces what it corrects).
:func:`police_refs_to_follow` lists the police cases closed with the receipt number still to
come, until a correction adds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from teller_guard.storage.tables import DecisionRow, InterventionRow, NoticeSerialRow

SORTS = {
    "time": col(InterventionRow.closed_at),
    "amount": col(InterventionRow.amount_fen),
    "score": col(InterventionRow.score),
}
"""Sort keys the history screen offers."""


@dataclass(frozen=True)
class HistoryQuery:
    """What to look for; every field is optional (``None``: any)."""

    day_from: date | None = None
    day_to: date | None = None
    """Branch-local business days, inclusive."""
    serial: str | None = None
    """A notice serial (in full or its end), or the start of a record uid."""
    customer: str | None = None
    """Masked customer name as listed (``张**``) or its surname."""
    amount_fen: int | None = None
    level: str | None = None
    decision: str | None = None
    """Decision id (``police`` …) or ``abandoned`` for cases given up."""
    staff_id: str | None = None
    channel: str | None = None
    sort: str = "time"
    descending: bool = True
    limit: int = 500


def _superseded() -> Any:
    """The uids a correction replaces (a subquery; typed Any: SQLModel's select overloads)."""
    return select(InterventionRow.corrects_uid).where(col(InterventionRow.corrects_uid).is_not(None))


def search(session: Session, q: HistoryQuery) -> list[str]:
    """The uids of the records matching ``q`` (newest version of each record only), sorted."""
    stmt = select(InterventionRow.uid).join(DecisionRow, isouter=True)
    stmt = stmt.where(col(InterventionRow.uid).not_in(_superseded()))
    if q.day_from is not None:
        stmt = stmt.where(InterventionRow.local_day >= q.day_from.isoformat())
    if q.day_to is not None:
        stmt = stmt.where(InterventionRow.local_day <= q.day_to.isoformat())
    if q.staff_id:
        stmt = stmt.where(InterventionRow.staff_id == q.staff_id)
    if q.channel:
        stmt = stmt.where(InterventionRow.channel == q.channel)
    if q.customer:
        stmt = stmt.where(col(InterventionRow.customer_name_masked).startswith(q.customer.strip().rstrip("*")))
    if q.amount_fen is not None:
        stmt = stmt.where(InterventionRow.amount_fen == q.amount_fen)
    if q.level:
        stmt = stmt.where(InterventionRow.level == q.level)
    if q.decision == "abandoned":
        stmt = stmt.where(InterventionRow.status == "abandoned")
    elif q.decision:
        stmt = stmt.where(DecisionRow.decision == q.decision)
    if q.serial:
        wanted = q.serial.strip().upper()
        by_serial = select(NoticeSerialRow.intervention_uid).where(
            col(NoticeSerialRow.intervention_uid).is_not(None),
            or_(col(NoticeSerialRow.serial) == wanted, col(NoticeSerialRow.serial).endswith(wanted)),
        )
        # A correction is a new record: the serial was settled on the one it corrects.
        corrected = select(InterventionRow.uid).where(col(InterventionRow.corrects_uid).in_(by_serial))
        stmt = stmt.where(
            or_(
                col(InterventionRow.uid).in_(by_serial),
                col(InterventionRow.uid).in_(corrected),
                col(InterventionRow.uid).startswith(q.serial.strip().lower()),
            )
        )
    key = SORTS.get(q.sort, SORTS["time"])
    stmt = stmt.order_by(key.desc() if q.descending else key.asc(), col(InterventionRow.id).desc()).limit(q.limit)
    return list(session.exec(stmt).all())


def police_refs_to_follow(session: Session) -> list[str]:
    """The uids of police cases (newest version) closed without a receipt number, oldest first."""
    stmt = (
        select(InterventionRow.uid)
        .join(DecisionRow)
        .where(
            DecisionRow.decision_group == "police",
            or_(col(DecisionRow.police_ref).is_(None), col(DecisionRow.police_ref) == ""),
            col(InterventionRow.uid).not_in(_superseded()),
        )
        .order_by(col(InterventionRow.closed_at))
    )
    return list(session.exec(stmt).all())
