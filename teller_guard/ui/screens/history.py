"""记录查询: this teller's records of today by default; any day, and for the roles that may
(:func:`teller_guard.core.permissions.can_search_history`) any counter. Search by date range,
notice serial or record number, masked customer, amount, level and decision; sort; Enter opens
a record read-only; Ctrl+P prints its notice again; police cases still waiting for their
receipt number are counted at the top and listed with F7."""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Label, Select

from teller_guard.core.errors import InputError
from teller_guard.core.money import format_yuan, parse_yuan, yuan_to_fen
from teller_guard.core.permissions import can_search_history
from teller_guard.core.records import InterventionRecord, InterventionSummary
from teller_guard.storage.history import HistoryQuery
from teller_guard.ui.context import AppScreen
from teller_guard.ui.notice_output import deliver_notice, notice_serial_of
from teller_guard.ui.screens.record_view import RecordViewScreen
from teller_guard.ui.widgets.quiet_footer import QuietFooter

COLUMNS = ("时间", "客户", "金额", "风险", "分数", "决定")
SORTS = (("time", True, "时间↓"), ("time", False, "时间↑"), ("amount", True, "金额↓"), ("score", True, "分数↓"))
"""F6 cycles through these (key, descending, label)."""


def parse_day(text: str) -> date | None:
    """``2026-11-25``, ``2026/11/25`` or ``20261125`` → a date; ``None`` if blank.

    Raises:
        ValueError: not a date.
    """
    raw = text.strip().replace("/", "-").replace(".", "-")
    if not raw:
        return None
    if raw.isdigit() and len(raw) == 8:
        raw = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return date.fromisoformat(raw)


