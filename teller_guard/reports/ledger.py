"""The ledger row (月度台账明细): one masked line per intervention, its checksum, and the facts
every export states.

**The checksum** is the SHA-256 of the canonical CSV detail rows: the header row and one row
per intervention, written by Python's :mod:`csv` (``QUOTE_MINIMAL``, ``\\r\\n`` line ends),
encoded UTF-8 without the BOM. The CSV file is exactly the BOM followed by those bytes, so
``tail -c +4 FILE | sha256sum`` recomputes it; the XLSX and the PDF of the same month state
the same value.

**Masking.** Nothing leaves the branch that lets a reader rebuild an identity: names are
shown as stored (surname + ``*``, re-masked here in case), ID numbers never (age band only),
accounts as ``****1234``. Free text (the purpose and payee relation in the customer's
words) is scrubbed again by :func:`teller_guard.core.privacy.scrub` (the one scrubber, which
storage applies before anything is written): ID numbers become ``[证件号]``, phone numbers
``138****5678``, other runs of 8 or more digits ``****`` + the last four, and a name after a
cue (``我叫``, ``名叫``, ``姓名``, ``名字是``, ``本人`` …) keeps only its surname. Names said without a cue cannot be recognised reliably; the counter form
asks for no names in free text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from teller_guard.core.privacy import scrub as scrub  # re-exported for exports and the monthly PDF
from teller_guard.core.records import Staff, age_band, mask_account, mask_name
from teller_guard.reports.stats import (
    ACK_LABELS,
    CHANNEL_LABELS,
    GROUP_LABELS,
    LEVEL_LABELS,
    NONE_LABELS,
    PROTECTING_GROUPS,
    ROLE_LABELS,
    SEX_LABELS,
    STATUS_LABELS,
)

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
    "大堂转入",
)
"""The ledger row of DOMAIN.md §6.4, in order, and where a counter case came from the lobby
(the lobby's record number, staff and machine: one customer is one row)."""
TIME_COLUMN = DETAIL_HEADERS.index("时间（本地）")
MONEY_COLUMNS = (DETAIL_HEADERS.index("金额（元）"), DETAIL_HEADERS.index("避免损失金额（元）"))
INT_COLUMNS = (DETAIL_HEADERS.index("分值"),)
COLUMN_WIDTHS = (34, 20, 9, 9, 9, 11, 5, 11, 14, 36, 11, 14, 18, 36, 6, 6, 24, 22, 14, 16, 18, 22, 16, 30)
CHECKSUM_RULE = "SHA-256：CSV 明细（表头+每行一笔，UTF-8 无 BOM，CRLF 换行）"


# ---------------------------------------------------------------- masking
# Free text is scrubbed by the one scrubber (teller_guard.core.privacy.scrub), re-exported here.


_MASKED_ACCOUNT = re.compile(r"\*+[0-9A-Za-z]{0,4}")
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def masked_name(value: str | None) -> str:
    if not value:
        return ""
    return value if "*" in value else (mask_name(value) or "")


def masked_account(value: str | None) -> str:
    if not value:
        return ""
    return value if _MASKED_ACCOUNT.fullmatch(value) else (mask_account(value) or "")


def yuan(fen: int | None) -> str:
    """Exact yuan from non-negative fen (``3500000`` → ``35000.00``), integer arithmetic only."""
    fen = int(fen or 0)
    return f"{fen // 100}.{fen % 100:02d}"


# ---------------------------------------------------------------- rows


class LocalTime:
    """UTC text → the branch's local time text, one zone lookup per hour of UTC instead of one
    per row.

    An hour whose start and end have the same whole-hour offset is shifted by replacing its
    ``YYYY-MM-DD HH`` prefix; an hour holding a transition, or a zone whose offset is not a
    whole number of hours, is converted row by row.
    """

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._prefix: dict[str, str | None] = {}

    def __call__(self, utc_text: str) -> str:
        """``2026-06-30 16:30:00.000000`` (UTC) → ``2026-07-01 00:30:00`` (local)."""
        head = utc_text[:13]
        local = self._prefix.get(head, "")
        if local == "":
            start = datetime.fromisoformat(head + ":00:00").replace(tzinfo=UTC)
            a = start.astimezone(self.zone).utcoffset()
            b = (start + timedelta(minutes=59, seconds=59)).astimezone(self.zone).utcoffset()
            whole = a == b and a is not None and a.total_seconds() % 3600 == 0
            local = self._prefix[head] = (start + a).strftime("%Y-%m-%d %H") if whole and a is not None else None
        if local is None:
            moment = datetime.fromisoformat(utc_text).replace(tzinfo=UTC).astimezone(self.zone)
            return moment.strftime("%Y-%m-%d %H:%M:%S")
        return local + utc_text[13:19]


@dataclass
class Totals:
    """Headline totals summed from the very rows written (so the facts always match the rows)."""

    interventions: int = 0
    amount_fen: int = 0
    dissuaded: int = 0
    """Dissuaded + police."""
    police: int = 0
    protected_fen: int = 0
    largest_protected_fen: int = 0

    def as_text(self) -> dict[str, str]:
        """As people read them (the same words in every format)."""
        from teller_guard.core.money import format_yuan

        return {
            "核查笔数": f"{self.interventions:,}",
            "涉及金额": format_yuan(self.amount_fen),
            "劝阻及报警笔数": f"{self.dissuaded:,}",
            "其中报警笔数": f"{self.police:,}",
            "避免损失金额": format_yuan(self.protected_fen),
            "最大单笔避免损失": format_yuan(self.largest_protected_fen),
        }


def format_rows(
    rows: Iterable[tuple[Any, ...]],
    zone: ZoneInfo,
    *,
    signal_labels: Mapping[str, str] | None = None,
    totals: Totals | None = None,
) -> Iterator[list[str]]:
    """Ledger rows from :func:`teller_guard.storage.queries.ledger_rows`, masked and worded, as
    the strings the CSV holds (and the checksum covers).

    Money is written as exact yuan (``35000.00``); XLSX turns those columns into numbers and
    the local time into a date.
    """
    labels = signal_labels or {}
    local_time = LocalTime(zone)
    # Repeated values (signal sets, fraud types) are joined once: re-joining the same labels
    # row after row dominated the run time.
    signal_text: dict[str, str] = {}
    typology_text: dict[str, str] = {}
    channel_l, role_l, sex_l, level_l, group_l, ack_l = (
        CHANNEL_LABELS,
        ROLE_LABELS,
        SEX_LABELS,
        LEVEL_LABELS,
        GROUP_LABELS,
        ACK_LABELS,
    )
    no_group, abandoned, no_ack = NONE_LABELS["decision_group"], STATUS_LABELS["abandoned"], NONE_LABELS["ack_method"]
    t = totals if totals is not None else Totals()
    # Values that repeat across a month (amounts, ages, free text) are worded once.
    money: dict[int, str] = {}
    bands = {age: age_band(age) for age in (None, *range(130))}
    scrubbed: dict[str, str] = {}

    def _yuan(fen: int) -> str:
        got = money.get(fen)
        if got is None:
            got = money[fen] = yuan(fen)
        return got

    def _scrub(text: str) -> str:
        got = scrubbed.get(text)
        if got is None:
            got = scrubbed[text] = scrub(text)
        return got

    for (
        uid,
        closed,
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
        lobby_uid,
        lobby_staff,
        lobby_machine,
    ) in rows:
        signals = signal_text.get(signal_ids)
        if signals is None:
            signals = signal_text[signal_ids] = "、".join(labels.get(s, s) for s in signal_ids.split(",") if s)
        typologies = typology_text.get(typology_labels)
        if typologies is None:
            typologies = typology_text[typology_labels] = "、".join(x for x in typology_labels.split("；") if x)
        t.interventions += 1
        t.amount_fen += amount_fen
        if group in PROTECTING_GROUPS:
            t.dissuaded += 1
            t.police += group == "police"
            t.protected_fen += protected_fen
            if protected_fen > t.largest_protected_fen:
                t.largest_protected_fen = protected_fen
        yield [neutral(cell) for cell in (
            uid,
            local_time(closed),
            channel_l.get(channel, channel),
            staff_id,
            role_l.get(staff_role, staff_role),
            masked_name(customer),
            sex_l.get(sex, "") if sex else "",
            bands[age] if age in bands else age_band(age),
            _yuan(amount_fen),
            _scrub(purpose) if purpose else "",
            masked_name(payee),
            masked_account(account),
            _scrub(relation) if relation else "",
            signals,
            str(score),
            level_l.get(level, level),
            typologies,
            decision_label or "",
            group_l.get(group) or (abandoned if status == "abandoned" else no_group),
            _yuan(protected_fen),
            CONTROL.sub(" ", police_ref) if police_ref else "",  # a police receipt number, not free text
            notice_serial or "",
            ack_l.get(ack_method) or no_ack,
            f"{lobby_uid} {lobby_staff}" + (f" {lobby_machine}" if lobby_machine else "") if lobby_uid else "",
        )]  # fmt: skip


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet (OWASP CSV injection)."""


def neutral(cell: str) -> str:
    """A text cell a spreadsheet will not run: a leading ``'`` before ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return (OWASP's rule), in the CSV and the XLSX alike."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def typed(line: list[str]) -> list[Any]:
    """A ledger line as a spreadsheet types it: the local time as a date, money and the score as numbers."""
    values: list[Any] = list(line)
    values[TIME_COLUMN] = datetime.fromisoformat(line[TIME_COLUMN])
    for k in MONEY_COLUMNS:
        values[k] = float(line[k])
    for k in INT_COLUMNS:
        values[k] = int(line[k])
    return values


