"""The evidence chain: one append-only, keyed hash chain per database over every evidence row.

Evidence rows are interventions (closed and abandoned cases and corrections, each with its
answers, fired signals, decision and acknowledgement) and audit events. Each joins the chain
in the transaction that writes it, as one ``chain_link`` row:

``seq``
    1, 2, 3 … without a gap.
``kind`` / ``ref``
    what the link seals: ``intervention`` (``ref`` = the case's uid), ``audit`` (``ref`` = the
    audit event's id), or a marker with no record: ``sealed`` (rows that were already in the
    database when the chain began, sealed on upgrade; the note says how many).
``digest``
    SHA-256 of the record's canonical serialisation (below); of the note for a marker.
``prev_mac`` / ``mac``
    the previous link's MAC (64 zeros for the first) and this link's own:
    ``HMAC-SHA-256(chain key, canonical link)``.

A keyed chain means that someone who can write the database but does not hold the key cannot
rebuild it after an edit: the MACs of every link from the edit on would have to be recomputed.

**The chain key** is derived from the installation secret (``secret.key`` in the data
folder, the one that keys ID hashes): ``HMAC-SHA-256(secret, "teller_guard chain key v1")``.
Its ``key_id`` (first 12 hex digits of SHA-256 of the chain key) is stored on every link so a
rotated key can be told apart.

**Canonical serialisation (version 1).** A record is serialised as compact JSON
(``separators=(",", ":")``, ``ensure_ascii=False``, encoded UTF-8) of a list of its columns'
values in the fixed order of :data:`INTERVENTION_COLUMNS` etc. (surrogate ids and the parent
id of child rows left out: children are listed under their parent, in id order). Money is an
integer number of fen; times are UTC as ``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLite's storage text;
PostgreSQL's aware times are converted to it); booleans are 0/1; NULL is ``null``. An
intervention serialises as ``[row, [answers…], [signals…], decision|null,
acknowledgement|null]``; an audit event as its row. A link's canonical form is the JSON list
``["tg-chain-v1", seq, kind, ref, at, digest, prev_mac, note, key_id]``.

**Concurrency.** A link is appended after the record's rows are written, in the same
transaction: on SQLite the write lock is already held (the transaction's first write took
it), so the head read next is the newest; on PostgreSQL a transaction-scoped advisory lock
serialises appenders until commit. Two counters saving at once get consecutive links.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

CHAIN_LOCK_KEY = 0x7467_6368  # "tgch": the advisory lock serialising appends on PostgreSQL
ZERO = "0" * 64
VERSION = "tg-chain-v1"
KEY_LABEL = b"teller_guard chain key v1"

INTERVENTION_COLUMNS = (
    "uid", "channel", "status", "started_at", "closed_at", "local_day", "local_month", "branch_code",
    "staff_id", "staff_role", "machine_id", "amount_fen", "customer_age", "customer_sex", "customer_ref",
    "customer_name_masked", "payee_name_masked", "payee_account_masked", "payee_ref", "purpose_text",
    "previous_purposes", "payee_relation_text", "notes_text", "observations", "score", "level",
    "rules_version", "signal_ids", "typology_ids", "typology_labels", "primary_typology", "decision_group",
    "amount_protected_fen", "ack_method", "handoff_from_uid", "corrects_uid", "correction_reason",
    "step_seconds", "duration_seconds", "record_hash", "prev_hash", "extra_json",
)  # fmt: skip
ANSWER_COLUMNS = ("item_id", "value_json", "said", "answered_at")
SIGNAL_COLUMNS = ("signal_id", "label", "category", "points", "evidence", "reason")
DECISION_COLUMNS = (
    "decision", "label", "decision_group", "decided_by", "decided_at", "amount_protected_fen", "police_ref",
    "police_called_at", "supervisor_id", "supervisor_reason", "supervisor_at", "supervisor_auth", "note",
)  # fmt: skip
ACK_COLUMNS = (
    "method", "notice_serial", "notice_version", "notice_text_hash", "signer_masked", "witness_staff_id", "at",
    "supervisor_id", "reason", "supervisor_at", "supervisor_auth",
)  # fmt: skip
AUDIT_COLUMNS = ("at", "local_month", "kind", "staff_id", "ok", "origin", "client", "subject", "detail_json")
LINK_COLUMNS = ("seq", "kind", "ref", "at", "key_id", "digest", "prev_mac", "mac", "note")

BATCH = 20_000
"""Records read per query while chaining or verifying."""


def chain_key(secret: bytes) -> bytes:
    """The chain's HMAC key, derived from the installation secret (never the secret itself)."""
    return hmac.new(secret, KEY_LABEL, hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:12]


