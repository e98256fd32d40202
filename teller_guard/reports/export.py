"""The monthly export (月度台账): XLSX and CSV ledgers and a PDF report, all masked.

Every format states the period, the row count, who exported it and when, and one
checksum. **The checksum** is the SHA-256 of the canonical CSV detail rows: the header row
and one row per intervention, written by Python's :mod:`csv` (``QUOTE_MINIMAL``, ``\\r\\n``
line ends), encoded UTF-8 without the BOM. In the CSV file these are exactly the bytes after
the BOM up to the first empty line (the export facts follow that line), so a copy is checked
with :func:`verify_csv` or ``tail -c +4 FILE | sed '/^\\r$/,$d' | sha256sum``. The XLSX and
the PDF of the same month state the same checksum.

**Masking.** Nothing leaves the branch that lets a reader rebuild an identity: names are
shown as stored (surname + ``*``, re-masked here in case), ID numbers never (age band only),
accounts as ``****1234``. Free text (the purpose and payee relation in the customer's
words) is scrubbed by :func:`scrub`: every run of 8 or more digits (spaces and dashes inside
allowed) is replaced — by ``[证件号已隐去]`` when it has the shape of an ID number (15 or 18
characters, last one possibly ``X``), else by ``****`` + its last four digits — and a name
after a cue (``我叫``, ``他叫``, ``收款人叫``, ``名叫``, ``姓名``, ``名字是``, ``本人``) keeps
only its surname. Names said without a cue
cannot be recognised reliably; the counter form asks for no names in free text.

Files are written to a temporary file beside the target and moved into place with
:func:`os.replace`, so an interrupted export never leaves a half file under the final name.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, case, func, select

from teller_guard.core.money import fen_to_yuan, format_yuan
from teller_guard.core.permissions import can_export
from teller_guard.core.records import Staff, age_band, mask_account, mask_name
from teller_guard.core.rules import RuleSet
from teller_guard.files import atomic_path
from teller_guard.reports.stats import (
    ACK_LABELS,
    CHANNEL_LABELS,
    GROUP_LABELS,
    LEVEL_LABELS,
    PROTECTING_GROUPS,
    ROLE_LABELS,
    SEX_LABELS,
    MonthStats,
    _effective,
    format_value,
    month_stats,
    outcome_matrix,
)
from teller_guard.storage.tables import AcknowledgementRow, DecisionRow, InterventionRow

Format = Literal["csv", "xlsx", "pdf"]
Progress = Callable[[int, int], None]
"""``progress(rows_done, rows_total)``, called every few thousand rows."""

DETAIL_HEADERS: tuple[str, ...] = (
    "记录编号",
    "时间（本地）",
    "渠道",
    "工号",
    "岗位",
    "客户（脱敏）",
    "性别",
    "年龄段",
    "金额（元）",
    "用途（客户原话）",
    "收款人（脱敏）",
    "收款账户（脱敏）",
    "收款人关系",
    "风险信号",
    "分值",
    "等级",
    "涉诈类型",
    "处置",
    "结果",
    "避免损失金额（元）",
    "报警回执号",
    "告知书编号",
    "签署情况",
)
"""The ledger row of DOMAIN.md §6.4, in order."""
MONEY_COLUMNS = (DETAIL_HEADERS.index("金额（元）"), DETAIL_HEADERS.index("避免损失金额（元）"))
INT_COLUMNS = (DETAIL_HEADERS.index("分值"),)
COLUMN_WIDTHS = (34, 20, 9, 9, 9, 11, 5, 11, 14, 36, 11, 14, 18, 36, 6, 6, 24, 22, 14, 16, 18, 22, 16)
CHECKSUM_RULE = "SHA-256：CSV 明细（表头+每行一笔，UTF-8 无 BOM，CRLF 换行）"
_PROGRESS_EVERY = 2000


class ExportError(Exception):
    """The export cannot be made (no permission, no CJK font for the PDF, bad target)."""


# ---------------------------------------------------------------- masking


_DIGIT_RUN = re.compile(r"(?<![0-9])\d(?:[\s\-]?\d){7,}(?:[\s\-]?[Xx])?(?![0-9])")
_NAME_CUE = re.compile(r"([我他她人]叫|名叫|叫做|姓名[是为:：]?|名字[是叫][:：]?|本人)\s*([\u4e00-\u9fff·]{2,4})")
_SCRUB_TRIGGER = re.compile(r"\d|叫|姓名|名字|本人|[\x00-\x1f\x7f\u2028\u2029]")
_SEPARATORS = re.compile(r"[\s\-]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def _digit_run(m: re.Match[str]) -> str:
    compact = _SEPARATORS.sub("", m.group(0))
    if len(compact) in (15, 18) and compact[:-1].isdigit():
        return "[证件号已隐去]"
    return "****" + compact.rstrip("Xx")[-4:]


def scrub(text: str | None) -> str:
    """Free text made safe to export: no digit run of 8+, no ID number, no name after a cue,
    on one line."""
    if not text:
        return ""
    if _SCRUB_TRIGGER.search(text) is None:  # the common case: nothing to mask
        return text.strip()
    text = _CONTROL.sub(" ", text)
    text = _DIGIT_RUN.sub(_digit_run, text)
    text = _NAME_CUE.sub(lambda m: m.group(1) + (mask_name(m.group(2)) or ""), text)
    return text.strip()


def _masked_name(value: str | None) -> str:
    if not value:
        return ""
    return value if "*" in value else (mask_name(value) or "")


def _masked_account(value: str | None) -> str:
    if not value:
        return ""
    return value if re.fullmatch(r"\*+[0-9A-Za-z]{0,4}", value) else (mask_account(value) or "")


# ---------------------------------------------------------------- detail rows


@dataclass(frozen=True)
class ExportMeta:
    """The facts every export states."""

    month: str
    branch: str
    exported_by: str
    exported_at: str
    """Local time, ``YYYY-MM-DD HH:MM:SS`` with the zone name."""
    rows: int
    sha256: str
    totals: dict[str, str]
    """Headline totals as people read them (核查笔数, 避免损失金额 …), identical in every format."""

    def lines(self) -> list[tuple[str, str]]:
        return [
            ("报告期", self.month),
            ("网点", self.branch),
            ("导出人", self.exported_by),
            ("导出时间", self.exported_at),
            ("明细行数", str(self.rows)),
            ("校验值", self.sha256),
            ("校验方法", CHECKSUM_RULE),
            *self.totals.items(),
        ]


@dataclass(frozen=True)
class ExportResult:
    """What was written."""

    path: Path
    rows: int
    sha256: str
    meta: ExportMeta


def _detail_stmt(month: str) -> Any:
    i = InterventionRow.__table__.c  # type: ignore[attr-defined]
    d = DecisionRow.__table__.c  # type: ignore[attr-defined]
    a = AcknowledgementRow.__table__.c  # type: ignore[attr-defined]
    joined = InterventionRow.__table__.outerjoin(  # type: ignore[attr-defined]
        DecisionRow.__table__,
        d.intervention_id == i.id,  # type: ignore[attr-defined]
    ).outerjoin(AcknowledgementRow.__table__, a.intervention_id == i.id)  # type: ignore[attr-defined]
    return (
        select(
            i.uid,
            i.closed_at,
            i.channel,
            i.status,
            i.staff_id,
            i.staff_role,
            i.customer_name_masked,
            i.customer_sex,
            i.customer_age,
            i.amount_fen,
            i.purpose_text,
            i.payee_name_masked,
            i.payee_account_masked,
            i.payee_relation_text,
            i.signal_ids,
            i.score,
            i.level,
            i.typology_labels,
            d.label.label("decision_label"),
            i.decision_group,
            i.amount_protected_fen,
            d.police_ref,
            a.notice_serial,
            i.ack_method,
        )
        .select_from(joined)
        .where(i.local_month == month, _effective())
        .order_by(i.closed_at, i.id)
    )


def count_rows(engine: Engine, month: str) -> int:
    """How many detail rows the export of ``month`` has."""
    i = InterventionRow.__table__.c  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(i.local_month == month, _effective())).scalar_one())


def _yuan(fen: int | None) -> str:
    """Exact yuan from non-negative fen (``3500000`` → ``35000.00``), integer arithmetic only."""
    fen = int(fen or 0)
    return f"{fen // 100}.{fen % 100:02d}"


def iter_detail_rows(
    engine: Engine,
    month: str,
    zone: ZoneInfo,
    *,
    signal_labels: Mapping[str, str] | None = None,
) -> Iterator[list[str]]:
    """The masked ledger rows of ``month`` as strings, oldest first (streamed, no ORM objects).

    Money is written as exact yuan (``35000.00``); XLSX turns those two columns into numbers.
    """
    labels = signal_labels or {}
    # Rows are unpacked as tuples and repeated values (signal sets, fraud types) are cached:
    # attribute access per column and re-joining the same labels dominated the run time.
    signal_text: dict[str, str] = {}
    typology_text: dict[str, str] = {}
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=5000).execute(_detail_stmt(month))
        for (
            uid,
            closed_at,
            channel,
            status,
            staff_id,
            staff_role,
            customer,
            sex,
            age,
            amount_fen,
            purpose,
            payee,
            account,
            relation,
            signal_ids,
            score,
            level,
            typology_labels,
            decision_label,
            group,
            protected_fen,
            police_ref,
            notice_serial,
            ack_method,
        ) in result:
            signals = signal_text.get(signal_ids)
            if signals is None:
                signals = signal_text[signal_ids] = "、".join(labels.get(s, s) for s in signal_ids.split(",") if s)
            typologies = typology_text.get(typology_labels)
            if typologies is None:
                typologies = typology_text[typology_labels] = "、".join(t for t in typology_labels.split("；") if t)
            yield [
                uid,
                closed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                CHANNEL_LABELS.get(channel, channel),
                staff_id,
                ROLE_LABELS.get(staff_role, staff_role),
                _masked_name(customer),
                SEX_LABELS.get(sex or "", ""),
                age_band(age),
                _yuan(amount_fen),
                scrub(purpose),
                _masked_name(payee),
                _masked_account(account),
                scrub(relation),
                signals,
                str(score),
                LEVEL_LABELS.get(level, level),
                typologies,
                decision_label or "",
                GROUP_LABELS.get(group or "", "中途放弃" if status == "abandoned" else "未处置"),
                _yuan(protected_fen),
                _CONTROL.sub(" ", police_ref or ""),  # a police receipt number, not free text
                notice_serial or "",
                ACK_LABELS.get(ack_method or "", "无告知书"),
            ]


class _Hasher:
    """Feeds rows through the canonical CSV encoding into SHA-256 (and optionally a file)."""

    def __init__(self, sink: Any | None = None) -> None:
        self.sha = hashlib.sha256()
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf, lineterminator="\r\n")
        self.sink = sink

    def row(self, values: list[str] | tuple[str, ...]) -> None:
        self.writer.writerow(values)
        if self.buf.tell() > 1 << 16:  # hash and write in 64 KB chunks, not per row
            self.flush()

    def flush(self) -> None:
        data = self.buf.getvalue().encode("utf-8")
        self.buf.seek(0)
        self.buf.truncate()
        self.sha.update(data)
        if self.sink is not None:
            self.sink.write(data)

    def hexdigest(self) -> str:
        self.flush()
        return self.sha.hexdigest()


def detail_checksum(rows: Iterator[list[str]]) -> tuple[int, str]:
    """(row count, SHA-256) of detail rows under the canonical CSV encoding (header included)."""
    h = _Hasher()
    h.row(DETAIL_HEADERS)
    n = 0
    for row in rows:
        h.row(row)
        n += 1
    return n, h.hexdigest()


def verify_csv(path: Path) -> tuple[bool, str, str]:
    """Recompute the checksum of an exported CSV and compare it with the one it states.

    Returns:
        (matches, stated checksum, recomputed checksum).
    """
    data = path.read_bytes()
    data = data.removeprefix(b"\xef\xbb\xbf")
    detail, sep, facts = data.partition(b"\r\n\r\n")
    recomputed = hashlib.sha256(detail + b"\r\n").hexdigest()
    stated = ""
    for row in csv.reader(io.StringIO(facts.decode("utf-8"))):
        if len(row) >= 2 and row[0] == "# 校验值":
            stated = row[1]
    return bool(sep) and stated == recomputed, stated, recomputed


# ---------------------------------------------------------------- the export


def _meta(
    stats: MonthStats, rules: RuleSet, staff: Staff, now: datetime, zone: ZoneInfo, rows: int, sha: str
) -> ExportMeta:
    head = stats.headline()
    totals = {
        "核查笔数": f"{head['interventions']:,}",
        "涉及金额": format_yuan(int(head["amount_fen"] or 0)),
        "劝阻及报警笔数": f"{head['dissuaded']:,}",
        "其中报警笔数": f"{head['police']:,}",
        "避免损失金额": format_yuan(int(head["protected_fen"] or 0)),
        "最大单笔避免损失": format_yuan(int(head["largest_protected_fen"] or 0)),
    }
    local = now.astimezone(zone)
    return ExportMeta(
        month=stats.month,
        branch=f"{rules.branch.code} {rules.branch.name}",
        exported_by=f"{staff.staff_id} {staff.name}（{ROLE_LABELS.get(staff.role, staff.role)}）",
        exported_at=f"{local:%Y-%m-%d %H:%M:%S} {zone.key}",
        rows=rows,
        sha256=sha,
        totals=totals,
    )


def export_month(
    engine: Engine,
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
) -> ExportResult:
    """Write the monthly export of ``month`` to ``out`` (atomically).

    Args:
        engine: the intervention log.
        month: local business month ``YYYY-MM``.
        fmt: ``csv``, ``xlsx`` or ``pdf``.
        out: the target file.
        staff: who exports (must hold an export role, :func:`can_export`).
        rules: for labels and the branch name.
        zone: the branch's time zone (times in the detail rows are local).
        now: the export time (aware UTC, from the caller's clock).
        progress: called with (rows done, rows total) while detail rows are written.
        stats: the month's statistics if already computed.

    Raises:
        ExportError: not allowed, or no embedded CJK font for a PDF.
    """
    if not can_export(staff.role):
        raise ExportError(f"staff {staff.staff_id} ({staff.role}) may not export the ledger")
    stats = stats or month_stats(engine, month, typology_labels={k: t.label for k, t in rules.typologies.items()})
    signal_labels = {k: s.label for k, s in rules.signals.items()}
    total = count_rows(engine, month)

    def rows() -> Iterator[list[str]]:
        for n, row in enumerate(iter_detail_rows(engine, month, zone, signal_labels=signal_labels), 1):
            if progress is not None and n % _PROGRESS_EVERY == 0:
                progress(n, total)
            yield row
        if progress is not None:
            progress(total, total)

    if Path(out).is_dir():
        raise ExportError(f"{out} is a folder; give a file name")
    with atomic_path(out) as tmp:
        if fmt == "csv":
            meta = _write_csv(tmp, rows(), lambda n, sha: _meta(stats, rules, staff, now, zone, n, sha))
        elif fmt == "xlsx":
            meta = _write_xlsx(tmp, rows(), stats, lambda n, sha: _meta(stats, rules, staff, now, zone, n, sha))
        elif fmt == "pdf":
            n, sha = detail_checksum(rows())
            meta = _meta(stats, rules, staff, now, zone, n, sha)
            _write_pdf(tmp, stats, meta, typical_cases(engine, month, zone, rules), now)
        else:
            raise ExportError(f"unknown format {fmt!r}")
    return ExportResult(Path(out), meta.rows, meta.sha256, meta)


# ---------------------------------------------------------------- CSV


def _write_csv(path: Path, rows: Iterator[list[str]], meta_of: Callable[[int, str], ExportMeta]) -> ExportMeta:
    with open(path, "wb") as fh:
        fh.write(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel and WPS then read the Chinese correctly
        h = _Hasher(fh)
        h.row(DETAIL_HEADERS)
        n = 0
        for row in rows:
            h.row(row)
            n += 1
        meta = meta_of(n, h.hexdigest())
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        out.write("\r\n")  # the empty line that ends the checksummed detail
        for key, value in meta.lines():
            w.writerow([f"# {key}", value])
        fh.write(out.getvalue().encode("utf-8"))
    return meta


# ---------------------------------------------------------------- XLSX


def _excel_number(value: int | Decimal | None, kind: str) -> float | int | str:
    if value is None:
        return ""
    if kind == "fen":
        return float(fen_to_yuan(int(value)))  # Decimal → float only as the cell value
    if kind == "seconds":
        return float(Decimal(value))
    return int(value)


def _write_xlsx(
    path: Path, rows: Iterator[list[str]], stats: MonthStats, meta_of: Callable[[int, str], ExportMeta]
) -> ExportMeta:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        title = wb.add_format({"bold": True, "font_size": 14})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        money = wb.add_format({"num_format": "#,##0.00"})
        count = wb.add_format({"num_format": "#,##0"})
        secs = wb.add_format({"num_format": "0.0"})
        summary = wb.add_worksheet("汇总")
        detail = wb.add_worksheet("明细")

        # Detail first (streamed row by row); constant_memory keeps one row per sheet in memory.
        for col, width in enumerate(COLUMN_WIDTHS):
            detail.set_column(col, col, width, money if col in MONEY_COLUMNS else None)
        detail.freeze_panes(1, 0)
        detail.write_row(0, 0, DETAIL_HEADERS, head)
        h = _Hasher()
        h.row(DETAIL_HEADERS)
        n = 0
        for row in rows:
            h.row(row)
            n += 1
            for col, value in enumerate(row):
                if col in MONEY_COLUMNS:
                    detail.write_number(n, col, float(Decimal(value)), money)
                elif col in INT_COLUMNS:
                    detail.write_number(n, col, int(value))
                else:
                    detail.write_string(n, col, value)
        detail.autofilter(0, 0, max(n, 1), len(DETAIL_HEADERS) - 1)
        meta = meta_of(n, h.hexdigest())

        # Summary: facts, figures with 环比/同比, trend, outcomes by fraud type.
        summary.set_column(0, 0, 16)
        summary.set_column(1, 1, 34)
        summary.set_column(2, 6, 16)
        r = 0
        summary.write_string(r, 0, f"反诈劝阻月度台账 {stats.month}", title)
        r += 2
        for key, value in meta.lines():
            summary.write_string(r, 0, key, head)
            summary.write_string(r, 1, value)
            r += 1
        r += 1
        summary.write_row(r, 0, ["分类", "指标", "本月", "上月", "环比", "去年同月", "同比"], head)
        r += 1
        fmt_of = {"fen": money, "count": count, "seconds": secs}
        for fig in stats.figures():
            summary.write_string(r, 0, fig.section)
            summary.write_string(r, 1, fig.label + ("（秒）" if fig.kind == "seconds" else ""))
            for col, value in ((2, fig.value), (3, fig.previous), (5, fig.last_year)):
                cell = _excel_number(value, fig.kind)
                if isinstance(cell, str):
                    summary.write_string(r, col, "—")
                else:
                    summary.write_number(r, col, cell, fmt_of[fig.kind])
            summary.write_string(r, 4, fig.mom)
            summary.write_string(r, 6, fig.yoy)
            r += 1
        r += 1
        summary.write_row(r, 0, ["月份", "核查笔数", "劝阻及报警笔数", "避免损失金额（元）"], head)
        r += 1
        for p in stats.trend:
            summary.write_string(r, 0, p.month)
            summary.write_number(r, 1, p.interventions, count)
            summary.write_number(r, 2, p.dissuaded, count)
            summary.write_number(r, 3, float(fen_to_yuan(p.protected_fen)), money)
            r += 1
        r += 1
        typ_labels, group_labels, matrix = outcome_matrix(stats)
        summary.write_row(r, 0, ["涉诈类型", *group_labels], head)
        r += 1
        for label, counts in zip(typ_labels, matrix, strict=True):
            summary.write_string(r, 0, label)
            for col, value in enumerate(counts, 1):
                summary.write_number(r, col, value, count)
            r += 1
        summary.activate()
    finally:
        wb.close()
    return meta


# ---------------------------------------------------------------- typical cases


LEVEL_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True)
class TypicalCase:
    """An anonymised 典型案例 for the PDF report."""

    uid: str
    text: str


def typical_cases(engine: Engine, month: str, zone: ZoneInfo, rules: RuleSet, *, limit: int = 3) -> list[TypicalCase]:
    """Up to ``limit`` cases from the month's dissuasions and police reports, highest level
    and largest amount protected first, told without anything that identifies the customer."""
    i = InterventionRow.__table__.c  # type: ignore[attr-defined]
    d = DecisionRow.__table__.c  # type: ignore[attr-defined]
    rank = case(*[(i.level == lvl, r) for lvl, r in LEVEL_RANK.items()], else_=0)
    stmt = (
        select(
            i.uid,
            i.closed_at,
            i.channel,
            i.customer_sex,
            i.customer_age,
            i.amount_fen,
            i.purpose_text,
            i.payee_relation_text,
            i.signal_ids,
            i.score,
            i.level,
            i.typology_labels,
            d.label.label("decision_label"),
            i.decision_group,
            i.amount_protected_fen,
        )
        .select_from(InterventionRow.__table__.join(DecisionRow.__table__, d.intervention_id == i.id))  # type: ignore[attr-defined]
        .where(i.local_month == month, i.decision_group.in_(PROTECTING_GROUPS), _effective())
        .order_by(rank.desc(), i.amount_protected_fen.desc(), i.closed_at, i.id)
        .limit(limit)
    )
    numbers = "一二三四五"
    out: list[TypicalCase] = []
    with engine.connect() as conn:
        for k, r in enumerate(conn.execute(stmt)):
            signals = "、".join(
                rules.signals[s].label if s in rules.signals else s for s in r.signal_ids.split(",") if s
            )
            typ = "、".join(t for t in r.typology_labels.split("；") if t) or "未识别类型"
            who = f"{age_band(r.customer_age)}{SEX_LABELS.get(r.customer_sex or '', '')}性".replace("性性", "性")
            if not r.customer_sex:
                who = f"{age_band(r.customer_age)}"
            purpose = scrub(r.purpose_text) or "未说明"
            relation = scrub(r.payee_relation_text) or "未说明"
            text = (
                f"案例{numbers[k]}：{r.closed_at.astimezone(zone):%m月%d日}，一位{who}客户在"
                f"{CHANNEL_LABELS.get(r.channel, r.channel)}办理转账 {format_yuan(r.amount_fen)}，"
                f"称用途为“{purpose}”，收款人关系为“{relation}”。"
                f"系统提示风险信号：{signals or '无'}；风险等级{LEVEL_LABELS.get(r.level, r.level)}（{r.score}分），"
                f"疑似{typ}。工作人员处置：{r.decision_label}。"
                f"结果：{GROUP_LABELS.get(r.decision_group, '')}，避免损失 {format_yuan(r.amount_protected_fen)}。"
            )
            out.append(TypicalCase(r.uid, text))
    return out


# ---------------------------------------------------------------- PDF


def _write_pdf(path: Path, stats: MonthStats, meta: ExportMeta, cases: list[TypicalCase], now: datetime) -> None:
    from fpdf import FPDF

    from teller_guard.reports.notice import find_cjk_font

    font = find_cjk_font()
    if font.path is None:
        raise ExportError(
            "the PDF report needs an embedded CJK font: install fonts-wqy-microhei or set TELLER_GUARD_PDF_FONT"
        )
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(f"teller_guard monthly report {stats.month}")
    pdf.set_creator("teller_guard")
    pdf.set_creation_date(now)
    pdf.add_font("zh", "", str(font.path), collection_font_number=font.index)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    width = pdf.w - 30

    def text(size: float, body: str, h: float = 6.0) -> None:
        pdf.set_font("zh", size=size)
        pdf.multi_cell(width, h, body, new_x="LMARGIN", new_y="NEXT")

    def heading(body: str) -> None:
        pdf.ln(3)
        pdf.set_text_color(20, 60, 120)
        text(13, body, 8)
        pdf.set_text_color(0, 0, 0)

    text(17, f"反诈劝阻月度报告（{stats.month}）", 10)
    pdf.set_font("zh", size=9)
    for key, value in meta.lines()[:7]:
        pdf.cell(28, 5.2, key)
        pdf.multi_cell(width - 28, 5.2, value, new_x="LMARGIN", new_y="NEXT")

    heading("一、主要数据")
    for key, value in meta.totals.items():
        pdf.set_font("zh", size=10)
        pdf.cell(50, 6, key)
        pdf.cell(60, 6, value, new_x="LMARGIN", new_y="NEXT")

    heading("二、分项统计（本月 / 上月 环比 / 去年同月 同比）")
    cols = (24, 56, 28, 28, 16, 28, 16)
    header = ("分类", "指标", "本月", "上月", "环比", "去年同月", "同比")
    pdf.set_font("zh", size=8)
    pdf.set_fill_color(221, 235, 247)
    for w, h in zip(cols, header, strict=True):
        pdf.cell(w, 6, h, border=1, fill=True)
    pdf.ln()
    for fig in stats.figures():
        if pdf.will_page_break(5.5):
            pdf.add_page()
        vals = (
            fig.section,
            fig.label,
            format_value(fig.kind, fig.value),
            format_value(fig.kind, fig.previous),
            fig.mom,
            format_value(fig.kind, fig.last_year),
            fig.yoy,
        )
        for k, (w, v) in enumerate(zip(cols, vals, strict=True)):
            pdf.cell(w, 5.5, v[:30], border=1, align="R" if k >= 2 else "L")
        pdf.ln()

    pdf.add_page()
    heading("三、近12个月趋势")
    _bar_chart(
        pdf,
        "核查笔数",
        [p.month[2:] for p in stats.trend],
        [p.interventions for p in stats.trend],
        (70, 130, 180),
    )
    _line_chart(
        pdf,
        "避免损失金额（万元）",
        [p.month[2:] for p in stats.trend],
        [fen_to_yuan(p.protected_fen) / 10000 for p in stats.trend],
    )
    heading("四、涉诈类型与处置结果（本月）")
    _stacked_bars(pdf, *outcome_matrix(stats))

    pdf.add_page()
    heading("五、典型案例（已脱敏）")
    if not cases:
        text(10, "本月无劝阻成功或报警的案例。")
    for typical in cases:
        text(10, typical.text, 6.5)
        pdf.ln(2)
    pdf.ln(4)
    text(8, f"本报告不含客户身份证号、完整姓名和完整账号。明细见同期 XLSX/CSV 台账，校验值 {meta.sha256}。", 5)
    pdf.output(str(path))


PALETTE = (
    (46, 139, 87),
    (200, 50, 50),
    (230, 160, 40),
    (90, 130, 200),
    (150, 150, 150),
    (140, 90, 170),
    (110, 110, 110),
)


def _axes(pdf: Any, title: str, x: float, y: float, w: float, h: float) -> None:
    pdf.set_font("zh", size=10)
    pdf.set_xy(x, y - 7)
    pdf.cell(w, 6, title)
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    pdf.line(x, y + h, x + w, y + h)
    pdf.line(x, y, x, y + h)


def _bar_chart(pdf: Any, title: str, labels: list[str], values: list[int], colour: tuple[int, int, int]) -> None:
    x, y, w, h = pdf.l_margin + 8, pdf.get_y() + 10, pdf.w - pdf.l_margin - pdf.r_margin - 10, 50.0
    _axes(pdf, title, x, y, w, h)
    top = max(values) if values and max(values) > 0 else 1
    slot = w / max(len(values), 1)
    pdf.set_fill_color(*colour)
    pdf.set_font("zh", size=6.5)
    for k, (label, v) in enumerate(zip(labels, values, strict=True)):
        bh = h * v / top
        bx = x + k * slot + slot * 0.15
        if bh > 0:
            pdf.rect(bx, y + h - bh, slot * 0.7, bh, style="F")
        pdf.set_xy(bx - 2, y + h - bh - 4)
        pdf.cell(slot * 0.7 + 4, 4, f"{v:,}", align="C")
        pdf.set_xy(bx - 2, y + h + 1)
        pdf.cell(slot * 0.7 + 4, 4, label, align="C")
    pdf.set_y(y + h + 8)


def _line_chart(pdf: Any, title: str, labels: list[str], values: list[Decimal]) -> None:
    x, y, w, h = pdf.l_margin + 8, pdf.get_y() + 12, pdf.w - pdf.l_margin - pdf.r_margin - 10, 45.0
    _axes(pdf, title, x, y, w, h)
    top = max(values) if values and max(values) > 0 else Decimal(1)
    slot = w / max(len(values), 1)
    pts = [(x + k * slot + slot / 2, y + h - h * float(v / top)) for k, v in enumerate(values)]
    pdf.set_draw_color(200, 50, 50)
    pdf.set_line_width(0.6)
    for a, b in zip(pts, pts[1:], strict=False):
        pdf.line(*a, *b)
    pdf.set_fill_color(200, 50, 50)
    pdf.set_font("zh", size=6.5)
    for (px, py), label, v in zip(pts, labels, values, strict=True):
        pdf.ellipse(px - 0.9, py - 0.9, 1.8, 1.8, style="F")
        pdf.set_xy(px - 8, py - 5)
        pdf.cell(16, 4, f"{v:,.1f}", align="C")
        pdf.set_xy(px - 8, y + h + 1)
        pdf.cell(16, 4, label, align="C")
    pdf.set_line_width(0.2)
    pdf.set_y(y + h + 8)


def _stacked_bars(pdf: Any, types: list[str], groups: list[str], matrix: list[list[int]]) -> None:
    if not types:
        pdf.set_font("zh", size=10)
        pdf.cell(0, 6, "本月无数据", new_x="LMARGIN", new_y="NEXT")
        return
    label_w = 48.0
    x0 = pdf.l_margin + label_w
    w = pdf.w - pdf.r_margin - x0 - 14
    top = max(sum(row) for row in matrix) or 1
    pdf.set_font("zh", size=7.5)
    # Legend.
    lx = pdf.l_margin
    ly = pdf.get_y() + 2
    for k, g in enumerate(groups):
        pdf.set_fill_color(*PALETTE[k % len(PALETTE)])
        pdf.rect(lx, ly + 1, 3, 3, style="F")
        pdf.set_xy(lx + 4, ly)
        pdf.cell(34, 5, g)
        lx += 38
        if lx > pdf.w - pdf.r_margin - 38:
            lx, ly = pdf.l_margin, ly + 5
    pdf.set_y(ly + 8)
    for label, row in zip(types, matrix, strict=True):
        if pdf.will_page_break(7):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w - 2, 5, label[:16], align="R")
        bx = x0
        for k, v in enumerate(row):
            bw = w * v / top
            if bw > 0:
                pdf.set_fill_color(*PALETTE[k % len(PALETTE)])
                pdf.rect(bx, y + 0.5, bw, 4, style="F")
            bx += bw
        pdf.set_xy(bx + 1, y)
        pdf.cell(14, 5, f"{sum(row):,}")
        pdf.set_y(y + 6.5)
