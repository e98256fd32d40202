"""Saving one intervention at the counter (``Repository.save_intervention``) on SQLite in WAL mode,
p50 and p90 over N saves, against raw ``sqlite3`` writing the same rows in the same run.

    .venv/bin/python bench/bench_save.py [--n N]

The record is a realistic high-risk counter case: every checklist answer (14), the fired signals,
a decision and a signed acknowledgement, closing its draft and settling its notice serial, as the
counter screen saves it. The baseline writes the same number of rows into tables of the same
width with the same pragmas (WAL, ``synchronous=FULL``), one transaction per intervention, with
pre-built tuples: what the database itself costs, without building or checking anything.
Target (issue 9): p50 < 2 ms.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import TZ, load_note

from teller_guard.core.case import CaseState
from teller_guard.core.records import AcknowledgementRecord, DecisionRecord, Draft, new_uid
from teller_guard.core.rules import load_rules, shipped_rules_dir
from teller_guard.core.scoring import assess
from teller_guard.storage.repository import Repository

CLOSED = datetime(2026, 10, 31, 6, 30, tzinfo=UTC)


def the_record(rules):  # type: ignore[no-untyped-def]  # a bench script, not checked by mypy
    items = rules.checklist_for("counter").item
    answers: dict[str, bool | str] = {}
    for item in items:
        if item.kind == "choice" and item.options:
            answers[item.id] = item.options[-1].id
        elif item.kind in ("yesno", "reminder"):
            answers[item.id] = True
    case = CaseState(
        channel="counter",
        staff_id="T001",
        amount="88000",
        customer_age=71,
        customer_sex="F",
        answers=answers,
        said={"purpose": "民警说要把钱转到安全账户配合调查"},
    )
    result = assess(rules, case.to_input(rules))
    decision = DecisionRecord(
        decision="dissuaded", label="劝阻成功", group="dissuaded", decided_by="T001", decided_at=CLOSED,
        amount_protected_fen=8_800_000,
    )  # fmt: skip
    return case, result, decision


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="where the databases go (default: a temp folder; /dev/shm shows the CPU cost alone)",
    )
    args = parser.parse_args()
    rules = load_rules(shipped_rules_dir())
    case, result, decision = the_record(rules)
    folder = Path(tempfile.mkdtemp(prefix="bench_save_", dir=args.dir))
    clock = iter(CLOSED + timedelta(seconds=i) for i in range(10**9))
    repo = Repository.open(f"sqlite:///{folder / 'branch.db'}", TZ, clock=lambda: next(clock))

    records, drafts = [], []
    for i in range(args.n + 20):
        draft = Draft(channel="counter", staff_id="T001", started_at=CLOSED, updated_at=CLOSED, state={"i": i})
        repo.save_draft(draft)
        draft_id = draft.draft_id
        serial = repo.next_notice_serial("BR0001", draft_id=draft_id, at=CLOSED)
        ack = AcknowledgementRecord(
            method="paper", notice_serial=serial, notice_version=rules.notice.version, notice_text_hash="h" * 64,
            signer_masked="张*", witness_staff_id="T001", at=CLOSED,
        )  # fmt: skip
        rec = case.to_record(rules, result, decision=decision, acknowledgement=ack, closed_at=CLOSED)
        records.append(rec.model_copy(update={"uid": new_uid()}))
        drafts.append(draft_id)
    rows_per_save = 1 + len(records[0].answers) + len(records[0].signals) + 2

    times = []
    for i, rec in enumerate(records):
        t = time.perf_counter()
        repo.save_intervention(rec, draft_id=drafts[i])
        times.append(time.perf_counter() - t)
    times = sorted(times[20:])  # the first saves warm the statement caches
    repo.engine.dispose()

    db = sqlite3.connect(folder / "raw.db", isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL"):
        db.execute(f"PRAGMA {pragma}")
    db.execute(f"CREATE TABLE parent (id INTEGER PRIMARY KEY, {', '.join(f'c{k} TEXT' for k in range(42))})")
    db.execute(
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INT REFERENCES parent(id), a TEXT, b TEXT, c TEXT)"
    )
    db.execute("CREATE INDEX child_parent ON child (parent_id)")
    parent = tuple(f"value {k}" for k in range(42))
    kids = [("x" * 20, "y" * 40, "z" * 60)] * (rows_per_save - 1)
    raw = []
    for _ in range(len(records)):
        t = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        pid = db.execute(f"INSERT INTO parent VALUES (NULL, {', '.join('?' * 42)})", parent).lastrowid
        db.executemany("INSERT INTO child VALUES (NULL, ?, ?, ?, ?)", [(pid, *k) for k in kids])
        db.execute("COMMIT")
        raw.append(time.perf_counter() - t)
    raw = sorted(raw[20:])
    db.close()

    p50, p90 = statistics.median(times), times[int(len(times) * 0.9)]
    r50 = statistics.median(raw)
    print(f"bench_save: {len(times)} saves of {rows_per_save} rows each ({load_note()})")
    print(f"  save_intervention  p50 {p50 * 1e3:6.2f} ms   p90 {p90 * 1e3:6.2f} ms   (target p50 < 2 ms)")
    print(f"  raw sqlite3        p50 {r50 * 1e3:6.2f} ms   (same rows, same pragmas, pre-built tuples)")
    print(f"  ratio p50 {p50 / r50:.2f}x")


if __name__ == "__main__":
    main()
