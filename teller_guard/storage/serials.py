"""Notice serials: ``<branch>-<YYYYMMDD>-<nnnn>``, unique per branch and local day, gapless.

One statement allocates a number on SQLite and PostgreSQL alike::

    INSERT INTO notice_counter (branch_code, local_day, last_seq) VALUES (:b, :d, 1)
    ON CONFLICT (branch_code, local_day) DO UPDATE SET last_seq = notice_counter.last_seq + 1
    RETURNING last_seq

It takes the row's write lock, so concurrent counters are served one after another (SQLite's
write lock, PostgreSQL's row lock) and never see the same number. The serial is recorded in
``notice_serial`` in the same transaction: if either fails, both roll back and the number is
handed out again, so the numbers of a day run 1, 2, 3 … with no gap. What happened to each
number is recorded too (:func:`settle_for_case`): a notice that was refused or never signed
is ``used`` or ``void``, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, insert, text, update

from teller_guard.storage.mapping import table_of
from teller_guard.storage.retry import run_with_retry
from teller_guard.storage.tables import NoticeSerialRow
from teller_guard.storage.write_turn import write_turn

_SERIALS = table_of(NoticeSerialRow)

_ALLOCATE = text(
    "INSERT INTO notice_counter (branch_code, local_day, last_seq) VALUES (:b, :d, 1) "
    "ON CONFLICT (branch_code, local_day) DO UPDATE SET last_seq = notice_counter.last_seq + 1 "
    "RETURNING last_seq"
)


def format_serial(branch_code: str, local_day: str, seq: int) -> str:
    """``BR0001-20261101-0007`` (four digits at least; a 10,000th notice of a day gets five)."""
    return f"{branch_code}-{local_day.replace('-', '')}-{seq:04d}"


def allocate(engine: Engine, branch_code: str, local_day: str, issued_at: datetime, draft_id: str | None) -> str:
    """Hand out the next serial of ``branch_code`` on ``local_day`` and record it as issued.

    Retried with jitter while the database is busy (:func:`~teller_guard.storage.retry.run_with_retry`).
    """

    def once() -> str:
        with write_turn(engine), engine.begin() as conn:
            seq = int(conn.execute(_ALLOCATE, {"b": branch_code, "d": local_day}).scalar_one())
            serial = format_serial(branch_code, local_day, seq)
            conn.execute(
                insert(_SERIALS).values(
                    serial=serial,
                    local_day=local_day,
                    issued_at=issued_at,
                    draft_id=draft_id,
                    branch_code=branch_code,
                    seq=seq,
                    status="issued",
                )
            )
            return serial

    return run_with_retry(once)


_USED = (
    update(_SERIALS)
    .where(_SERIALS.c.serial == bindparam("used"))
    .values(status="used", intervention_uid=bindparam("uid"), settled_at=bindparam("at"))
)
_VOID_OTHERS = (
    update(_SERIALS)
    .where(
        _SERIALS.c.draft_id == bindparam("draft"),
        _SERIALS.c.status == "issued",
        _SERIALS.c.serial != bindparam("used"),
    )
    .values(status="void", intervention_uid=bindparam("uid"), settled_at=bindparam("at"), note=bindparam("note"))
)
"""Built once: every save runs them, and building a statement costs more than running it here."""


def settle_for_case(
    conn: Connection,
    *,
    used_serial: str | None,
    draft_id: str | None,
    intervention_uid: str,
    at: datetime,
) -> None:
    """Record the fate of a closing case's serials, inside the case's own save transaction.

    The serial its acknowledgement carries is ``used``; any other serial issued for the same
    draft (a notice printed again, or a case closed without its notice) becomes ``void``.
    """
    if used_serial:
        conn.execute(_USED, {"used": used_serial, "uid": intervention_uid, "at": at})
    if draft_id:
        note = "case closed without this notice" if not used_serial else "notice issued again for the case"
        conn.execute(
            _VOID_OTHERS,
            {"draft": draft_id, "used": used_serial or "", "uid": intervention_uid, "at": at, "note": note},
        )


def void(engine: Engine, serial: str, note: str, at: datetime) -> bool:
    """Void one issued serial (a notice torn up before the case closed); False when it was not open."""

    def once() -> bool:
        with engine.begin() as conn:
            c = _SERIALS.c
            done = conn.execute(
                update(_SERIALS)
                .where(c.serial == serial, c.status == "issued")
                .values(status="void", settled_at=at, note=note)
            )
            return bool(done.rowcount)

    return run_with_retry(once)


@dataclass(frozen=True)
class SerialAudit:
    """What a branch's serials look like: every number accounted for, or not."""

    issued: int = 0
    """Serials handed out."""
    used: int = 0
    void: int = 0
    open: int = 0
    """Still ``issued``: a case not closed yet, or orphaned by a crash."""
    duplicates: list[str] = field(default_factory=list)
    """Serials recorded more than once (impossible by the primary key; checked anyway)."""
    missing: list[str] = field(default_factory=list)
    """Numbers below a day's highest that were never recorded (gaps)."""
    unused_acknowledgements: list[str] = field(default_factory=list)
    """Acknowledgements carrying a serial that was never issued."""


def audit(engine: Engine, *, branch_code: str | None = None, local_days: Iterable[str] | None = None) -> SerialAudit:
    """Check the serials: counts by fate, duplicates and gaps per branch and day."""
    where, params = [], {}
    if branch_code is not None:
        where.append("branch_code = :b")
        params["b"] = branch_code
    if local_days is not None:
        days = sorted(set(local_days))
        where.append("local_day IN (" + ", ".join(f":d{i}" for i in range(len(days))) + ")")
        params.update({f"d{i}": d for i, d in enumerate(days)})
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    with engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT serial, branch_code, local_day, seq, status FROM notice_serial{clause}"), params
        ).fetchall()
        acks = {r[0] for r in conn.execute(text("SELECT notice_serial FROM acknowledgement")).fetchall()}
    counts = {"issued": 0, "used": 0, "void": 0}
    seen: dict[str, int] = {}
    numbers: dict[tuple[str, str], set[int]] = {}
    for serial, branch, day, seq, status in rows:
        counts[status] = counts.get(status, 0) + 1
        seen[serial] = seen.get(serial, 0) + 1
        if seq is not None and branch is not None:
            numbers.setdefault((branch, day), set()).add(int(seq))
    missing = [
        format_serial(branch, day, n)
        for (branch, day), got in sorted(numbers.items())
        for n in range(1, max(got) + 1)
        if n not in got
    ]
    known = set(seen)
    return SerialAudit(
        issued=len(rows),
        used=counts.get("used", 0),
        void=counts.get("void", 0),
        open=counts.get("issued", 0),
        duplicates=sorted(s for s, k in seen.items() if k > 1),
        missing=missing,
        unused_acknowledgements=sorted(
            a for a in acks if a not in known and not a.startswith(("PREVIEW", "DEMO")) and branch_code is None
        ),
    )
