"""``demo-data`` insert of N interventions (default 1,000,000) against raw ``sqlite3.executemany``.

    .venv/bin/python bench/bench_insert.py [--n N]

Two baselines from the same run: (1) raw ``executemany`` of N flat, pre-built rows into a
five-column table (the ECOSYSTEM.md §7 shape), the cheapest a million-row insert gets; (2) the
raw ``executemany`` time spent inside our own run (the database's share of it), so the rest is
generation. Every demo intervention also writes its answers, fired signals, decision and, at
medium risk and above, its acknowledgement (≈15 rows in all), into tables with the production
indexes.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from datetime import datetime
from datetime import time as dtime

from _common import OUT, SEED, TZ, load_note, report

from teller_guard.commands.demo_data import pool_size
from teller_guard.core.rules import load_rules, shipped_rules_dir
from teller_guard.storage.demo import COLUMNS, DEMO_STAFF, DemoGenerator
from teller_guard.storage.repository import Repository


def flat_baseline(n: int) -> float:
    path = OUT / "flat_baseline.db"
    for suffix in ("", "-wal", "-shm"):
        OUT.joinpath(path.name + suffix).unlink(missing_ok=True)
    rng = random.Random(SEED)
    outcomes = ("放行", "提示", "需复核", "拦截")
    rows = [
        (i, f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:{i % 60:02d}:00", rng.randint(1, 8),
         rng.randint(100, 10**7), outcomes[i % 4])
        for i in range(1, n + 1)
    ]  # fmt: skip
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, teller_id INT, amount_fen INT, outcome TEXT)")
    t = time.perf_counter()
    with db:
        db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
    elapsed = time.perf_counter() - t
    db.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"bench_insert: n={args.n:,} ({load_note()})", flush=True)

    path = OUT / f"demo_{args.n}.db"  # bench_stats and bench_export reuse it
    for suffix in ("", "-wal", "-shm"):
        OUT.joinpath(path.name + suffix).unlink(missing_ok=True)
    rules = load_rules(shipped_rules_dir())
    repo = Repository.open(f"sqlite:///{path}", TZ)
    for staff in DEMO_STAFF:
        repo.upsert_staff(staff)

    t0 = time.perf_counter()
    end = datetime.combine(datetime.now(TZ).date(), dtime(0), TZ)
    gen = DemoGenerator(rules, seed=SEED, end=end, months=12, tz=TZ, pool_size=pool_size(args.n))
    pool_s = time.perf_counter() - t0
    generating = 0.0
    child_rows = 0

    def chunks(first: int):  # type: ignore[no-untyped-def]
        nonlocal generating, child_rows
        it = gen.chunks(args.n, first)
        while True:
            t = time.perf_counter()
            chunk = next(it, None)
            generating += time.perf_counter() - t
            if chunk is None:
                return
            child_rows += sum(len(v) for k, v in chunk.items() if k != "intervention")
            yield chunk

    t1 = time.perf_counter()
    count = repo.bulk_insert_rows(COLUMNS, chunks)
    insert_s = time.perf_counter() - t1
    total = time.perf_counter() - t0
    repo.engine.dispose()
    size = path.stat().st_size / 1e6
    print(
        f"demo-data {count:,} interventions + {child_rows:,} child rows: total {total:.1f} s "
        f"(templates {pool_s:.1f} s, row generation {generating:.1f} s, SQLite {insert_s - generating:.1f} s); "
        f"{total / count * 1e6:.1f} µs per intervention; {size:,.0f} MB",
        flush=True,
    )
    base = flat_baseline(count)
    report(f"demo-data insert of {count:,}", total, f"raw executemany of {count:,} flat rows", base)
    report("  of which SQLite (same run)", insert_s - generating, "raw flat executemany", base)


if __name__ == "__main__":
    main()