# ---------------------------------------------------------------- checksum


class Hasher:
    """Feeds rows through the canonical CSV encoding into SHA-256 (and optionally a file)."""

    def __init__(self, sink: Any | None = None, *, file_prefix: bytes = b"") -> None:
        self.sha = hashlib.sha256()
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf, lineterminator="\r\n")
        self.sink = sink
        self.rows = 0
        self.file_sha = hashlib.sha256(file_prefix)
        """The whole file as written to ``sink`` (``file_prefix``, e.g. a BOM, then the rows)."""
        self.file_bytes = len(file_prefix)
        if sink is not None and file_prefix:
            sink.write(file_prefix)

    def row(self, values: list[str] | tuple[str, ...]) -> None:
        self.writer.writerow(values)
        if self.buf.tell() > 1 << 16:  # hash and write in 64 KB chunks, not per row
            self.flush()

    def many(self, lines: Iterable[list[str]]) -> None:
        """Write ledger lines (the header is written first by the caller)."""
        write, buf, flush = self.writer.writerow, self.buf, self.flush
        n = 0
        for line in lines:
            write(line)
            n += 1
            if buf.tell() > 1 << 16:
                flush()
        self.rows += n

    def flush(self) -> None:
        data = self.buf.getvalue().encode("utf-8")
        self.buf.seek(0)
        self.buf.truncate()
        self.sha.update(data)
        if self.sink is not None:
            self.sink.write(data)
            self.file_sha.update(data)
            self.file_bytes += len(data)

    def hexdigest(self) -> str:
        self.flush()
        return self.sha.hexdigest()