class HistoryScreen(AppScreen[None]):
    """记录查询: one row per record (the newest version of a corrected one)."""

    BINDING_GROUP_TITLE = "记录查询"
    BINDINGS = [
        Binding("escape,f3", "back", "返回柜面", id="history-back", tooltip="回到当前业务"),
        Binding("enter", "open", "查看详情", id="history-open", tooltip="只读查看所选记录的全部内容"),
        Binding("f5", "reload", "查询", id="history-reload", tooltip="按上方条件重新查询"),
        Binding("f6", "sort", "排序", id="history-sort", tooltip="按时间、金额、分数排序"),
        Binding("f7", "pending", "待补回执", id="history-pending", tooltip="列出报警回执号待补录的记录"),
        Binding("ctrl+p", "reprint", "重新打印", id="history-reprint", tooltip="把所选记录的告知书再送打印机"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: list[InterventionSummary] = []
        """The rows shown."""
        self.sort_index = 0
        self.pending_only = False

    @property
    def everyone(self) -> bool:
        """The signed-in role may search every counter's records."""
        return can_search_history(self.ctx.on_shift.role)

    def compose(self) -> ComposeResult:
        rules = self.ctx.rules
        today = self.ctx.today().isoformat()
        yield Header()
        yield Label("", id="history-title", classes="title")
        with Horizontal(id="history-filters", classes="history-filters"):
            yield Input(today, id="history-from", placeholder="起 年-月-日", max_length=10, compact=True)
            yield Input(today, id="history-to", placeholder="止 年-月-日", max_length=10, compact=True)
            yield Input(id="history-serial", placeholder="告知书/记录编号", max_length=40, compact=True)
            yield Input(id="history-customer", placeholder="客户 如 张*", max_length=20, compact=True)
            yield Input(id="history-amount", placeholder="金额(元)", restrict=r"[0-9.,]*", max_length=16, compact=True)
        with Horizontal(id="history-filters-2", classes="history-filters"):
            yield Select(
                [(f"风险 {lv.label}", lv.id) for lv in rules.policy.level],
                prompt="风险 全部",
                id="history-level",
                compact=True,
            )
            decisions = [(d.label, d.id) for d in rules.policy.decision] + [("未办结放弃", "abandoned")]
            yield Select(decisions, prompt="决定 全部", id="history-decision", compact=True)
            yield Input(
                "" if self.everyone else self.ctx.on_shift.staff_id,
                id="history-staff",
                placeholder="柜员工号（空=全部）",
                max_length=32,
                compact=True,
                disabled=not self.everyone,
            )
        yield Label("", id="history-pending-line", classes="hint")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Label("", id="history-empty", classes="hint")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#history-table", DataTable).add_columns(*COLUMNS)
        self.action_reload()

    # ------------------------------------------------------------ the query
    def search_query(self) -> HistoryQuery | str:
        """The search as filled in, or what is wrong with it (Chinese)."""
        try:
            day_from = parse_day(self.query_one("#history-from", Input).value)
            day_to = parse_day(self.query_one("#history-to", Input).value)
        except ValueError:
            return "日期请按 年-月-日 填写，例如 2026-11-25"
        if day_from and day_to and day_from > day_to:
            return "起始日期晚于截止日期"
        amount_text = self.query_one("#history-amount", Input).value.strip()
        amount = None
        if amount_text:
            try:
                amount = yuan_to_fen(parse_yuan(amount_text))
            except InputError:
                return "金额格式不对（元，最多两位小数）"
        staff = self.query_one("#history-staff", Input).value.strip() if self.everyone else self.ctx.on_shift.staff_id
        level = self.query_one("#history-level", Select).value
        decision = self.query_one("#history-decision", Select).value
        key, descending, _ = SORTS[self.sort_index]
        return HistoryQuery(
            day_from=day_from,
            day_to=day_to,
            serial=self.query_one("#history-serial", Input).value.strip() or None,
            customer=self.query_one("#history-customer", Input).value.strip() or None,
            amount_fen=amount,
            level=level if isinstance(level, str) else None,
            decision=decision if isinstance(decision, str) else None,
            staff_id=staff or None,
            sort=key,
            descending=descending,
        )

    def action_reload(self) -> None:
        """Search with the filters as they are (in a thread)."""
        q = self.search_query()
        if isinstance(q, str):
            self.query_one("#history-empty", Label).update(f"✗ {q}")
            return
        self.pending_only = False
        self._title(q)
        self._load(q, pending=False)

    def _title(self, q: HistoryQuery) -> None:
        staff = self.ctx.on_shift
        span = (
            (q.day_from.isoformat() if q.day_from else "最早") + " 至 " + (q.day_to.isoformat() if q.day_to else "今天")
        )
        who = f"柜员 {q.staff_id}" if q.staff_id else "全部柜员"
        self.query_one("#history-title", Label).update(
            f"记录查询 {span} · {who} · 按{SORTS[self.sort_index][2]} · 当前 {staff.staff_id} {staff.name}"
        )

    @work(thread=True, exclusive=True, group="history", description="查询记录")
    def _load(self, q: HistoryQuery, pending: bool) -> None:
        repo = self.ctx.repo
        waiting = repo.police_refs_to_follow()
        if not self.everyone:
            waiting = [w for w in waiting if w.staff_id == self.ctx.on_shift.staff_id]
        rows = waiting if pending else repo.search_history(q)
        self.app.call_from_thread(self._show, rows, q, len(waiting))

    def _show(self, rows: list[InterventionSummary], q: HistoryQuery, waiting: int) -> None:
        self.summaries = rows
        rules = self.ctx.rules
        zone = self.ctx.settings.zone
        one_day = q.day_from is not None and q.day_from == q.day_to and not self.pending_only
        table = self.query_one("#history-table", DataTable)
        table.clear()
        for s in rows:
            who = s.customer_name_masked or ""
            if s.customer_age is not None:
                who = f"{who} {s.customer_age}岁".strip()
            decision = s.decision_label or ("未办结放弃" if s.status == "abandoned" else "—")
            local = s.closed_at.astimezone(zone)
            table.add_row(
                local.strftime("%H:%M:%S" if one_day else "%m-%d %H:%M"),
                who or "—",
                format_yuan(s.amount_fen),
                rules.levels[s.level].label,
                str(s.score),
                decision,
                key=s.uid,
            )
        self.query_one("#history-pending-line", Label).update(
            f"⚠ 报警回执号待补录 {waiting} 笔（F7 列出，打开记录按 F2 补录）" if waiting else ""
        )
        empty = "没有符合条件的记录。" if not self.pending_only else "没有待补录回执号的报警记录。"
        self.query_one("#history-empty", Label).update("" if rows else empty)
        table.focus()

    @on(Input.Submitted, ".history-filters Input")
    def _submitted(self) -> None:
        self.action_reload()

    @on(Select.Changed, ".history-filters Select")
    def _selected(self) -> None:
        self.action_reload()

    def action_sort(self) -> None:
        """F6: the next sort order."""
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.action_reload()

    def action_pending(self) -> None:
        """F7: the police cases whose receipt number is still to be added."""
        q = self.search_query()
        if isinstance(q, str):
            q = HistoryQuery()
        self.pending_only = True
        self.query_one("#history-title", Label).update("报警回执号待补录（打开记录按 F2 补录）")
        self._load(q, pending=True)

    # ------------------------------------------------------------ a row
    def _highlighted(self) -> InterventionSummary | None:
        table = self.query_one("#history-table", DataTable)
        if self.summaries and table.cursor_row is not None and table.cursor_row < len(self.summaries):
            return self.summaries[table.cursor_row]
        return None

    @on(DataTable.RowSelected, "#history-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.push_screen(RecordViewScreen(event.row_key.value))

    def action_open(self) -> None:
        """Open the highlighted row read-only."""
        row = self._highlighted()
        if row is not None:
            self.app.push_screen(RecordViewScreen(row.uid))

    def action_reprint(self) -> None:
        """Ctrl+P: print the highlighted record's notice again."""
        row = self._highlighted()
        if row is not None:
            self._reprint(row.uid)

    @work(thread=True, exclusive=True, group="history-print", description="读取记录")
    def _reprint(self, uid: str) -> None:
        rec = self.ctx.repo.get(uid)
        self.app.call_from_thread(self._reprint_record, rec)

    def _reprint_record(self, rec: InterventionRecord | None) -> None:
        serial = notice_serial_of(rec) if rec is not None else None
        if rec is None or serial is None:
            self.notify("本记录没有告知书（未打印给客户）", severity="warning")
            return
        deliver_notice(self, rec, serial, reprint=True)

    def action_back(self) -> None:
        """Back to the counter."""
        self.dismiss(None)
