"""The evidence chain's full verify on a demo database (default 1,000,000 interventions), against a
raw ``sqlite3`` read of the same rows (every column of the log's five tables and the chain, fetched
in the same batches, nothing computed) in the same run.

    .venv/bin/python bench/bench_verify.py [--n N] [--repeat R]

Also prints what chaining costs ``demo-data`` (the build with links, when the database is new).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time

from _common import OUT, TZ, best_of, demo_db, load_note, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = OUT / f"chain_demo_{args.n}.db"
    if path.exists():
        with sqlite3.connect(path) as db:
            has_chain = db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'chain_link'").fetchone()[0]
        if not has_chain:
            path.unlink()
    path, built = demo_db(args.n, path)
    print(
        f"bench_verify: {path.name}, {args.n:,} interventions{f', built in {built:.1f} s' if built else ''} ({load_note()})"
    )

    from teller_guard.storage.chain import (
        ACK_COLUMNS,
        ANSWER_COLUMNS,
        BATCH,
        DECISION_COLUMNS,
        INTERVENTION_COLUMNS,
        LINK_COLUMNS,
        SIGNAL_COLUMNS,
    )
    from teller_guard.storage.repository import Repository

    repo = Repository.open(f"sqlite:///{path}", TZ)

    def verify() -> None:
        verdict = repo.verify_chain()
        if not verdict.ok or verdict.links != args.n:
            sys.exit(f"verify failed on the benchmark database: {verdict}")

    def raw() -> None:
        with sqlite3.connect(path) as db:
            top = db.execute("SELECT max(id) FROM intervention").fetchone()[0]
            for lo in range(1, top + 1, BATCH):
                hi = lo + BATCH - 1
                db.execute(
                    f"SELECT id, {', '.join(INTERVENTION_COLUMNS)} FROM intervention WHERE id BETWEEN ? AND ?", (lo, hi)
                ).fetchall()
                for table, cols in (
                    ("answer", ANSWER_COLUMNS),
                    ("fired_signal", SIGNAL_COLUMNS),
                    ("decision", DECISION_COLUMNS),
                    ("acknowledgement", ACK_COLUMNS),
                ):
                    db.execute(
                        f"SELECT intervention_id, {', '.join(cols)} FROM {table} WHERE intervention_id BETWEEN ? AND ?",
                        (lo, hi),
                    ).fetchall()
                db.execute(
                    f"SELECT {', '.join(LINK_COLUMNS)} FROM chain_link WHERE seq BETWEEN ? AND ?", (lo, hi)
                ).fetchall()

    raw()
    base, _ = best_of(raw, args.repeat)
    t = time.perf_counter()
    verify()
    first = time.perf_counter() - t
    took, runs = best_of(verify, args.repeat)
    report(
        f"verify {args.n:,} interventions (first run {first:.1f} s)", took, "raw sqlite3 read of the same rows", base
    )


if __name__ == "__main__":
    main()