def verify_csv(path: Path) -> tuple[bool, str, str]:
    """Recompute the checksum of an exported CSV and compare it with the one its manifest states.

    Returns:
        (matches, stated checksum, recomputed checksum).
    """
    from teller_guard.reports.manifest import manifest_path, read_manifest

    recomputed = hashlib.sha256(Path(path).read_bytes().removeprefix(b"\xef\xbb\xbf")).hexdigest()
    stated = read_manifest(manifest_path(Path(path))).get("checksum", {}).get("sha256", "")
    return stated == recomputed, stated, recomputed


# ---------------------------------------------------------------- the facts


@dataclass(frozen=True)
class ExportFacts:
    """The facts every export states (CSV manifest, XLSX 汇总, PDF cover)."""

    month: str
    branch: str
    exported_by: Staff
    """Who exported: the authenticated member of staff (the caller decides who that is)."""
    exported_at: datetime
    """Aware; shown in the branch's time zone."""
    zone: ZoneInfo
    rows: int
    sha256: str
    totals: Totals = field(default_factory=Totals)
    chain_head: str | None = None
    """The evidence chain's head at export time (issue 10), stated beside the checksum when known."""

    @property
    def exported_by_text(self) -> str:
        s = self.exported_by
        return f"{s.staff_id} {s.name}（{ROLE_LABELS.get(s.role, s.role)}）"

    @property
    def exported_at_text(self) -> str:
        return f"{self.exported_at.astimezone(self.zone):%Y-%m-%d %H:%M:%S} {self.zone.key}"

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) in the order every format prints them; the chain head when there is one."""
        out = [
            ("报告期", self.month),
            ("网点", self.branch),
            ("导出人", self.exported_by_text),
            ("导出时间", self.exported_at_text),
            ("明细行数", f"{self.rows:,}"),
            ("校验值", self.sha256),
            ("校验方法", CHECKSUM_RULE),
        ]
        if self.chain_head:
            out.append(("证据链链头", self.chain_head))
        return out
