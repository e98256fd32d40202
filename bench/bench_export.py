"""The monthly export of a ~100,000-row month: CSV against a raw ``sqlite3`` dump of the same rows
(``SELECT`` → ``csv.writer``), and the XLSX export's and the PDF report's times.

    .venv/bin/python bench/bench_export.py [--n N]
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import time

from _common import OUT, TZ, best_of, busiest_full_month, demo_db, load_note, report

RAW_SQL = """
SELECT i.uid, i.closed_at, i.channel, i.status, i.staff_id, i.staff_role, i.customer_name_masked, i.customer_sex,
       i.customer_age, i.amount_fen, i.purpose_text, i.payee_name_masked, i.payee_account_masked,
       i.payee_relation_text, i.signal_ids, i.score, i.level, i.typology_labels, d.label, i.decision_group,
       i.amount_protected_fen, d.police_ref, a.notice_serial, i.ack_method
FROM intervention i
LEFT JOIN decision d ON d.intervention_id = i.id
LEFT JOIN acknowledgement a ON a.intervention_id = i.id
WHERE i.local_month = ?
ORDER BY i.closed_at, i.id
"""
"""The same rows and columns the export's detail sheet reads, with no masking, formatting or checksum."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path, built = demo_db(args.n)
    month, rows = busiest_full_month(path)
    print(
        f"bench_export: {path.name}, month {month} ({rows:,} rows){f', built in {built:.1f} s' if built else ''} ({load_note()})"
    )

    from sqlalchemy import create_engine

    from teller_guard.core.clock import system_clock
    from teller_guard.core.records import Staff
    from teller_guard.core.rules import load_rules, shipped_rules_dir
    from teller_guard.reports.export import export_month  # another engineer's module: imported, not copied

    engine = create_engine(f"sqlite:///{path}")
    rules = load_rules(shipped_rules_dir())
    officer = Staff(staff_id="demo-sec01", name="钱保卫（演示）", role="security")

    def export(fmt: str) -> None:
        export_month(
            engine, month, fmt, OUT / f"export_{month}.{fmt}", staff=officer, rules=rules, zone=TZ, now=system_clock()
        )  # type: ignore[arg-type]

    def raw() -> None:
        with sqlite3.connect(path) as db, open(OUT / f"raw_{month}.csv", "w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            for row in db.execute(RAW_SQL, (month,)):
                writer.writerow(row)

    raw()
    base, _ = best_of(raw, args.repeat)
    ours, _ = best_of(lambda: export("csv"), args.repeat)
    report(f"CSV export of {month} ({rows:,} rows)", ours, "raw sqlite3 SELECT → csv.writer", base)
    t = time.perf_counter()
    export("xlsx")
    xlsx = time.perf_counter() - t
    report(f"XLSX export of {month} ({rows:,} rows)", xlsx, "raw sqlite3 SELECT → csv.writer", base)
    print(f"XLSX export: {xlsx:.2f} s for {rows:,} rows ({load_note()})")
    t = time.perf_counter()
    export("pdf")
    pdf = time.perf_counter() - t
    report(f"PDF report of {month}", pdf, "raw sqlite3 SELECT → csv.writer", base)


if __name__ == "__main__":
    main()
