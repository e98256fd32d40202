"""Several counters on one database: N processes × M cases, each with a notice serial and an
acknowledgement, through the same code the counter screen uses.

    .venv/bin/python bench/load_counters.py [--processes 8] [--cases 500] [--db URL]

Every process starts at the same moment on the same database (a new SQLite file by default,
so the first thing they do together is migrate it), then works a case the way the counter
does: the draft is saved, the case is scored, a notice serial is taken, the acknowledgement is
signed and the intervention is saved with its draft id. The run then reads the database back
and prints one line each for errors, lost cases, duplicate serials and missing serials (target
0 / 0 / 0 / 0), and p50/p99 latency of taking a serial and of saving a case, next to a raw
``sqlite3`` / PostgreSQL single-row insert measured in the same run as the baseline.

Each run uses its own branch code, so serials are numbered from 1 and a PostgreSQL database
can be reused between runs. Exit status 1 when any of the four counts is not 0.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
TZ = ZoneInfo("Asia/Shanghai")


def _case(rules, staff_id: str, k: int):  # type: ignore[no-untyped-def]
    from teller_guard.core.case import CaseState

    amounts = ("5000", "48000", "120000.50", "300")
    answers: dict[str, bool | str] = {"purpose": ("living", "investment", "fees", "relatives")[k % 4]}
    if k % 3 == 0:
        answers["look_phone"] = True
    return CaseState(staff_id=staff_id, amount=amounts[k % 4], answers=answers)


def worker(url: str, branch: str, index: int, cases: int, start, queue) -> None:  # type: ignore[no-untyped-def]
    """One counter: start with the others, then work ``cases`` cases; put its results on ``queue``."""
    results: dict[str, object] = {"index": index, "saved": [], "errors": [], "serial_s": [], "save_s": []}
    try:
        from teller_guard.core.records import AcknowledgementRecord, DecisionRecord, Draft
        from teller_guard.core.rules import load_rules, shipped_rules_dir
        from teller_guard.core.scoring import assess
        from teller_guard.storage.repository import Repository

        rules = load_rules(shipped_rules_dir())
        start.wait()
        t = time.perf_counter()
        repo = Repository.open(url, TZ)
        results["startup_s"] = time.perf_counter() - t
        staff = f"T{index:03d}"
        for k in range(cases):
            try:
                state = _case(rules, staff, k)
                now = datetime.now(UTC)
                repo.save_draft(
                    Draft(
                        draft_id=state.draft_id,
                        channel="counter",
                        staff_id=staff,
                        started_at=now,
                        updated_at=now,
                        state=state.model_dump(mode="json"),
                    )
                )
                a = assess(rules, state.to_input(rules))
                t0 = time.perf_counter()
                serial = repo.next_notice_serial(branch, draft_id=state.draft_id)
                t1 = time.perf_counter()
                d = rules.decisions["proceed_warned"]
                rec = state.to_record(
                    rules,
                    a,
                    decision=DecisionRecord(
                        decision=d.id, label=d.label, group=d.group, decided_by=staff, decided_at=now
                    ),
                    acknowledgement=AcknowledgementRecord(
                        method="refused" if k % 10 == 0 else "paper",
                        notice_serial=serial,
                        notice_version=rules.notice.version,
                        notice_text_hash="load",
                        witness_staff_id=staff,
                        at=now,
                    ),
                    closed_at=now,
                ).model_copy(update={"branch_code": branch})
                t2 = time.perf_counter()
                repo.save_intervention(rec, draft_id=state.draft_id)
                t3 = time.perf_counter()
                results["saved"].append((rec.uid, serial))  # type: ignore[attr-defined]
                results["serial_s"].append(t1 - t0)  # type: ignore[attr-defined]
                results["save_s"].append(t3 - t2)  # type: ignore[attr-defined]
            except Exception as exc:
                results["errors"].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")  # type: ignore[attr-defined]
        repo.engine.dispose()
        from teller_guard.storage.retry import retries

        results["retries"] = sum(retries.values())
    except Exception as exc:
        # Every case this counter did not get to is an error (the counter could not work).
        missed = cases - len(results["saved"]) - len(results["errors"])  # type: ignore[arg-type]
        why = f"counter failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        results["errors"].extend([why] * max(1, missed))  # type: ignore[attr-defined]
    queue.put(results)


def baseline(url: str, n: int = 300) -> list[float]:
    """Single-row insert + commit with the bare driver, in the same database (one process)."""
    times: list[float] = []
    if url.startswith("sqlite"):
        import sqlite3

        path = url.split("///", 1)[1]
        db = sqlite3.connect(path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE IF NOT EXISTS load_baseline (id INTEGER PRIMARY KEY, v TEXT)")
        for i in range(n):
            t = time.perf_counter()
            db.execute("INSERT INTO load_baseline (v) VALUES (?)", (f"row {i}",))
            db.commit()
            times.append(time.perf_counter() - t)
        db.execute("DROP TABLE load_baseline")
        db.close()
    else:
        import psycopg

        conninfo = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(conninfo) as db:
            db.execute("CREATE TEMP TABLE load_baseline (id serial PRIMARY KEY, v text)")
            db.commit()
            for i in range(n):
                t = time.perf_counter()
                db.execute("INSERT INTO load_baseline (v) VALUES (%s)", (f"row {i}",))
                db.commit()
                times.append(time.perf_counter() - t)
    return times


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def check(url: str, branch: str, saved: list[tuple[str, str]]) -> dict[str, object]:
    """Read the database back: what was saved, which serials, and their audit."""
    from sqlalchemy import text

    from teller_guard.storage import serials
    from teller_guard.storage.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT i.uid, a.notice_serial FROM intervention i "
                "JOIN acknowledgement a ON a.intervention_id = i.id WHERE i.branch_code = :b"
            ),
            {"b": branch},
        ).fetchall()
        drafts_open = conn.execute(
            text(
                "SELECT count(*) FROM draft WHERE status = 'open' AND staff_id LIKE 'T%' AND draft_id IN ("
                "SELECT draft_id FROM notice_serial WHERE branch_code = :b)"
            ),
            {"b": branch},
        ).scalar_one()
        integrity = (
            conn.exec_driver_sql("PRAGMA integrity_check").scalar() if engine.dialect.name == "sqlite" else "n/a"
        )
    report = serials.audit(engine, branch_code=branch)
    engine.dispose()
    in_db = {uid for uid, _ in rows}
    ack_serials = [s for _, s in rows]
    return {
        "lost": sum(1 for uid, _ in saved if uid not in in_db),
        "duplicates": len(ack_serials) - len(set(ack_serials)) + len(report.duplicates),
        "missing": len(report.missing),
        "open_serials": report.open,
        "open_drafts": drafts_open,
        "rows": len(rows),
        "integrity": integrity,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--db", help="SQLAlchemy URL (default: a new SQLite file in bench/out/)")
    args = parser.parse_args(argv)
    if not 1 <= args.processes <= 64 or not 1 <= args.cases <= 100_000:
        parser.error("--processes 1..64, --cases 1..100000")
    url = args.db
    if url is None:
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"load_{os.getpid()}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    branch = f"LD{os.getpid() % 100000:05d}{int(time.time()) % 100000:05d}"

    ctx = mp.get_context("spawn")
    start, queue = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(url, branch, i, args.cases, start, queue)) for i in range(args.processes)]
    for p in procs:
        p.start()
    time.sleep(1.0)  # every process imported and waiting: they open the database at once
    began = time.perf_counter()
    start.set()
    results = [queue.get() for _ in procs]
    wall = time.perf_counter() - began
    for p in procs:
        p.join()

    saved = [pair for r in results for pair in r["saved"]]  # type: ignore[attr-defined]
    errors = [e for r in results for e in r["errors"]]  # type: ignore[attr-defined]
    serial_s = [x for r in results for x in r["serial_s"]]  # type: ignore[attr-defined]
    save_s = [x for r in results for x in r["save_s"]]  # type: ignore[attr-defined]
    started = sum(1 for r in results if "startup_s" in r)
    retried = sum(int(r.get("retries", 0)) for r in results)  # type: ignore[call-overload]
    facts = check(url, branch, saved)
    from teller_guard.storage.repository import Repository

    verdict = Repository.open(url, TZ).verify_chain()  # every case and audit event on one unbroken chain
    base = baseline(url)

    total = args.processes * args.cases
    print(f"database: {url.split('@')[-1]}  processes: {args.processes}  cases each: {args.cases}")
    print(f"started: {started}/{args.processes} (slowest start {max(r.get('startup_s', 0) for r in results):.2f} s)")
    print(f"errors: {len(errors)}")
    print(f"lost: {facts['lost']}")
    print(f"duplicate serials: {facts['duplicates']}")
    print(f"missing serials: {facts['missing']}")
    print(
        f"saved: {facts['rows']}/{total} cases in {wall:.1f} s ({facts['rows'] / wall:.0f} cases/s); "
        f"serials still open: {facts['open_serials']}; retries (busy/serialisation): {retried}; "
        f"integrity_check: {facts['integrity']}"
    )
    chain_line = (
        f"intact, {verdict.links} links, {verdict.records} records"
        if verdict.ok
        else f"BROKEN at link {verdict.broken.seq}: {verdict.broken.kind} {verdict.broken.record}"  # type: ignore[union-attr]
    )
    print(f"chain: {chain_line}")
    ms = 1e3
    print(f"serial latency: p50 {pct(serial_s, 0.5) * ms:.1f} ms  p99 {pct(serial_s, 0.99) * ms:.1f} ms")
    print(
        f"save latency: p50 {pct(save_s, 0.5) * ms:.1f} ms  p99 {pct(save_s, 0.99) * ms:.1f} ms  |  "
        f"baseline one-row insert+commit, 1 process: p50 {statistics.median(base) * ms:.2f} ms  "
        f"p99 {pct(base, 0.99) * ms:.2f} ms  ({os.getloadavg()[0]:.1f} load on {os.cpu_count()} cores)"
    )
    for e in sorted(set(errors))[:10]:
        print(f"  error: {e}  (×{errors.count(e)})")
    bad = len(errors) + int(facts["lost"]) + int(facts["duplicates"]) + int(facts["missing"])  # type: ignore[call-overload]
    return 1 if bad or started != args.processes or not verdict.ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
