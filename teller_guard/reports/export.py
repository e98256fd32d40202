"""The monthly export (月度台账): a CSV ledger with its manifest, an XLSX workbook and a PDF
report, all masked (:mod:`teller_guard.reports.ledger` says how).

* **CSV** is data only — the header row and one row per intervention, UTF-8 with a BOM so
  Excel and WPS read the Chinese. The facts (period, who exported it and when, the row count,
  the checksum, the totals) go to ``<name>.manifest.json`` beside it, and ``<name>.sha256``
  lists the SHA-256 of both files for ``sha256sum -c``.
* **XLSX** has a 汇总 sheet (the facts and every figure with 环比/同比, as numbers), 趋势 and
  涉诈类型 sheets with native Excel charts beside their tables, and the 明细 sheet (local
  times as real dates, amounts as numbers, frozen header, filters). Written with
  rustpy-xlsxwriter (Rust; ``bench/bench_xlsx_libs.py`` compares it with xlsxwriter and
  pyexcelerate on the same rows).
* **PDF**: :mod:`teller_guard.reports.pdf.monthly`.

Every file is written to a temporary file beside the target and moved into place only when
complete, so an interrupted export never leaves a half file under the final name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from teller_guard.core.permissions import can_export
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.files import atomic_path
from teller_guard.reports.ledger import (
    COLUMN_WIDTHS,
    DETAIL_HEADERS,
    INT_COLUMNS,
    MONEY_COLUMNS,
    TIME_COLUMN,
    ExportFacts,
    Hasher,
    Totals,
    format_rows,
    scrub,
    typed,
    verify_csv,
)
from teller_guard.reports.stats import MonthStats, month_stats, outcome_matrix
from teller_guard.storage.queries import Reader, ledger_count, ledger_rows

if TYPE_CHECKING:
    from rustpy_xlsxwriter.rustpy_xlsxwriter import MergeRange
    from sqlalchemy import Engine

__all__ = [
    "DETAIL_HEADERS",
    "INT_COLUMNS",
    "MONEY_COLUMNS",
    "ExportError",
    "ExportResult",
    "export_month",
    "scrub",
    "verify_csv",
]

Format = Literal["csv", "xlsx", "pdf"]
Progress = Callable[[int, int], None]
"""``progress(rows_done, rows_total)``, called every few thousand rows."""
_PROGRESS_EVERY = 2000


class ExportError(Exception):
    """The export cannot be made (no permission, no CJK font for the PDF, bad target)."""


@dataclass(frozen=True)
class ExportResult:
    """What was written."""

    path: Path
    rows: int
    sha256: str
    facts: ExportFacts
    companions: tuple[Path, ...] = field(default=())
    """Files written beside ``path`` (the CSV's manifest and ``.sha256``)."""


# ---------------------------------------------------------------- the export


def export_month(
    source: Engine | Reader,
    month: str,
    fmt: Format,
    out: Path,
    *,
    staff: Staff,
    rules: RuleSet,
    zone: ZoneInfo,
    now: datetime,
    progress: Progress | None = None,
    stats: MonthStats | None = None,
    chain_head: str | None = None,
) -> ExportResult:
    """Write the monthly export of ``month`` to ``out`` (atomically).

    Args:
        source: the intervention log (an SQLAlchemy engine or a :class:`Reader`).
        month: local business month ``YYYY-MM``.
        fmt: ``csv``, ``xlsx`` or ``pdf``.
        out: the target file.
        staff: who exports — the authenticated member of staff (must hold an export role,
            :func:`can_export`); stated in every format.
        rules: for labels and the branch name.
        zone: the branch's time zone (times in the detail rows are local).
        now: the export time (aware UTC, from the caller's clock).
        progress: called with (rows done, rows total) while detail rows are written.
        stats: the month's statistics if already computed (XLSX and PDF).
        chain_head: the evidence chain's head, stated with the checksum when given.

    Raises:
        ExportError: not allowed, or no embedded CJK font for a PDF.
    """
    if not can_export(staff.role):
        raise ExportError(f"staff {staff.staff_id} ({staff.role}) may not export the ledger")
    if fmt not in ("csv", "xlsx", "pdf"):
        raise ExportError(f"unknown format {fmt!r}")
    if Path(out).is_dir():
        raise ExportError(f"{out} is a folder; give a file name")
    reader = source if isinstance(source, Reader) else Reader.of_engine(source)
    try:
        total = ledger_count(reader, month)
        totals = Totals()

        def lines() -> Iterator[list[str]]:
            signal_labels = {k: s.label for k, s in rules.signals.items()}
            n = 0
            for n, line in enumerate(  # noqa: B007  (n is the count after the loop)
                format_rows(ledger_rows(reader, month), zone, signal_labels=signal_labels, totals=totals), 1
            ):
                if progress is not None and n % _PROGRESS_EVERY == 0:
                    progress(n, total)
                yield line
            if progress is not None:
                progress(n, total)

        def facts(rows: int, sha: str) -> ExportFacts:
            return ExportFacts(
                month=month,
                branch=f"{rules.branch.code} {rules.branch.name}",
                exported_by=staff,
                exported_at=now,
                zone=zone,
                rows=rows,
                sha256=sha,
                totals=totals,
                chain_head=chain_head,
            )

        def month_figures() -> MonthStats:
            return stats or month_stats(
                reader, month, typology_labels={k: t.label for k, t in rules.typologies.items()}
            )

        if fmt == "csv":
            return _write_csv(Path(out), lines(), facts)
        if fmt == "xlsx":
            with atomic_path(out) as tmp:
                f = _write_xlsx(tmp, lines(), month_figures(), facts)
            return ExportResult(Path(out), f.rows, f.sha256, f)
        from teller_guard.reports.pdf.fonts import FontError
        from teller_guard.reports.pdf.monthly import write_monthly_pdf

        h = Hasher()
        h.row(DETAIL_HEADERS)
        h.many(lines())
        f = facts(h.rows, h.hexdigest())
        from teller_guard.storage.queries import typical_cases

        cases = typical_cases(reader, month)
        try:
            with atomic_path(out) as tmp:
                write_monthly_pdf(tmp, month_figures(), f, cases, rules=rules)
        except FontError as exc:
            raise ExportError(str(exc)) from None
        return ExportResult(Path(out), f.rows, f.sha256, f)
    finally:
        if reader is not source:
            reader.close()


# ---------------------------------------------------------------- CSV


def _write_csv(out: Path, lines: Iterator[list[str]], facts_of: Callable[[int, str], ExportFacts]) -> ExportResult:
    from teller_guard.reports.manifest import manifest_path, sha256_path, write_companions

    with atomic_path(out) as tmp:
        with open(tmp, "wb") as fh:
            # UTF-8 BOM: Excel and WPS then read the Chinese correctly.
            h = Hasher(fh, file_prefix=b"\xef\xbb\xbf")
            h.row(DETAIL_HEADERS)
            h.many(lines)
            facts = facts_of(h.rows, h.hexdigest())
        write_companions(out, facts, file_sha256=h.file_sha.hexdigest(), file_bytes=h.file_bytes)
    return ExportResult(out, facts.rows, facts.sha256, facts, (manifest_path(out), sha256_path(out)))


# ---------------------------------------------------------------- XLSX

PERCENT = '+0.0%;-0.0%;"持平"'


def _ratio(value: int | Decimal | None, base: int | Decimal | None) -> float | str | None:
    """环比/同比 as a number for a % format; ``新增`` from nothing, empty when nothing to compare."""
    if value is None or base is None:
        return None
    if base == 0:
        return "新增" if value else None
    return float((Decimal(value) - Decimal(base)) / Decimal(base))


def _number(value: int | Decimal | None, kind: str) -> float | int | None:
    if value is None:
        return None
    if kind == "fen":
        return int(value) / 100  # a cell value for display; the exact yuan are in the CSV
    if kind == "seconds":
        return float(Decimal(value))
    return int(value)


def _write_xlsx(
    path: Path, lines: Iterator[list[str]], stats: MonthStats, facts_of: Callable[[int, str], ExportFacts]
) -> ExportFacts:
    from rustpy_xlsxwriter import Format as XFormat
    from rustpy_xlsxwriter import write_worksheets

    # The 汇总 sheet comes first and states the checksum of the detail, so the month's lines
    # are formatted (and checksummed) once and kept: a month is ~100,000 rows, ~100 MB at most.
    h = Hasher()
    h.row(DETAIL_HEADERS)
    kept: list[list[str]] = []
    h.many(_keep(lines, kept))
    facts = facts_of(h.rows, h.hexdigest())

    def detail() -> Iterator[dict[str, Any]]:
        for line in kept:
            yield dict(zip(DETAIL_HEADERS, typed(line), strict=True))

    money = XFormat().set_num_format("#,##0.00")
    count = XFormat().set_num_format("#,##0")
    secs = XFormat().set_num_format("0.0")
    pct = XFormat().set_num_format(PERCENT)
    title = XFormat().set_bold().set_font_size(14)
    label = XFormat().set_bold()
    kinds = {"fen": money, "count": count, "seconds": secs}

    fact_lines = [("反诈劝阻月度台账 " + stats.month, title)] + [
        (f"{k}：{v}", label if k == "校验值" else None) for k, v in facts.lines()
    ]
    header_row = len(fact_lines) + 1
    merges: list[MergeRange] = [
        (r, 0, r, 6, text, fmt) if fmt else (r, 0, r, 6, text) for r, (text, fmt) in enumerate(fact_lines)
    ]
    figures = stats.figures()
    figure_rows = [
        {
            "分类": fig.section,
            "指标": fig.label + ("（元）" if fig.kind == "fen" else "（秒）" if fig.kind == "seconds" else ""),
            "本月": _number(fig.value, fig.kind),
            "上月": _number(fig.previous, fig.kind),
            "环比": _ratio(fig.value, fig.previous),
            "去年同月": _number(fig.last_year, fig.kind),
            "同比": _ratio(fig.value, fig.last_year),
        }
        for fig in figures
    ]
    # A row's number format follows its kind (count, yuan, seconds); 环比 and 同比 are percentages.
    row_formats = {header_row + 1 + k: kinds[fig.kind] for k, fig in enumerate(figures)}
    trend = [
        {
            "月份": p.month,
            "核查笔数": p.interventions,
            "劝阻及报警笔数": p.dissuaded,
            "避免损失金额（元）": p.protected_fen / 100,
        }
        for p in stats.trend
    ]
    types, groups, matrix = outcome_matrix(stats)
    by_type = [
        {"涉诈类型": name, **dict(zip(groups, counts, strict=True)), "合计": sum(counts)}
        for name, counts in zip(types, matrix, strict=True)
    ] or [{"涉诈类型": "本月无数据", "合计": 0}]
    trend_chart_h = 15
    write_worksheets(
        [("汇总", figure_rows), ("趋势", trend), ("涉诈类型", by_type), ("明细", detail())],
        str(path),
        na_rep="—",
        header_row={"汇总": header_row},
        merge_ranges={"汇总": merges},
        row_formats={"汇总": row_formats},
        column_formats={
            "汇总": {"环比": pct, "同比": pct},
            "趋势": {"核查笔数": count, "劝阻及报警笔数": count, "避免损失金额（元）": money},
            "涉诈类型": dict.fromkeys((*groups, "合计"), count),
            "明细": {
                DETAIL_HEADERS[TIME_COLUMN]: XFormat().set_num_format("yyyy-mm-dd hh:mm:ss"),
                **{DETAIL_HEADERS[k]: money for k in MONEY_COLUMNS},
            },
        },
        column_widths={
            "汇总": [12, 34, 16, 16, 10, 16, 10],
            "趋势": [10, 12, 16, 20],
            "涉诈类型": [22, *([12] * len(groups)), 10],
            "明细": list(COLUMN_WIDTHS),
        },
        header_format={"general": XFormat().set_bold().set_background_color("#DDEBF7").set_border("thin")},
        freeze_panes={"明细": {"row": 1, "col": 0}, "汇总": {"row": header_row + 1, "col": 0}},
        autofilter={"明细": True},
        # Printed (or converted to PDF), every sheet is one page wide; the ledger in landscape.
        page_setup={
            "汇总": {"fit_to_pages": (1, 0)},
            "趋势": {"fit_to_pages": (1, 0)},
            "涉诈类型": {"fit_to_pages": (1, 0)},
            "明细": {"fit_to_pages": (1, 0), "landscape": True, "repeat_rows": 0},
        },
        charts={
            "趋势": [
                {
                    "type": "column",
                    "series": ["核查笔数"],
                    "categories": "月份",
                    "title": f"近{len(trend)}个月核查笔数",
                    "legend": False,
                    "row": len(trend) + 2,
                    "col": 0,
                    "width": 640,
                    "height": 280,
                },
                {
                    "type": "line",
                    "series": ["避免损失金额（元）"],
                    "categories": "月份",
                    "title": f"近{len(trend)}个月避免损失金额（元）",
                    "legend": False,
                    "row": len(trend) + 2 + trend_chart_h,
                    "col": 0,
                    "width": 640,
                    "height": 280,
                },
            ],
            "涉诈类型": [
                {
                    "type": "bar_stacked",
                    "series": list(groups),
                    "categories": "涉诈类型",
                    "title": f"{stats.month} 涉诈类型与处置结果（笔）",
                    "row": len(by_type) + 2,
                    "col": 0,
                    "width": 640,
                    "height": max(300, 34 * len(by_type) + 120),
                }
            ]
            if groups
            else [],
        },
    )
    return facts


def _keep(lines: Iterator[list[str]], kept: list[list[str]]) -> Iterator[list[str]]:
    for line in lines:
        kept.append(line)
        yield line
