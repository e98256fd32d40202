"""The monthly export of the busiest month (~87,000 rows on the 1,000,000-row demo database): CSV
against a raw ``sqlite3`` dump of the same rows (``SELECT`` → ``csv.writer``), the XLSX export and
the PDF report.

    .venv/bin/python bench/bench_export.py [--n N]

Targets (issue 13): CSV ≤ 1.5x the raw dump; XLSX of 100,000 rows < 5 s; PDF report < 2 s.
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
       i.amount_protected_fen, d.police_ref, a.notice_serial, i.ack_method, l.uid, l.staff_id, l.machine_id
FROM intervention i
LEFT JOIN decision d ON d.intervention_id = i.id
LEFT JOIN acknowledgement a ON a.intervention_id = i.id
LEFT JOIN intervention l ON l.uid = i.handoff_from_uid
WHERE i.local_month = ?
ORDER BY i.closed_at, i.id
"""
"""The same rows and columns the ledger reads, with no masking, wording, checksum or manifest."""


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

    from teller_guard.core.clock import system_clock
    from teller_guard.core.records import Staff
    from teller_guard.core.rules import load_rules, shipped_rules_dir
    from teller_guard.reports.export import export_month
    from teller_guard.storage.queries import Reader

    rules = load_rules(shipped_rules_dir())
    officer = Staff(staff_id="demo-sec01", name="钱保卫（演示）", role="security")

    def export(fmt: str) -> int:
        with Reader.open(f"sqlite:///{path}") as reader:
            return export_month(
                reader, month, fmt, OUT / f"台账-{month}.{fmt}", staff=officer, rules=rules, zone=TZ, now=system_clock()
            ).rows  # type: ignore[arg-type]

    def raw() -> None:
        with sqlite3.connect(path) as db, open(OUT / f"raw_{month}.csv", "w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            for row in db.execute(RAW_SQL, (month,)):
                writer.writerow(row)

    raw()
    export("csv")
    # Interleaved, so both see the same load.
    ours_t, base_t = [], []
    for _ in range(max(3, args.repeat)):
        base_t.append(best_of(raw, 1)[0])
        ours_t.append(best_of(lambda: export("csv"), 1)[0])
    base, ours = sorted(base_t)[len(base_t) // 2], sorted(ours_t)[len(ours_t) // 2]
    report(
        f"CSV export of {month} ({rows:,} rows, + manifest and .sha256)", ours, "raw sqlite3 SELECT → csv.writer", base
    )
    t = time.perf_counter()
    n = export("xlsx")
    xlsx = time.perf_counter() - t
    report(
        f"XLSX export of {month} ({n:,} rows, 4 sheets, 3 native charts)", xlsx, "raw sqlite3 SELECT → csv.writer", base
    )
    print(f"XLSX export: {xlsx:.2f} s for {n:,} rows = {xlsx / n * 100_000:.2f} s per 100,000 rows ({load_note()})")
    pdf, _ = best_of(lambda: export("pdf"), args.repeat)
    report(f"PDF report of {month}", pdf, "raw sqlite3 SELECT → csv.writer", base)


if __name__ == "__main__":
    main()
