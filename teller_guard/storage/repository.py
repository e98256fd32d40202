"""The repository: the only code that reads and writes tables. It returns domain records
(:mod:`teller_guard.core.records`), never ORM rows, so callers cannot trip over expired or
detached instances after a commit.

Each method opens its own session (one unit of work), which makes the repository safe to
call from Textual thread workers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Engine, Table, bindparam, delete, func, insert, text
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from teller_guard.core.audit import AuditEvent
from teller_guard.core.clock import Clock, local_day, system_clock
from teller_guard.core.privacy import scrub
from teller_guard.core.records import (
    Draft,
    InterventionRecord,
    InterventionSummary,
    Staff,
)
from teller_guard.storage import chain, mapping, serials
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

_DELETE_DRAFT = delete(mapping.table_of(DraftRow)).where(mapping.table_of(DraftRow).c.draft_id == bindparam("draft_id"))
"""Built once: every save of a case typed at a screen runs it."""


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


_KEPT_AS_IS = re.compile(r"(?:^|_)(?:id|uid|ref|serial|at|masked|amount|seconds|channel|role|status|business)$")


def scrub_state(value: Any, key: str = "") -> Any:
    """A draft's form state with every free-text value scrubbed (:func:`teller_guard.core.privacy.scrub`);
    identifiers, times, masked values and the amount as typed are kept as they are."""
    if isinstance(value, dict):
        return {k: scrub_state(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_state(v, key) for v in value]
    if isinstance(value, str) and not _KEPT_AS_IS.search(key):
        return scrub(value, one_line=False, names=False)
    return value


def _free_text(rec: InterventionRecord) -> Iterator[str]:
    yield from (rec.purpose_text, rec.payee_relation_text, rec.notes_text, rec.correction_reason or "")
    yield from rec.previous_purposes
    for a in rec.answers:
        yield a.said
        if isinstance(a.value, str):
            yield a.value
    for f in rec.signals:
        yield f.evidence
        yield f.reason
    if rec.decision:
        yield rec.decision.note
        yield rec.decision.supervisor_reason or ""
    if rec.acknowledgement:
        yield rec.acknowledgement.reason or ""


def _scrubbed_record(rec: InterventionRecord) -> InterventionRecord:
    """The record with its free text scrubbed, even if it was built with ``model_copy`` (which
    skips the validators that scrub): validated again only when some text would change."""
    if all(scrub(t, one_line=False, names=False) == t for t in _free_text(rec)):
        return rec
    return InterventionRecord.model_validate(rec.model_dump())


class Repository:
    """Reads and writes the intervention log for one branch time zone."""

    def __init__(
        self, engine: Engine, tz: ZoneInfo, *, clock: Clock = system_clock, secret: bytes | None = None
    ) -> None:
        self.engine = engine
        """The SQLAlchemy engine (SQLite file or PostgreSQL)."""
        self.tz = tz
        """The branch's time zone: local days and months are computed with it on write."""
        self.clock = clock
        """Where the repository's own timestamps come from (draft updates, serials, staff rows)."""
        self._secret = secret

    @property
    def chain_key(self) -> bytes:
        """The evidence chain's key (:mod:`~teller_guard.storage.chain`), derived from the
        installation secret given at construction, or else the configured data folder's."""
        if self._secret is None:
            from teller_guard.config import Settings

            self._secret = Settings().secret()
        return chain.chain_key(self._secret)

    @classmethod
    def open(cls, url: str, tz: ZoneInfo, *, clock: Clock = system_clock, secret: bytes | None = None) -> Repository:
        """Build the engine for ``url``, bring the schema to head (only if behind, under a lock),
        and return a repository (``secret``: the installation secret that keys the chain)."""
        engine = make_engine(url)
        ensure_schema(engine)
        return cls(engine, tz, clock=clock, secret=secret)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # ------------------------------------------------------------ evidence chain
    def seal_upgrade(self) -> int:
        """Chain the rows that were in the log when migration 0007 ran (once; 0 otherwise)."""
        with self.engine.connect() as conn:
            if not chain.seal_pending(conn):
                return 0

        def once() -> int:
            with write_turn(self.engine), self.engine.connect() as conn:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                chain.lock(conn)
                app = chain.Appender(conn, self.chain_key, self.clock())
                sealed = chain.seal_existing(app)
                app.flush()
                conn.commit()
                return sealed

        return run_with_retry(once)

    def purge_free_text(self, before: date) -> int:
        """Replace the free text of cases of branch-local days before ``before`` by a tombstone,
        each with a ``purge`` link, so the chain still verifies (:func:`teller_guard.storage.chain.purge`).
        Returns the number of cases purged. Needs the owner role on PostgreSQL."""

        def once() -> int:
            with write_turn(self.engine), self.engine.connect() as conn:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                note = f"free text purged: cases before {before.isoformat()} (retention)"
                n = chain.purge(conn, self.chain_key, self.clock(), before.isoformat(), note)
                conn.commit()
                return n

        return run_with_retry(once)

    def verify_chain(self) -> chain.Verdict:
        """Walk the whole evidence chain (:func:`teller_guard.storage.chain.verify`)."""
        with self.engine.connect() as conn:
            return chain.verify(conn, [self.chain_key])

    def quick_verify(self, n: int = 50) -> chain.Break | None:
        """Check the newest ``n`` links (the start-up check); ``None`` when they hold."""
        with self.engine.connect() as conn:
            return chain.quick(conn, [self.chain_key], n)

    def chain_head(self) -> chain.Link | None:
        """The newest link (printed on exports as ``seq:MAC prefix``)."""
        with self.engine.connect() as conn:
            return chain.head(conn)

    def head_is_on_chain(self, printed: str) -> bool:
        with self.engine.connect() as conn:
            return chain.against(conn, printed)

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
    def save_intervention(self, rec: InterventionRecord, *, draft_id: str | None = None) -> InterventionRecord:
        """Write a whole intervention in one transaction and close its draft.

        Either everything (inputs, answers, signals, decision, acknowledgement, the fate of
        the case's notice serials) is saved or nothing is. A busy database or a dropped
        connection is retried (:mod:`~teller_guard.storage.retry`); a retry that finds the
        record already written by the attempt before it (the commit arrived, its answer did
        not) counts as saved.
        """
        rec = _scrubbed_record(rec)
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
        # SQLAlchemy Core, not the ORM: one INSERT per table and no identity map, unit of work
        # or 40 row objects to build (bench/bench_save.py).
        values = mapping.intervention_values(rec, self.tz)
        children = mapping.child_values(rec, 0)
        now = self.clock()
        with write_turn(self.engine), self.engine.begin() as conn:
            chain.lock(conn)  # PostgreSQL: ids are then handed out in chain order
            key = conn.execute(insert(mapping.table_of(InterventionRow)), values).inserted_primary_key
            iid = mapping.stored_id(key[0] if key else None)
            for table, rows in children.items():
                if rows:
                    for row in rows:
                        row["intervention_id"] = iid
                    conn.execute(insert(mapping.table_of(table)), rows)
            if draft_id:
                # The case is logged: its draft (the form as typed) is deleted, not kept closed.
                conn.execute(_DELETE_DRAFT, {"draft_id": draft_id})
            chain.append(conn, self.chain_key, now, "intervention", [iid])
            serials.settle_for_case(
                conn,
                used_serial=(
                    rec.acknowledgement.notice_serial if rec.acknowledgement else rec.extra.get("take_home_notice")
                ),
                draft_id=draft_id,
                intervention_uid=rec.uid,
                at=now,
            )

    def bulk_insert(self, records: Iterable[InterventionRecord], *, batch: int = 20_000) -> int:
        """Insert many records fast with Core ``insert`` (for demo data and imports).

        ORM ``add_all`` costs ~73 µs a row; Core executemany with explicit ids is ~10x faster.
        """
        count = 0
        key = self.chain_key
        with write_turn(self.engine), self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            chain.lock(conn)
            next_id = (conn.execute(select(func.max(InterventionRow.id))).scalar() or 0) + 1
            buf: list[InterventionRecord] = []

            def flush() -> None:
                nonlocal next_id
                if not buf:
                    return
                rows: list[dict[str, Any]] = []
                kids: dict[type[SQLModel], list[dict[str, Any]]] = {
                    AnswerRow: [],
                    FiredSignalRow: [],
                    DecisionRow: [],
                    AcknowledgementRow: [],
                }
                for rec in buf:
                    rows.append({"id": next_id, **mapping.intervention_values(rec, self.tz)})
                    for table, values in mapping.child_values(rec, next_id).items():
                        kids[table].extend(values)
                    next_id += 1
                conn.execute(insert(mapping.table_of(InterventionRow)), rows)
                for table, values in kids.items():
                    if values:
                        conn.execute(insert(mapping.table_of(table)), values)
                chain.append(conn, key, self.clock(), "intervention", [r["id"] for r in rows])
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
        models: tuple[type[SQLModel], ...] = (
            InterventionRow,
            AnswerRow,
            FiredSignalRow,
            DecisionRow,
            AcknowledgementRow,
        )
        tables: dict[str, Table] = {t.name: t for t in map(mapping.table_of, models)}
        count = 0
        key = self.chain_key
        if self.engine.dialect.name != "sqlite":
            with self.engine.begin() as conn:
                chain.lock(conn)  # first, as every writer takes it (no deadlock with a counter's save)
                conn.execute(text("LOCK TABLE intervention IN EXCLUSIVE MODE"))
                first = (conn.execute(select(func.max(InterventionRow.id))).scalar() or 0) + 1
                for chunk in make_chunks(first):
                    _check_ids(columns, chunk, first, first + count)
                    for name, rows in chunk.items():
                        if rows:
                            conn.execute(insert(tables[name]), _typed_dicts(tables[name], columns[name], rows))
                    n = len(chunk.get("intervention", ()))
                    if n:
                        chain.append(conn, key, self.clock(), "intervention", range(first + count, first + count + n))
                    count += n
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
                raw_conn = chain.RawSqlite(db)
                for chunk in make_chunks(first):
                    _check_ids(columns, chunk, first, first + count)
                    floors = {
                        t: db.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]
                        for t in ("answer", "fired_signal")
                    }
                    for name in columns:
                        if chunk.get(name):
                            db.executemany(sql[name], chunk[name])
                    n = len(chunk.get("intervention", ()))
                    if n:
                        chain.append(
                            raw_conn,  # type: ignore[arg-type]  # duck-typed: the bulk writer's raw sqlite3 connection
                            key,
                            self.clock(),
                            "intervention",
                            range(first + count, first + count + n),
                            children_after=floors,
                        )
                    count += n
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
        # Core rows, not ORM objects: no identity map or instrumented objects for rows that are
        # only read once (half the time of a 5,000-record read).
        t_int, t_ans, t_sig = (mapping.table_of(m) for m in (InterventionRow, AnswerRow, FiredSignalRow))
        t_dec, t_ack = mapping.table_of(DecisionRow), mapping.table_of(AcknowledgementRow)
        last = 0
        while True:
            with self.engine.connect() as conn:
                stmt = core_select(t_int).where(t_int.c.id > last)
                if channel is not None:
                    stmt = stmt.where(t_int.c.channel == channel)
                rows = conn.execute(stmt.order_by(t_int.c.id).limit(batch)).all()
                if not rows:
                    return
                ids = [r.id for r in rows]
                answers: dict[int, list[Any]] = {}
                for x in conn.execute(core_select(t_ans).where(t_ans.c.intervention_id.in_(ids)).order_by(t_ans.c.id)):
                    answers.setdefault(x.intervention_id, []).append(x)
                signals: dict[int, list[Any]] = {}
                for y in conn.execute(core_select(t_sig).where(t_sig.c.intervention_id.in_(ids)).order_by(t_sig.c.id)):
                    signals.setdefault(y.intervention_id, []).append(y)
                decisions = {
                    d.intervention_id: d
                    for d in conn.execute(core_select(t_dec).where(t_dec.c.intervention_id.in_(ids)))
                }
                acks = {
                    a.intervention_id: a
                    for a in conn.execute(core_select(t_ack).where(t_ack.c.intervention_id.in_(ids)))
                }
            yield from (
                mapping.record_from_rows(
                    r, answers.get(r.id, []), signals.get(r.id, []), decisions.get(r.id), acks.get(r.id)
                )
                for r in rows
            )
            last = rows[-1].id

    def _record(self, s: Session, row: InterventionRow) -> InterventionRecord:
        iid = row.id
        answers = s.exec(select(AnswerRow).where(AnswerRow.intervention_id == iid).order_by(col(AnswerRow.id))).all()
        signals = s.exec(
            select(FiredSignalRow).where(FiredSignalRow.intervention_id == iid).order_by(col(FiredSignalRow.id))
        ).all()
        return mapping.record_from_rows(row, answers, signals, s.get(DecisionRow, iid), s.get(AcknowledgementRow, iid))

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
            return [mapping.summary_from_rows(r, d) for r, d in s.exec(stmt).all()]

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
            return [mapping.summary_from_rows(r, d) for r, d in s.exec(stmt).all()]

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
            return [mapping.summary_from_rows(r, d) for r, d in s.exec(stmt).all()]

    # ------------------------------------------------------------ drafts
    def save_draft(self, draft: Draft) -> None:
        """Insert or overwrite a draft; called on every change, so a crash loses nothing."""
        run_with_retry(lambda: self._save_draft_once(draft))

    def _save_draft_once(self, draft: Draft) -> None:
        with write_turn(self.engine), self.session() as s:
            row = s.get(DraftRow, draft.draft_id)
            state = json.dumps(scrub_state(draft.state), ensure_ascii=False, default=str)
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
                row.staff_id = draft.staff_id  # a case taken over from a colleague is now theirs
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
                    channel=mapping.channel(r.channel),
                    staff_id=r.staff_id,
                    status=mapping.one_of(r.status, mapping.DRAFT_STATUSES, "draft.status"),
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
            if row is not None and status != "open":
                s.delete(row)  # a closed or abandoned case keeps no draft of what was typed
                s.commit()
            elif row is not None:
                row.status, row.updated_at = status, self.clock()
                s.add(row)
                s.commit()

    # ------------------------------------------------------------ audit trail
    def record_audit(self, event: AuditEvent) -> AuditEvent:
        """Append one audit event (never changed afterwards) and its chain link in one
        transaction; return it with its id."""
        values: dict[str, Any] = {
            "at": event.at,
            "local_month": self.local_day(event.at)[:7],
            "kind": event.kind,
            "staff_id": event.staff_id,
            "ok": event.ok,
            "origin": event.origin,
            "client": event.client,
            "subject": event.subject,
            "detail_json": json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
        }

        def once() -> int:
            row = AuditEventRow(**values)
            with write_turn(self.engine), self.session() as s:
                chain.lock(s.connection())  # PostgreSQL: ids are then handed out in chain order
                s.add(row)
                s.flush()
                assert row.id is not None
                chain.append(s.connection(), self.chain_key, self.clock(), "audit", [row.id])
                s.commit()
                return row.id

        return event.model_copy(update={"id": run_with_retry(once)})

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
                    origin=mapping.one_of(r.origin, mapping.ORIGINS, "audit_event.origin"),
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
