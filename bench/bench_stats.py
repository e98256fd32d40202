"""Month statistics on a demo database (default 1,000,000 interventions): ``month_stats`` cold (the
statistics cache emptied) and warm, against a raw ``sqlite3`` GROUP BY of the same month; and the
``teller-guard stats`` command as a whole process against ``python -c "import pydantic"`` (signed in
as the demo security officer with the demo PIN: one argon2id verification and its audit event are
part of the command since identity became real), and that PIN check alone against one bare
argon2id verification.

    .venv/bin/python bench/bench_stats.py [--n N]

Targets (issue 13): month statistics < 200 ms in-process; the command within 3x importing pydantic.
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

    from zoneinfo import ZoneInfo

    from teller_guard.reports.stats import month_stats
    from teller_guard.storage.queries import Reader
    from teller_guard.storage.repository import Repository

    url = f"sqlite:///{path}"
    Repository.open(url, ZoneInfo("Asia/Shanghai")).engine.dispose()  # at the current schema

    def clear_cache() -> None:
        with sqlite3.connect(path) as db:
            db.execute("DELETE FROM stats_cache")

    def stats() -> None:
        with Reader.open(url) as reader:
            month_stats(reader, month)

    def raw() -> None:
        with sqlite3.connect(path) as db:
            db.execute(
                "SELECT channel, level, decision_group, count(*), sum(amount_fen), sum(amount_protected_fen) "
                "FROM intervention WHERE local_month = ? GROUP BY channel, level, decision_group",
                (month,),
            ).fetchall()

    raw()
    base, _ = best_of(raw, args.repeat)
    cold_runs = []
    for _ in range(max(3, args.repeat // 2)):
        clear_cache()
        cold_runs.append(best_of(stats, 1)[0])
    cold = sorted(cold_runs)[len(cold_runs) // 2]
    warm, _ = best_of(stats, args.repeat)
    report(
        f"month_stats({month}) cold: 环比/同比, 12-month trend, cache emptied",
        cold,
        "raw GROUP BY of the month",
        base,
        unit="ms",
    )
    report(
        f"month_stats({month}) warm: closed months from the cache", warm, "raw GROUP BY of the month", base, unit="ms"
    )

    from teller_guard.core.accounts import DEMO_PIN
    from teller_guard.identity.pins import Pin, PinHasher

    repo = Repository.open(url, ZoneInfo("Asia/Shanghai"))
    officer = repo.staff.get("demo-sec01")
    if officer is None or officer.pin_hash is None:  # a demo database from before staff had PINs
        repo.staff.set_pin("demo-sec01", PinHasher().hash(Pin(DEMO_PIN)), at=repo.clock(), must_change=False)
    repo.engine.dispose()
    exe = str(Path(sys.executable).with_name("teller-guard"))

    def cli() -> None:
        subprocess.run(
            [exe, "stats", "--db", url, "--month", month, "--staff", "demo-sec01", "--pin-stdin"],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
            input=f"{DEMO_PIN}\n".encode(),
        )

    def pydantic() -> None:
        subprocess.run([sys.executable, "-c", "import pydantic"], check=True)

    cli()
    runs = max(5, args.repeat)
    # Interleaved, so both see the same load.
    cli_t, pyd_t = [], []
    for _ in range(runs):
        cli_t.append(best_of(cli, 1)[0])
        pyd_t.append(best_of(pydantic, 1)[0])
    cli_s, pyd_s = sorted(cli_t)[runs // 2], sorted(pyd_t)[runs // 2]
    report(
        f"teller-guard stats --month {month} (process, warm cache)",
        cli_s,
        'python -c "import pydantic"',
        pyd_s,
        unit="ms",
    )


if __name__ == "__main__":
    main()
