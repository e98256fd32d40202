"""``demo-data`` insert of N interventions (default 1,000,000) against raw ``sqlite3.executemany``.

    .venv/bin/python bench/bench_insert.py [--n N]

Baselines from the same run: raw ``executemany`` of pre-built flat rows into a five-column
table (the ECOSYSTEM.md §7 shape) — once N rows, once as many rows as the demo run wrote in all.
Every demo intervention writes its answers (14 at the counter), fired signals, decision and, at
medium risk and above, its acknowledgement into tables with the production indexes, and each
row is built by sampling engine-scored templates, so the second ratio is the fairer one.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time

from _common import OUT, SEED, TZ, load_note, report

from teller_guard.cli import main as cli_main
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
    Repository.open(f"sqlite:///{path}", TZ).engine.dispose()  # the schema, outside the timing
    t = time.perf_counter()
    # Exactly what a user runs: templates, the generator process, the bulk insert, the commit.
    rc = cli_main(["demo-data", "--db", f"sqlite:///{path}", "--n", str(args.n), "--seed", str(SEED)])
    total = time.perf_counter() - t
    assert rc == 0, rc
    with sqlite3.connect(path) as db:
        count = db.execute("SELECT count(*) FROM intervention").fetchone()[0]
        children = sum(
            db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("answer", "fired_signal", "decision", "acknowledgement")
        )
    size = path.stat().st_size / 1e6
    print(
        f"demo-data: {count:,} interventions + {children:,} child rows in {total:.1f} s; "
        f"{total / count * 1e6:.1f} µs per intervention, {total / (count + children) * 1e6:.2f} µs per row; {size:,.0f} MB",
        flush=True,
    )
    base = flat_baseline(count)
    report(f"demo-data --n {count:,}", total, f"raw executemany of {count:,} flat rows", base)
    flat_rows = flat_baseline(count + children) if count + children <= 20_000_000 else float("nan")
    report(
        f"demo-data --n {count:,} ({count + children:,} rows in all)",
        total,
        f"raw executemany of {count + children:,} flat rows",
        flat_rows,
    )


if __name__ == "__main__":
    main()
