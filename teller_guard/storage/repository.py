"""The repository: the only code that reads and writes tables. It returns domain records
(:mod:`teller_guard.core.records`), never ORM rows, so callers cannot trip over expired or
detached instances after a commit.

Each method opens its own session (one unit of work), which makes the repository safe to
call from Textual thread workers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Engine, Table, func, insert, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from teller_guard.core.audit import AuditEvent
from teller_guard.core.clock import Clock, local_day, system_clock
from teller_guard.core.models import FiredSignal
from teller_guard.core.records import (
    AcknowledgementRecord,
    AnswerRecord,
    DecisionRecord,
    Draft,
    InterventionRecord,
    InterventionSummary,
    Staff,
    TypologyRef,
)
from teller_guard.storage import serials
from teller_guard.storage.db import ensure_schema, make_engine
from teller_guard.storage.history import HistoryQuery, police_refs_to_follow, search
from teller_guard.storage.retry import run_with_retry
from teller_guard.storage.staff import StaffStore
from teller_guard.storage.tables import (
    AcknowledgementRow,
    AnswerRow,
    AuditEventRow,
    DecisionRow,
    DraftRow,
    FiredSignalRow,
    InterventionRow,
)
from teller_guard.storage.write_turn import write_turn

_SEP = "；"


def _typed_dicts(table: Table, cols: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows for Core ``insert`` on a server database: SQLite datetime text back to aware UTC."""
    stamps = [
        i
        for i, c in enumerate(cols)
        if isinstance(getattr(table.c[c].type, "impl_instance", table.c[c].type), DateTime)
    ]
    out = []
    for row in rows:
        values = list(row)
        for i in stamps:
            if isinstance(values[i], str):
                values[i] = datetime.fromisoformat(values[i]).replace(tzinfo=UTC)
        out.append(dict(zip(cols, values, strict=True)))
    return out


def _check_ids(
    columns: Mapping[str, Sequence[str]], chunk: Mapping[str, Sequence[tuple[Any, ...]]], first: int, next_id: int
) -> None:
    """Interventions of a bulk chunk run on from ``next_id``; its other rows belong to interventions
    of the same bulk insert (``first`` … the chunk's last id)."""
    parents = chunk.get("intervention", ())
    k = list(columns["intervention"]).index("id")
    if any(row[k] != next_id + j for j, row in enumerate(parents)):
        raise ValueError(f"bulk insert: intervention ids must run on from {next_id} without gaps")
    last = next_id + len(parents) - 1
    for name, rows in chunk.items():
        if name == "intervention" or not rows:
            continue
        ids = list(map(itemgetter(list(columns[name]).index("intervention_id")), rows))
        if min(ids) < first or max(ids) > last:
            raise ValueError(f"bulk insert: a {name} row points outside interventions {first}–{last}")


