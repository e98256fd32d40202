"""Month statistics on a demo database (default 1,000,000 interventions): ``month_stats`` and the
``teller-guard stats`` command against a raw ``sqlite3`` GROUP BY of the same month.

    .venv/bin/python bench/bench_stats.py [--n N]
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
from pathlib import Path

from _common import ROOT, best_of, busiest_full_month, demo_db, load_note, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path, built = demo_db(args.n)
    month, rows = busiest_full_month(path)
    print(
        f"bench_stats: {path.name}, month {month} ({rows:,} rows){f', built in {built:.1f} s' if built else ''} ({load_note()})"
    )

    from sqlalchemy import create_engine

    from teller_guard.reports.stats import month_stats  # another engineer's module: imported, not copied

    engine = create_engine(f"sqlite:///{path}")
    month_stats(engine, month)  # warm the page cache
    ours, _ = best_of(lambda: month_stats(engine, month), args.repeat)

    def raw() -> None:
        with sqlite3.connect(path) as db:
            db.execute(
                "SELECT channel, level, decision_group, count(*), sum(amount_fen), sum(amount_protected_fen) "
                "FROM intervention WHERE local_month = ? GROUP BY channel, level, decision_group",
                (month,),
            ).fetchall()

    raw()
    base, _ = best_of(raw, args.repeat)
    report(
        f"month_stats({month}) with 环比/同比 and 12-month trend",
        ours,
        "raw sqlite3 GROUP BY of the month",
        base,
        unit="ms",
    )

    exe = str(Path(sys.executable).with_name("teller-guard"))

    def cli() -> None:
        subprocess.run(
            [exe, "stats", "--db", f"sqlite:///{path}", "--month", month],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
        )

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    cli_s, _ = best_of(cli, max(3, args.repeat // 2))
    base_p, _ = best_of(bare, 3)
    report(f"teller-guard stats --month {month} (process)", cli_s, "python -c pass", base_p, unit="ms")
    report(f"teller-guard stats --month {month} (process)", cli_s, "raw sqlite3 GROUP BY of the month", base, unit="ms")


if __name__ == "__main__":
    main()