def time_text(value: Any) -> Any:
    """A stored time in the canonical form (UTC, ``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


@dataclass(frozen=True)
class Link:
    seq: int
    kind: str
    ref: str | None
    at: str
    key_id: str
    digest: str
    prev_mac: str
    mac: str
    note: str | None = None

    @property
    def head(self) -> str:
        """The printed chain head: ``seq:first 16 hex digits of the MAC``."""
        return f"{self.seq}:{self.mac[:16]}"


def link_mac(
    key: bytes, seq: int, kind: str, ref: str | None, at: str, digest: str, prev: str, note: str | None
) -> str:
    """The MAC of a link: HMAC-SHA-256 under ``key`` of the link's canonical form."""
    base = _HMACS.get(key)
    if base is None:
        base = _HMACS[key] = (hmac.new(key, digestmod=hashlib.sha256), key_id(key))
    mac = base[0].copy()
    mac.update(_dumps([VERSION, seq, kind, ref, at, digest, prev, note, base[1]]))
    return mac.hexdigest()


_HMACS: dict[bytes, tuple[hmac.HMAC, str]] = {}
"""Keyed HMAC states by key (copying one skips the key set-up at every link)."""


# ---------------------------------------------------------------- reading records
class RawSqlite:
    """A raw ``sqlite3`` connection dressed as the little of SQLAlchemy's Connection used here
    (the bulk writer works on the driver connection)."""

    class dialect:  # noqa: N801
        name = "sqlite"

    def __init__(self, db: Any) -> None:
        self.db = db

    def exec_driver_sql(self, sql: str, params: Any = ()) -> Any:
        if isinstance(params, list):
            return self.db.executemany(sql, params)
        return self.db.execute(sql, params)