class Repository:
    """Reads and writes the intervention log for one branch time zone."""

    def __init__(self, engine: Engine, tz: ZoneInfo, *, clock: Clock = system_clock) -> None:
        self.engine = engine
        """The SQLAlchemy engine (SQLite file or PostgreSQL)."""
        self.tz = tz
        """The branch's time zone: local days and months are computed with it on write."""
        self.clock = clock
        """Where the repository's own timestamps come from (draft updates, serials, staff rows)."""

    @classmethod
    def open(cls, url: str, tz: ZoneInfo, *, clock: Clock = system_clock) -> Repository:
        """Build the engine for ``url``, bring the schema to head (only if behind, under a lock),
        and return a repository."""
        engine = make_engine(url)
        ensure_schema(engine)
        return cls(engine, tz, clock=clock)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # ------------------------------------------------------------ time
    def local_day(self, moment: datetime) -> str:
        """The branch-local business day of ``moment`` (``YYYY-MM-DD``)."""
        return local_day(moment, self.tz)

    # ------------------------------------------------------------ staff
    @property
    def staff(self) -> StaffStore:
        """The staff accounts (:mod:`teller_guard.storage.staff`)."""
        return StaffStore(self.engine, self.clock)

    def get_staff(self, staff_id: str) -> Staff | None:
        """The public identity (id, name, role) of an account, or ``None``."""
        account = self.staff.get(staff_id)
        return account.staff if account is not None else None

    # ------------------------------------------------------------ the log
    def _row_dict(self, rec: InterventionRecord) -> dict[str, Any]:
        return {
            "uid": rec.uid,
            "channel": rec.channel,
            "status": rec.status,
            "started_at": rec.started_at,
            "closed_at": rec.closed_at,
            "local_day": self.local_day(rec.closed_at),
            "local_month": self.local_day(rec.closed_at)[:7],
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
            "typology_labels": _SEP.join(t.label for t in rec.typologies),
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

    @staticmethod
    def _children(rec: InterventionRecord, iid: int) -> dict[type, list[dict[str, Any]]]:
        out: dict[type, list[dict[str, Any]]] = {
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

    def save_intervention(self, rec: InterventionRecord, *, draft_id: str | None = None) -> InterventionRecord:
        """Write a whole intervention in one transaction and close its draft.

        Either everything (inputs, answers, signals, decision, acknowledgement, the fate of
        the case's notice serials) is saved or nothing is. A busy database or a dropped
        connection is retried (:mod:`~teller_guard.storage.retry`); a retry that finds the
        record already written by the attempt before it (the commit arrived, its answer did
        not) counts as saved.
        """
        attempts = 0

        def once() -> None:
            nonlocal attempts
            attempts += 1
            try:
                self._save_once(rec, draft_id)
            except IntegrityError:
                if attempts > 1 and self.stored_hash(rec.uid) == rec.record_hash():
                    return
                raise

        run_with_retry(once)
        return rec

    def _save_once(self, rec: InterventionRecord, draft_id: str | None) -> None:
        with write_turn(self.engine), self.session() as s:
            row = InterventionRow(**self._row_dict(rec))
            s.add(row)
            s.flush()
            assert row.id is not None
            for table, rows in self._children(rec, row.id).items():
                for values in rows:
                    s.add(table(**values))
            if draft_id:
                draft = s.get(DraftRow, draft_id)
                if draft is not None:
                    draft.status, draft.intervention_uid, draft.updated_at = (
                        "closed",
                        rec.uid,
                        self.clock(),
                    )
                    s.add(draft)
            s.flush()
            serials.settle_for_case(
                s.connection(),
                used_serial=(
                    rec.acknowledgement.notice_serial if rec.acknowledgement else rec.extra.get("take_home_notice")
                ),
                draft_id=draft_id,
                intervention_uid=rec.uid,
                at=self.clock(),
            )
            s.commit()

    def bulk_insert(self, records: Iterable[InterventionRecord], *, batch: int = 20_000) -> int:
        """Insert many records fast with Core ``insert`` (for demo data and imports).

        ORM ``add_all`` costs ~73 µs a row; Core executemany with explicit ids is ~10x faster.
        """
        count = 0
        with self.engine.begin() as conn:
            next_id = (conn.execute(select(func.max(InterventionRow.id))).scalar() or 0) + 1
            buf: list[InterventionRecord] = []

            def flush() -> None:
                nonlocal next_id
                if not buf:
                    return
                rows: list[dict[str, Any]] = []
                kids: dict[type, list[dict[str, Any]]] = {
                    AnswerRow: [],
                    FiredSignalRow: [],
                    DecisionRow: [],
                    AcknowledgementRow: [],
                }
                for rec in buf:
                    rows.append({"id": next_id, **self._row_dict(rec)})
                    for table, values in self._children(rec, next_id).items():
                        kids[table].extend(values)
                    next_id += 1
                conn.execute(insert(InterventionRow.__table__), rows)  # type: ignore[attr-defined]
                for table, values in kids.items():
                    if values:
                        conn.execute(insert(table.__table__), values)  # type: ignore[attr-defined]
                buf.clear()

            for rec in records:
                buf.append(rec)
                count += 1
                if len(buf) >= batch:
                    flush()
            flush()
        return count

    def bulk_insert_rows(
        self,
        columns: Mapping[str, Sequence[str]],
        make_chunks: Callable[[int], Iterable[Mapping[str, Sequence[tuple[Any, ...]]]]],
        *,
        rebuild_indexes: bool = False,
    ) -> int:
        """Insert pre-built row tuples (demo data, benchmarks) in one transaction; return the
        number of intervention rows.

        ``make_chunks(first_id)`` is called once the write lock is held, with the first free
        intervention id, and yields chunks of rows per table (``columns`` gives each table's
        column order; parents first). Intervention ids must run on from ``first_id`` without
        gaps, and every child row must belong to an intervention of this same call (checked,
        chunk by chunk). Datetimes are given as SQLite's storage text
        (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC). On SQLite the rows go straight to the driver's
        ``executemany`` (≈1 µs a row; Core ``insert`` spends ≈7 µs a row on type processing,
        the ORM ≈73 µs, ECOSYSTEM.md §7); elsewhere through Core ``insert``.

        ``rebuild_indexes`` (SQLite): drop the log's secondary indexes and build them once at
        the end, inside the same transaction — faster when the insert is at least as large as
        what is already there.

        Raises:
            ValueError: ids that do not run on from ``first_id``, or a child row of another call.
        """
        models = (InterventionRow, AnswerRow, FiredSignalRow, DecisionRow, AcknowledgementRow)
        tables: dict[str, Table] = {m.__tablename__: m.__table__ for m in models}  # type: ignore[attr-defined,union-attr]
        count = 0
        if self.engine.dialect.name != "sqlite":
            with self.engine.begin() as conn:
                conn.execute(text("LOCK TABLE intervention IN EXCLUSIVE MODE"))
                first = (conn.execute(select(func.max(InterventionRow.id))).scalar() or 0) + 1
                for chunk in make_chunks(first):
                    _check_ids(columns, chunk, first, first + count)
                    for name, rows in chunk.items():
                        if rows:
                            conn.execute(insert(tables[name]), _typed_dicts(tables[name], columns[name], rows))
                    count += len(chunk.get("intervention", ()))
            return count
        sql = {
            name: f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            for name, cols in columns.items()
        }
        raw = self.engine.raw_connection()
        try:
            db = raw.driver_connection
            assert db is not None
            # A bigger page cache for this one connection keeps the index B-trees in memory
            # while a million rows go in; the default (2 MB) thrashes.
            db.execute("PRAGMA cache_size=-262144")
            # Child rows can only point at interventions of this call (_check_ids), so the
            # per-row foreign-key lookups — a third of the insert time — are skipped for this
            # connection. The pragma is ignored inside a transaction, hence before BEGIN.
            db.execute("PRAGMA foreign_keys=OFF")
            # Take the write lock before reading the next id, so a counter saving a case at the
            # same moment cannot claim the same ids.
            db.execute("BEGIN IMMEDIATE")
            try:
                first = (db.execute("SELECT max(id) FROM intervention").fetchone()[0] or 0) + 1
                dropped: list[tuple[str, str]] = []
                if rebuild_indexes:
                    dropped = db.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                        f"AND tbl_name IN ({', '.join('?' * len(columns))})",
                        list(columns),
                    ).fetchall()
                    for name, _ in dropped:
                        db.execute(f'DROP INDEX "{name}"')
                for chunk in make_chunks(first):
                    _check_ids(columns, chunk, first, first + count)
                    for name in columns:
                        if chunk.get(name):
                            db.executemany(sql[name], chunk[name])
                    count += len(chunk.get("intervention", ()))
                for _, create in dropped:
                    db.execute(create)
                db.commit()
            except BaseException:
                db.rollback()
                raise
            finally:
                db.execute("PRAGMA foreign_keys=ON")
                db.execute("PRAGMA cache_size=-2000")
        finally:
            raw.close()
        return count

    def get(self, uid: str) -> InterventionRecord | None:
        """The full record, as it was saved."""
        with self.session() as s:
            row = s.exec(select(InterventionRow).where(InterventionRow.uid == uid)).first()
            if row is None:
                return None
            return self._record(s, row)

    def records(self, *, channel: str | None = None, batch: int = 500) -> Iterator[InterventionRecord]:
        """Every stored intervention as a full record, oldest first, read in batches.

        For re-scoring the log with other rules (``rules backtest``): the children of a batch
        are read with one query per table, not one per record.
        """
        last = 0
        while True:
            with self.session() as s:
                stmt = select(InterventionRow).where(col(InterventionRow.id) > last)
                if channel is not None:
                    stmt = stmt.where(InterventionRow.channel == channel)
                rows = s.exec(stmt.order_by(col(InterventionRow.id)).limit(batch)).all()
                if not rows:
                    return
                ids = [r.id for r in rows]
                answers: dict[int, list[AnswerRow]] = {}
                for x in s.exec(
                    select(AnswerRow).where(col(AnswerRow.intervention_id).in_(ids)).order_by(col(AnswerRow.id))
                ).all():
                    answers.setdefault(x.intervention_id, []).append(x)
                signals: dict[int, list[FiredSignalRow]] = {}
                for y in s.exec(
                    select(FiredSignalRow)
                    .where(col(FiredSignalRow.intervention_id).in_(ids))
                    .order_by(col(FiredSignalRow.id))
                ).all():
                    signals.setdefault(y.intervention_id, []).append(y)
                decisions = {
                    d.intervention_id: d
                    for d in s.exec(select(DecisionRow).where(col(DecisionRow.intervention_id).in_(ids))).all()
                }
                acks = {
                    a.intervention_id: a
                    for a in s.exec(
                        select(AcknowledgementRow).where(col(AcknowledgementRow.intervention_id).in_(ids))
                    ).all()
                }
                out = [
                    self._build(r, answers.get(r.id, []), signals.get(r.id, []), decisions.get(r.id), acks.get(r.id))
                    for r in rows
                ]
                last = rows[-1].id or last
            yield from out

    def _record(self, s: Session, row: InterventionRow) -> InterventionRecord:
        iid = row.id
        answers = s.exec(select(AnswerRow).where(AnswerRow.intervention_id == iid).order_by(col(AnswerRow.id))).all()
        signals = s.exec(
            select(FiredSignalRow).where(FiredSignalRow.intervention_id == iid).order_by(col(FiredSignalRow.id))
        ).all()
        return self._build(row, answers, signals, s.get(DecisionRow, iid), s.get(AcknowledgementRow, iid))

    @staticmethod
    def _build(
        row: InterventionRow,
        answers: Sequence[AnswerRow],
        signals: Sequence[FiredSignalRow],
        d: DecisionRow | None,
        a: AcknowledgementRow | None,
    ) -> InterventionRecord:
        ids = [x for x in row.typology_ids.split(",") if x]
        labels = row.typology_labels.split(_SEP) if row.typology_labels else []
        return InterventionRecord(
            uid=row.uid,
            channel=row.channel,  # type: ignore[arg-type]
            status=row.status,  # type: ignore[arg-type]
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
            level=row.level,  # type: ignore[arg-type]
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
                supervisor_auth=d.supervisor_auth,  # type: ignore[arg-type]
                note=d.note,
            )
            if d
            else None,
            acknowledgement=AcknowledgementRecord(
                method=a.method,
                notice_serial=a.notice_serial,
                notice_version=a.notice_version,  # type: ignore[arg-type]
                notice_text_hash=a.notice_text_hash,
                signer_masked=a.signer_masked,
                witness_staff_id=a.witness_staff_id,
                at=a.at,
                supervisor_id=a.supervisor_id,
                reason=a.reason,
                supervisor_at=a.supervisor_at,
                supervisor_auth=a.supervisor_auth,  # type: ignore[arg-type]
            )
            if a
            else None,
            handoff_from_uid=row.handoff_from_uid,
            corrects_uid=row.corrects_uid,
            correction_reason=row.correction_reason,
            step_seconds=json.loads(row.step_seconds),
            extra=json.loads(row.extra_json),
        )

    def stored_hash(self, uid: str) -> str | None:
        """The hash written with the record (to verify a paper notice or an export)."""
        with self.session() as s:
            return s.exec(select(InterventionRow.record_hash).where(InterventionRow.uid == uid)).first()

    def summaries(
        self,
        *,
        local_day: date | str | None = None,
        local_month: str | None = None,
        staff_id: str | None = None,
        channel: str | None = None,
        uids: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[InterventionSummary]:
        """List interventions (newest first) for a local day or month, a teller, a channel."""
        stmt = select(InterventionRow, DecisionRow).join(DecisionRow, isouter=True)
        if local_day is not None:
            stmt = stmt.where(InterventionRow.local_day == str(local_day))
        if local_month is not None:
            stmt = stmt.where(InterventionRow.local_month == local_month)
        if staff_id is not None:
            stmt = stmt.where(InterventionRow.staff_id == staff_id)
        if channel is not None:
            stmt = stmt.where(InterventionRow.channel == channel)
        if uids is not None:
            stmt = stmt.where(col(InterventionRow.uid).in_(list(uids)))
        stmt = stmt.order_by(col(InterventionRow.closed_at).desc(), col(InterventionRow.id).desc())
        if limit:
            stmt = stmt.limit(limit)
        with self.session() as s:
            return [self._summary(r, d) for r, d in s.exec(stmt).all()]

    @staticmethod
    def _summary(r: InterventionRow, d: DecisionRow | None) -> InterventionSummary:
        return InterventionSummary(
            uid=r.uid,
            closed_at=r.closed_at,
            local_day=r.local_day,
            channel=r.channel,
            status=r.status,  # type: ignore[arg-type]
            staff_id=r.staff_id,
            machine_id=r.machine_id,
            customer_name_masked=r.customer_name_masked,
            customer_age=r.customer_age,
            amount_fen=r.amount_fen,
            score=r.score,
            level=r.level,  # type: ignore[arg-type]
            typology_labels=r.typology_labels,
            decision=d.decision if d else None,
            decision_label=d.label if d else None,
            decision_group=d.decision_group if d else None,
            amount_protected_fen=d.amount_protected_fen if d else 0,
            handoff_from_uid=r.handoff_from_uid,
        )

    def pending_handoffs(self) -> list[InterventionSummary]:
        """Lobby cases brought to the counter that no counter case has continued yet."""
        continued = select(InterventionRow.handoff_from_uid).where(col(InterventionRow.handoff_from_uid).is_not(None))
        stmt = (
            select(InterventionRow, DecisionRow)
            .join(DecisionRow)
            .where(DecisionRow.decision_group == "handoff", col(InterventionRow.uid).not_in(continued))
            .order_by(col(InterventionRow.closed_at))
        )
        with self.session() as s:
            return [self._summary(r, d) for r, d in s.exec(stmt).all()]

    def search_history(self, query: HistoryQuery) -> list[InterventionSummary]:
        """History beyond today and this counter (:mod:`teller_guard.storage.history`), in its order."""
        with self.session() as s:
            found = search(s, query)
        return self._in_order(found)

    def police_refs_to_follow(self) -> list[InterventionSummary]:
        """Police cases closed with the receipt number still to come, until a correction adds it."""
        with self.session() as s:
            found = police_refs_to_follow(s)
        return self._in_order(found)

    def _in_order(self, uids: list[str]) -> list[InterventionSummary]:
        by_uid = {x.uid: x for x in self.summaries(uids=uids)} if uids else {}
        return [by_uid[u] for u in uids if u in by_uid]

    def latest_version(self, uid: str) -> InterventionRecord | None:
        """The newest correction of ``uid`` (following corrections of corrections), or the record itself."""
        rec = self.get(uid)
        seen = {uid}
        while rec is not None:
            newer = self.corrections_of(rec.uid)
            if not newer:
                return rec
            nxt = max(newer, key=lambda c: c.closed_at).uid
            if nxt in seen:
                return rec
            seen.add(nxt)
            rec = self.get(nxt)
        return None

    def corrections_of(self, uid: str) -> list[InterventionSummary]:
        stmt = (
            select(InterventionRow, DecisionRow)
            .join(DecisionRow, isouter=True)
            .where(InterventionRow.corrects_uid == uid)
        )
        with self.session() as s:
            return [self._summary(r, d) for r, d in s.exec(stmt).all()]

    # ------------------------------------------------------------ drafts
    def save_draft(self, draft: Draft) -> None:
        """Insert or overwrite a draft; called on every change, so a crash loses nothing."""
        run_with_retry(lambda: self._save_draft_once(draft))

    def _save_draft_once(self, draft: Draft) -> None:
        with write_turn(self.engine), self.session() as s:
            row = s.get(DraftRow, draft.draft_id)
            state = json.dumps(draft.state, ensure_ascii=False, default=str)
            if row is None:
                row = DraftRow(
                    draft_id=draft.draft_id,
                    channel=draft.channel,
                    staff_id=draft.staff_id,
                    status=draft.status,
                    started_at=draft.started_at,
                    updated_at=draft.updated_at,
                    state_json=state,
                    intervention_uid=draft.intervention_uid,
                )
            else:
                row.status, row.updated_at, row.state_json = draft.status, draft.updated_at, state
                row.intervention_uid = draft.intervention_uid
            s.add(row)
            s.commit()

    def open_drafts(self, *, staff_id: str | None = None, channel: str | None = None) -> list[Draft]:
        """Drafts left open (by a crash or a power cut), oldest first."""
        stmt = select(DraftRow).where(DraftRow.status == "open")
        if staff_id:
            stmt = stmt.where(DraftRow.staff_id == staff_id)
        if channel:
            stmt = stmt.where(DraftRow.channel == channel)
        with self.session() as s:
            return [
                Draft(
                    draft_id=r.draft_id,
                    channel=r.channel,
                    staff_id=r.staff_id,
                    status=r.status,  # type: ignore[arg-type]
                    started_at=r.started_at,
                    updated_at=r.updated_at,
                    state=json.loads(r.state_json),
                    intervention_uid=r.intervention_uid,
                )
                for r in s.exec(stmt.order_by(col(DraftRow.started_at))).all()
            ]

    def set_draft_status(self, draft_id: str, status: str) -> None:
        run_with_retry(lambda: self._set_draft_status_once(draft_id, status))

    def _set_draft_status_once(self, draft_id: str, status: str) -> None:
        with write_turn(self.engine), self.session() as s:
            row = s.get(DraftRow, draft_id)
            if row is not None:
                row.status, row.updated_at = status, self.clock()
                s.add(row)
                s.commit()

    # ------------------------------------------------------------ audit trail
    def record_audit(self, event: AuditEvent) -> AuditEvent:
        """Append one audit event (never changed afterwards); return it with its id."""
        row = AuditEventRow(
            at=event.at,
            local_month=self.local_day(event.at)[:7],
            kind=event.kind,
            staff_id=event.staff_id,
            ok=event.ok,
            origin=event.origin,
            client=event.client,
            subject=event.subject,
            detail_json=json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
        )
        with self.session() as s:
            s.add(row)
            s.commit()
            return event.model_copy(update={"id": row.id})

    def audit_events(
        self, *, local_month: str | None = None, staff_id: str | None = None, kind: str | None = None
    ) -> list[AuditEvent]:
        """Audit events in the order they were written, filtered by local month, staff and kind."""
        stmt = select(AuditEventRow)
        if local_month is not None:
            stmt = stmt.where(AuditEventRow.local_month == local_month)
        if staff_id is not None:
            stmt = stmt.where(AuditEventRow.staff_id == staff_id)
        if kind is not None:
            stmt = stmt.where(AuditEventRow.kind == kind)
        with self.session() as s:
            return [
                AuditEvent(
                    id=r.id,
                    at=r.at,
                    kind=r.kind,
                    staff_id=r.staff_id,
                    ok=r.ok,
                    origin=r.origin,  # type: ignore[arg-type]
                    client=r.client,
                    subject=r.subject,
                    detail=json.loads(r.detail_json),
                )
                for r in s.exec(stmt.order_by(col(AuditEventRow.id))).all()
            ]

    # ------------------------------------------------------------ notice serials
    def next_notice_serial(self, branch_code: str, *, draft_id: str | None = None, at: datetime | None = None) -> str:
        """A new notice serial ``<branch>-<YYYYMMDD>-<nnnn>``: unique per branch and local day,
        numbered without gaps, recorded as issued (:mod:`teller_guard.storage.serials`)."""
        moment = at or self.clock()
        return serials.allocate(self.engine, branch_code, self.local_day(moment), moment, draft_id)

    def void_notice_serial(self, serial: str, note: str) -> bool:
        """Record that an issued notice will not be used (torn up before the case closed)."""
        return serials.void(self.engine, serial, note, self.clock())

    def notice_serial_audit(self, *, branch_code: str | None = None) -> serials.SerialAudit:
        """Every serial accounted for: counts by fate, duplicates and gaps."""
        return serials.audit(self.engine, branch_code=branch_code)
