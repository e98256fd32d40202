"""Three XLSX writers on the same 100,000 ledger rows (the real rows of the demo database, masked
and typed as the export types them: a local datetime, two money floats, an integer score, text):
rustpy-xlsxwriter (what the export uses), xlsxwriter in constant-memory mode, pyexcelerate.
The baseline is writing the same rows with ``csv.writer`` in the same run.

    .venv/bin/pip install -e '.[bench]'   # xlsxwriter and pyexcelerate, for this comparison only
    .venv/bin/python bench/bench_xlsx_libs.py [--n N] [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import io
import time

from _common import OUT, TZ, busiest_full_month, demo_db, load_note, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    path, _ = demo_db(args.n)
    month, _ = busiest_full_month(path)

    from teller_guard.reports.ledger import DETAIL_HEADERS, INT_COLUMNS, MONEY_COLUMNS, TIME_COLUMN, format_rows, typed
    from teller_guard.reports.stats import shift_month
    from teller_guard.storage.queries import Reader, ledger_rows

    rows: list[list[object]] = []
    with Reader.open(f"sqlite:///{path}") as reader:
        for m in (month, shift_month(month, -1)):
            for cells in format_rows(ledger_rows(reader, m), TZ):
                rows.append(typed(cells))
                if len(rows) == args.rows:
                    break
            if len(rows) == args.rows:
                break
    n = len(rows)
    print(f"bench_xlsx_libs: {n:,} ledger rows × {len(DETAIL_HEADERS)} columns ({load_note()})")

    def timed(fn) -> float:  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    def csv_baseline() -> None:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(DETAIL_HEADERS)
        w.writerows(rows)
        (OUT / "libs.csv").write_text(buf.getvalue(), encoding="utf-8")

    def rustpy() -> None:
        from rustpy_xlsxwriter import Format, write_worksheet

        write_worksheet(
            (dict(zip(DETAIL_HEADERS, r, strict=True)) for r in rows),
            str(OUT / "libs_rustpy.xlsx"),
            sheet_name="明细",
            freeze_row=1,
            autofilter=True,
            column_formats={
                DETAIL_HEADERS[TIME_COLUMN]: Format().set_num_format("yyyy-mm-dd hh:mm:ss"),
                **{DETAIL_HEADERS[k]: Format().set_num_format("#,##0.00") for k in MONEY_COLUMNS},
            },
        )

    def xlsxwriter_cm() -> None:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(OUT / "libs_xlsxwriter.xlsx"), {"constant_memory": True})
        ws = wb.add_worksheet("明细")
        when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        money = wb.add_format({"num_format": "#,##0.00"})
        ws.freeze_panes(1, 0)
        ws.write_row(0, 0, DETAIL_HEADERS)
        for i, r in enumerate(rows, 1):
            for c, v in enumerate(r):
                if c == TIME_COLUMN:
                    ws.write_datetime(i, c, v, when)
                elif c in MONEY_COLUMNS:
                    ws.write_number(i, c, v, money)
                elif c in INT_COLUMNS:
                    ws.write_number(i, c, v)
                else:
                    ws.write_string(i, c, v)
        ws.autofilter(0, 0, n, len(DETAIL_HEADERS) - 1)
        wb.close()

    def pyexcelerate() -> None:
        from pyexcelerate import Format, Style, Workbook

        wb = Workbook()
        ws = wb.new_sheet("明细", data=[list(DETAIL_HEADERS), *rows])
        ws.set_col_style(TIME_COLUMN + 1, Style(format=Format("yyyy-mm-dd hh:mm:ss")))
        for k in MONEY_COLUMNS:
            ws.set_col_style(k + 1, Style(format=Format("#,##0.00")))
        wb.save(str(OUT / "libs_pyexcelerate.xlsx"))

    base = timed(csv_baseline)
    for name, fn in (
        ("rustpy-xlsxwriter", rustpy),
        ("xlsxwriter constant_memory", xlsxwriter_cm),
        ("pyexcelerate", pyexcelerate),
    ):
        try:
            took = timed(fn)
        except ImportError as exc:
            print(f"{name}: not installed ({exc.name}); pip install -e '.[bench]'")
            continue
        report(f"{name}: {n:,} rows", took, "csv.writer of the same rows", base)


if __name__ == "__main__":
    main()