class _Dialect:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name != "sqlite"
        self.ph = "%s" if self.pg else "?"
        # SQLite: the driver's own cursor (its rows are tuples already; SQLAlchemy's Row
        # wrapping would cost a third of a verify). Same connection, same transaction.
        # The bulk writer hands its RawSqlite in where a Connection is declared (duck-typed).
        self.raw = conn.db if isinstance(conn, RawSqlite) else None if self.pg else conn.connection.driver_connection  # type: ignore[unreachable]

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.raw is not None:
            return self.raw.execute(sql, tuple(params)).fetchall()  # type: ignore[no-any-return]  # sqlite3 rows: tuples
        sql = sql.replace("?", self.ph)
        return [tuple(r) for r in self.conn.exec_driver_sql(sql, tuple(params)).fetchall()]

    def norm(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """PostgreSQL values in SQLite's storage form (times as text, booleans as 0/1)."""
        if not self.pg:
            return rows
        return [tuple(int(v) if isinstance(v, bool) else time_text(v) for v in r) for r in rows]


def _cols(names: Sequence[str]) -> str:
    return ", ".join(names)


def intervention_digests(
    conn: Connection, lo: int, hi: int, *, children_after: dict[str, int] | None = None
) -> Iterator[tuple[int, str, str]]:
    """``(id, uid, digest)`` of the interventions with ``lo <= id <= hi``, in id order.

    ``children_after`` (the bulk writer, whose secondary indexes may be dropped): the answers
    and signals of these interventions are exactly those with an id above the given one."""
    d = _Dialect(conn)
    heads = d.norm(
        d.rows(
            f"SELECT id, {_cols(INTERVENTION_COLUMNS)} FROM intervention WHERE id BETWEEN ? AND ? ORDER BY id", (lo, hi)
        )
    )
    if not heads:
        return

    def grouped(table: str, names: Sequence[str], order: str) -> dict[int, list[tuple[Any, ...]]]:
        out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        if children_after is not None and table in children_after:
            sql = f"SELECT intervention_id, {_cols(names)} FROM {table} WHERE id > ? ORDER BY id"
            params: tuple[Any, ...] = (children_after[table],)
        else:
            sql = f"SELECT intervention_id, {_cols(names)} FROM {table} WHERE intervention_id BETWEEN ? AND ? ORDER BY {order}"
            params = (lo, hi)
        for r in d.norm(d.rows(sql, params)):
            out[r[0]].append(r[1:])
        return out

    answers = grouped("answer", ANSWER_COLUMNS, "intervention_id, id")
    signals = grouped("fired_signal", SIGNAL_COLUMNS, "intervention_id, id")
    decisions = grouped("decision", DECISION_COLUMNS, "intervention_id")
    acks = grouped("acknowledgement", ACK_COLUMNS, "intervention_id")
    sha = hashlib.sha256
    dumps = _dumps
    for row in heads:
        iid = row[0]
        dec = decisions.get(iid)
        ack = acks.get(iid)
        body = [row[1:], answers.get(iid, ()), signals.get(iid, ()), dec[0] if dec else None, ack[0] if ack else None]
        yield iid, row[1], sha(dumps(body)).hexdigest()


def audit_digests(conn: Connection, lo: int, hi: int) -> Iterator[tuple[int, str, str]]:
    """``(id, str(id), digest)`` of the audit events with ``lo <= id <= hi``, in id order."""
    d = _Dialect(conn)
    for row in d.norm(
        d.rows(f"SELECT id, {_cols(AUDIT_COLUMNS)} FROM audit_event WHERE id BETWEEN ? AND ? ORDER BY id", (lo, hi))
    ):
        yield row[0], str(row[0]), hashlib.sha256(_dumps(list(row[1:]))).hexdigest()


READERS = {"intervention": (intervention_digests, "intervention"), "audit": (audit_digests, "audit_event")}


def records_after(conn: Connection, kind: str, after: int = 0) -> Iterator[tuple[int, str, str]]:
    """Every record of ``kind`` with an id above ``after``, in id order, read in batches."""
    reader, table = READERS[kind]
    d = _Dialect(conn)
    top = d.rows(f"SELECT max(id) FROM {table}")[0][0] or 0
    lo = after + 1
    while lo <= top:
        yield from reader(conn, lo, lo + BATCH - 1)
        lo += BATCH


# ---------------------------------------------------------------- writing links
def head(conn: Connection) -> Link | None:
    """The newest link, or ``None`` for an empty chain."""
    d = _Dialect(conn)
    rows = d.rows(f"SELECT {_cols(LINK_COLUMNS)} FROM chain_link ORDER BY seq DESC LIMIT 1")
    return _link(d, rows[0]) if rows else None


def _link(d: _Dialect, row: tuple[Any, ...]) -> Link:
    seq, kind, ref, at, kid, digest, prev, mac, note = row
    return Link(int(seq), kind, ref, time_text(at), kid, digest, prev, mac, note)


class Appender:
    """Appends links inside the caller's transaction (the lock must already be held: see :func:`lock`)."""

    def __init__(self, conn: Connection, key: bytes, at: datetime) -> None:
        self.conn = conn
        self.key = key
        self.kid = key_id(key)
        self.at = time_text(at)
        self.d = _Dialect(conn)
        last = head(conn)
        self.seq = last.seq if last else 0
        self.prev = last.mac if last else ZERO
        self.empty = last is None
        self.pending: list[tuple[Any, ...]] = []

    def add(self, kind: str, ref: str | None, digest: str, note: str | None = None) -> None:
        self.seq += 1
        mac = link_mac(self.key, self.seq, kind, ref, self.at, digest, self.prev, note)
        self.pending.append((self.seq, kind, ref, self.at, self.kid, digest, self.prev, mac, note))
        self.prev = mac
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        rows = self.pending
        if self.d.pg:  # the column is timestamptz: give it an aware time
            rows = [(*r[:3], datetime.fromisoformat(r[3]).replace(tzinfo=UTC), *r[4:]) for r in rows]
        marks = ", ".join("?" * len(LINK_COLUMNS)).replace("?", self.d.ph)
        sql = f"INSERT INTO chain_link ({_cols(LINK_COLUMNS)}) VALUES ({marks})"
        self.conn.exec_driver_sql(sql, rows)
        self.pending = []


def lock(conn: Connection) -> None:
    """Serialise appenders until the transaction ends (PostgreSQL; SQLite's write lock does it)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})")


SEAL_FLAG = "chain_seal"
"""``db_meta`` key set to ``pending`` by migration 0007 when the log already held rows."""


def seal_pending(conn: Connection) -> bool:
    d = _Dialect(conn)
    return bool(d.rows("SELECT 1 FROM db_meta WHERE key = ? AND value = 'pending'", (SEAL_FLAG,)))


def seal_existing(app: Appender, *, kind: str | None = None, below: int | None = None) -> int:
    """Chain the rows that were in the database before the chain began: only when the chain is
    empty and migration 0007 left the ``chain_seal`` flag (so emptying the chain table never
    gets a log re-sealed). A ``sealed`` marker whose note counts them, then every intervention
    and audit event in id order. Rows of ``kind`` from id ``below`` on (this transaction's own)
    are left to the caller. Returns the number of rows sealed."""
    if not app.empty:
        return 0
    d = app.d
    if not seal_pending(app.conn):
        app.empty = False
        return 0
    d.conn.exec_driver_sql(f"DELETE FROM db_meta WHERE key = {d.ph}", (SEAL_FLAG,))
    counts: dict[str, int] = {}
    for k, (_, table) in READERS.items():
        if k == kind and below is not None:
            counts[k] = d.rows(f"SELECT count(*) FROM {table} WHERE id < ?", (below,))[0][0]
        else:
            counts[k] = d.rows(f"SELECT count(*) FROM {table}")[0][0]
    total = sum(counts.values())
    app.empty = False
    if not total:
        return 0
    note = (
        f"sealed on upgrade: {counts['intervention']} interventions, {counts['audit']} audit events already in the log"
    )
    app.add("sealed", None, hashlib.sha256(note.encode("utf-8")).hexdigest(), note)
    for k in READERS:
        for rid, ref, digest in records_after(app.conn, k):
            if k == kind and below is not None and rid >= below:
                break
            app.add(k, ref, digest)
    return total


def append(
    conn: Connection,
    key: bytes,
    at: datetime,
    kind: str,
    ids: Sequence[int],
    *,
    children_after: dict[str, int] | None = None,
) -> Link:
    """Chain the records of ``kind`` with ``ids`` (just written in this transaction), in id order;
    seal older unchained rows first if the chain is empty. Returns the new head."""
    lock(conn)
    app = Appender(conn, key, at)
    lo, hi = min(ids), max(ids)
    seal_existing(app, kind=kind, below=lo)
    wanted = set(ids)
    rows = (
        intervention_digests(conn, lo, hi, children_after=children_after)
        if kind == "intervention"
        else READERS[kind][0](conn, lo, hi)
    )
    for rid, ref, digest in rows:
        if rid in wanted:
            app.add(kind, ref, digest)
    app.flush()
    last = head(conn)
    assert last is not None
    return last


# ---------------------------------------------------------------- verifying
@dataclass(frozen=True)
class Break:
    """The first broken link: where, which kind of break, and what it names."""

    seq: int
    """The chain position of the break (the link that does not hold, or the last good one + 1)."""
    kind: str
    """``changed``, ``missing``, ``inserted``, ``reordered`` or ``not on the chain``."""
    record: str
    """The record it names (``intervention <uid>``, ``audit event <id>``, ``link <seq>``)."""
    detail: str
    after: int
    """Links after the break."""


@dataclass(frozen=True)
class Verdict:
    links: int
    records: int
    head: Link | None
    broken: Break | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _links(conn: Connection) -> Iterator[Link]:
    d = _Dialect(conn)
    last = 0
    while True:
        rows = d.rows(f"SELECT {_cols(LINK_COLUMNS)} FROM chain_link WHERE seq > ? ORDER BY seq LIMIT {BATCH}", (last,))
        if not rows:
            return
        for r in rows:
            yield _link(d, r)
        last = int(rows[-1][0])


def _name(kind: str, ref: str | None) -> str:
    if kind == "intervention":
        return f"intervention {ref}"
    if kind == "audit":
        return f"audit event {ref}"
    return f"{kind} marker"


def verify(conn: Connection, keys: Sequence[bytes]) -> Verdict:
    """Walk the whole chain and every evidence row; stop at the first break.

    Each link must follow the one before (``seq`` +1, ``prev_mac`` = its MAC) and carry a MAC
    that one of ``keys`` reproduces; the records of each kind, in id order, must be exactly the
    records the links name, in the links' order, with the digests they sealed.
    """
    d = _Dialect(conn)
    known = {key_id(k): k for k in keys}
    total = d.rows("SELECT count(*), max(seq) FROM chain_link")[0]
    n_links = int(total[0] or 0)
    top = int(total[1] or 0)
    streams = {kind: records_after(conn, kind) for kind in READERS}
    purged = purged_digests(conn)
    records = 0
    expected_prev, expected_seq = ZERO, 1
    last: Link | None = None
    links = _links(conn)
    pending: Link | None = None

    def brk(seq: int, kind: str, record: str, detail: str) -> Verdict:
        return Verdict(n_links, records, last, Break(seq, kind, record, detail, max(0, top - seq)))

    while True:
        link = pending if pending is not None else next(links, None)
        pending = None
        if link is None:
            break
        # 1. the link itself
        if link.seq != expected_seq and link.prev_mac != expected_prev:
            return brk(
                expected_seq,
                "missing",
                f"link {expected_seq}",
                f"links {expected_seq}–{link.seq - 1} are gone"
                if link.seq > expected_seq
                else "the chain's order is broken",
            )
        if link.prev_mac != expected_prev:
            moved = d.rows("SELECT seq FROM chain_link WHERE mac = ?", (link.prev_mac,))
            kind = "reordered" if moved else "changed"
            detail = (
                f"it follows link {moved[0][0]}, not link {expected_seq - 1}"
                if moved
                else "it does not follow the link before it"
            )
            return brk(link.seq, kind, _name(link.kind, link.ref), detail)
        key = known.get(link.key_id)
        good = key is not None and hmac.compare_digest(
            link.mac, link_mac(key, link.seq, link.kind, link.ref, link.at, link.digest, link.prev_mac, link.note)
        )
        if not good:
            nxt = next(links, None)
            pending = nxt
            if nxt is None or nxt.prev_mac != link.mac:
                detail = "a link the installation key did not make was slipped into the chain"
                return brk(link.seq, "inserted", _name(link.kind, link.ref), detail)
            why = (
                "its MAC does not verify under the installation key"
                if key
                else f"it names an unknown key {link.key_id}"
            )
            return brk(link.seq, "changed", _name(link.kind, link.ref), f"the link was edited: {why}")
        # 2. the record it seals
        if link.kind in streams:
            rec = next(streams[link.kind], None)
            if rec is not None:
                records += 1
            if rec is None or rec[1] != link.ref:
                return _misplaced(d, link, rec, brk)
            if rec[2] != link.digest and purged.get(rec[1]) != rec[2]:
                return brk(link.seq, "changed", _name(link.kind, link.ref), "the record differs from what was chained")
        expected_prev, expected_seq, last = link.mac, link.seq + 1, link
    for kind, stream in streams.items():
        rec = next(stream, None)
        if rec is not None:
            return Verdict(
                n_links,
                records,
                last,
                Break(
                    top + 1,
                    "not on the chain",
                    _name(kind, rec[1]),
                    "a record no link seals (added after the chain's head)",
                    0,
                ),
            )
    return Verdict(n_links, records, last)


def _misplaced(d: _Dialect, link: Link, rec: tuple[int, str, str] | None, brk: Callable[..., Verdict]) -> Verdict:
    """The record at this link's place is not the one it names: missing, not on the chain, or reordered."""
    _, table = READERS[link.kind]
    column = "uid" if link.kind == "intervention" else "id"
    ref_value: Any = link.ref if link.kind == "intervention" else int(link.ref or 0)
    exists = d.rows(f"SELECT 1 FROM {table} WHERE {column} = ?", (ref_value,))
    if not exists:
        return brk(link.seq, "missing", _name(link.kind, link.ref), "the record this link seals is gone")
    assert rec is not None
    on_chain = d.rows("SELECT seq FROM chain_link WHERE kind = ? AND ref = ?", (link.kind, rec[1]))
    if not on_chain:
        return brk(
            link.seq, "not on the chain", _name(link.kind, rec[1]), "a record no link seals, among chained records"
        )
    return brk(
        link.seq,
        "reordered",
        _name(link.kind, link.ref),
        f"the records are not in chain order ({_name(link.kind, rec[1])} stands where link {link.seq} expects this one)",
    )


def against(conn: Connection, printed: str) -> bool:
    """Whether a printed head (``seq:mac-prefix``) is still a link of this chain."""
    seq_text, _, prefix = printed.partition(":")
    rows = _Dialect(conn).rows("SELECT mac FROM chain_link WHERE seq = ?", (int(seq_text),))
    return bool(rows) and len(prefix) >= 8 and rows[0][0].startswith(prefix.lower())


def quick(conn: Connection, keys: Sequence[bytes], n: int = 50) -> Break | None:
    """Check the newest ``n`` links only (links themselves and their MACs, and that the records
    they seal are unchanged): the start-up check. ``None`` when they hold."""
    d = _Dialect(conn)
    known = {key_id(k): k for k in keys}
    rows = d.rows(f"SELECT {_cols(LINK_COLUMNS)} FROM chain_link ORDER BY seq DESC LIMIT {int(n)}")
    links = [_link(d, r) for r in reversed(rows)]
    top = links[-1].seq if links else 0
    purged = purged_digests(conn)
    for i, link in enumerate(links):
        key = known.get(link.key_id)
        if i and (link.seq != links[i - 1].seq + 1 or link.prev_mac != links[i - 1].mac):
            return Break(
                link.seq, "missing", f"link {link.seq}", "the links before it are not in order", top - link.seq
            )
        if key is None or not hmac.compare_digest(
            link.mac, link_mac(key, link.seq, link.kind, link.ref, link.at, link.digest, link.prev_mac, link.note)
        ):
            return Break(link.seq, "changed", _name(link.kind, link.ref), "its MAC does not verify", top - link.seq)
        if link.kind in ("intervention", "purge"):
            got = d.rows("SELECT id FROM intervention WHERE uid = ?", (link.ref,))
            digest = next(intervention_digests(d.conn, got[0][0], got[0][0]), None) if got else None
        elif link.kind == "audit":
            digest = next(audit_digests(d.conn, int(link.ref or 0), int(link.ref or 0)), None)
        else:
            continue
        if digest is None:
            return Break(link.seq, "missing", _name(link.kind, link.ref), "the record is gone", top - link.seq)
        if digest[2] != link.digest and digest[2] != purged.get(digest[1]):
            return Break(link.seq, "changed", _name(link.kind, link.ref), "the record differs", top - link.seq)
    for kind, (_, table) in READERS.items():
        newest = [lk for lk in links if lk.kind == kind]
        if newest:
            ref_col = "uid" if kind == "intervention" else "id"
            val: Any = newest[-1].ref if kind == "intervention" else int(newest[-1].ref or 0)
            later = d.rows(
                f"SELECT count(*) FROM {table} WHERE id > (SELECT id FROM {table} WHERE {ref_col} = ?)", (val,)
            )
            if later and later[0][0]:
                return Break(top + 1, "not on the chain", kind, f"{later[0][0]} {kind} records after the head", 0)
    return None


# ---------------------------------------------------------------- retention: purging free text
TOMBSTONE = "[已按保存期限清除]"
"""What purged free text reads afterwards."""
PURGED_TEXT: dict[str, tuple[str, ...]] = {
    "intervention": ("purpose_text", "payee_relation_text", "notes_text", "correction_reason"),
    "answer": ("said",),
    "decision": ("note", "supervisor_reason"),
    "acknowledgement": ("reason",),
}
"""The free text a purge replaces (the customer's words, notes, refusal and correction reasons).
Fired signals keep the phrases the rules matched; audit events are not purged."""


def _append_only_off(conn: Connection, tables: Sequence[str]) -> list[str]:
    """Lift the append-only triggers of ``tables`` inside this transaction; return what restores them."""
    d = _Dialect(conn)
    if not d.pg:
        marks = ", ".join("?" * len(tables))
        rows = d.rows(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})", tables)
        for name, _ in rows:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        return [sql for _, sql in rows]
    for table in tables:
        conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    return [f"ALTER TABLE {table} ENABLE TRIGGER USER" for table in tables]


def purge(conn: Connection, key: bytes, at: datetime, before_day: str, note: str) -> int:
    """Replace the free text of interventions closed (local day) before ``before_day`` by
    :data:`TOMBSTONE` and chain one ``purge`` link per purged case carrying its new digest, in
    one transaction. :func:`verify` accepts a record whose digest is the one its latest purge
    link sealed. Returns the number of cases purged.

    Needs the right to change the log's triggers (the owner role on PostgreSQL).
    """
    lock(conn)
    d = _Dialect(conn)
    p = d.ph
    text_cols = PURGED_TEXT["intervention"]
    has_text = " OR ".join(f"coalesce({c}, '') NOT IN ('', '{TOMBSTONE}')" for c in text_cols)
    child_text = " OR ".join(
        f"EXISTS (SELECT 1 FROM {t} x WHERE x.intervention_id = i.id AND ("
        + " OR ".join(f"coalesce(x.{c}, '') NOT IN ('', '{TOMBSTONE}')" for c in cols)
        + "))"
        for t, cols in PURGED_TEXT.items()
        if t != "intervention"
    )
    ids = [
        r[0]
        for r in d.rows(
            f"SELECT i.id FROM intervention i WHERE i.local_day < ? AND ({has_text} OR {child_text}) ORDER BY i.id",
            (before_day,),
        )
    ]
    if not ids:
        return 0
    restore = _append_only_off(conn, list(PURGED_TEXT))
    for lo in range(0, len(ids), 500):
        part = ids[lo : lo + 500]
        marks = ", ".join([p] * len(part))
        for table, cols in PURGED_TEXT.items():
            key_col = "id" if table == "intervention" else "intervention_id"
            sets = ", ".join(f"{c} = CASE WHEN coalesce({c}, '') = '' THEN {c} ELSE {p} END" for c in cols)
            conn.exec_driver_sql(
                f"UPDATE {table} SET {sets} WHERE {key_col} IN ({marks})", (*[TOMBSTONE] * len(cols), *part)
            )
    for sql in restore:
        conn.exec_driver_sql(sql)
    app = Appender(conn, key, at)
    for lo in range(0, len(ids), BATCH):
        wanted = set(ids[lo : lo + BATCH])
        for rid, ref, digest in intervention_digests(conn, min(wanted), max(wanted)):
            if rid in wanted:
                app.add("purge", ref, digest, note)
    app.flush()
    return len(ids)


def purged_digests(conn: Connection) -> dict[str, str]:
    """The digest each purged record must now have (its latest ``purge`` link's)."""
    rows = _Dialect(conn).rows("SELECT ref, digest FROM chain_link WHERE kind = 'purge' ORDER BY seq")
    return dict(rows)
