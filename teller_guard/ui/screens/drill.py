"""明细: the interventions behind one figure — sortable, filterable, over its month or a range of days."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Label, Static

from teller_guard.core.money import format_yuan
from teller_guard.core.permissions import can_read_stats
from teller_guard.reports.stats import CHANNEL_LABELS, LEVEL_LABELS, STATUS_LABELS, DrillFilter, parse_month
from teller_guard.ui.context import AppScreen
from teller_guard.ui.widgets.quiet_footer import QuietFooter

if TYPE_CHECKING:
    from teller_guard.core.records import InterventionSummary
    from teller_guard.storage.queries import DrillSort

COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("时间（本地）", "time"),
    ("渠道", None),
    ("工号", "staff"),
    ("客户", None),
    ("金额", "amount"),
    ("等级", "level"),
    ("涉诈类型", None),
    ("结果", None),
    ("避免损失", "protected"),
    ("大堂转入", None),
)
"""Column title and the sort it stands for (click the title, or ``s`` to cycle)."""
SORTS: tuple[str, ...] = tuple(k for _, k in COLUMNS if k)
SORT_NAMES = {"time": "时间", "staff": "工号", "amount": "金额", "level": "风险分值", "protected": "避免损失"}


class DrillScreen(AppScreen[None]):
    """The interventions behind one figure (first 500 in the chosen order), read-only."""

    BINDING_GROUP_TITLE = "明细"
    BINDINGS = [
        Binding("escape", "back", "返回", tooltip="回到统计", id="drill-back"),
        Binding("o", "open", "查看", tooltip="只读查看选中的记录", id="drill-open"),
        Binding(
            "s", "sort", "排序", tooltip="依次按时间、工号、金额、风险分值、避免损失排序；再按一次反向", id="drill-sort"
        ),
        Binding("slash", "filter", "筛选", tooltip="按工号、客户、涉诈类型、处置或记录编号筛选", id="drill-filter"),
        Binding("r", "range", "日期范围", tooltip="改为自定义日期范围（本地日期）", id="drill-range"),
    ]
    """Back, open one record, sort, filter, a custom range of days."""
    LIMIT = 500

    @dataclass
    class Loaded(Message):
        """The drill-down rows have been read (posted by the loading worker)."""

        rows: list[InterventionSummary]
        total: int

    def __init__(self, title: str, flt: DrillFilter) -> None:
        super().__init__()
        self.title_text = title
        """What the list is about (the figure and its value)."""
        self.filter = flt
        """Which interventions to list (its month, or a day range)."""
        self.sort: DrillSort = "time"
        self.descending = True
        self.text = ""
        """Keep only rows containing this (staff id, customer, fraud type, decision, record number)."""
        self.rows: list[InterventionSummary] = []
        """The rows on screen."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(self.title_text, id="drill-title", classes="title")
        with Horizontal(id="drill-bar"):
            yield Label("", id="drill-period")
            yield Input(placeholder="/ 筛选：工号、客户、涉诈类型、处置…（回车）", id="drill-filter")
        table: DataTable[str | Text] = DataTable(id="drill-table", cursor_type="row", zebra_stripes=True)
        table.tooltip = "回车或 o：只读查看这笔记录；点列名排序"
        yield table
        yield Static("正在读取…", id="drill-status", classes="hint")
        yield QuietFooter()

    def on_mount(self) -> None:
        table = self.query_one("#drill-table", DataTable)
        for name, key in COLUMNS:
            table.add_column(name, key=key or name)
        if not can_read_stats(self.ctx.staff.role if self.ctx.staff else None):
            # The records behind the branch's figures are for the roles that read them.
            self.query_one("#drill-status", Static).update("只有安全保卫、主管或管理员可以查看全行记录")
            return
        self._reload()

    # ------------------------------------------------------------ loading
    def _period(self) -> str:
        f = self.filter
        if f.day_from and f.day_to:
            return f"{f.day_from.isoformat()} 至 {f.day_to.isoformat()}"
        return f"{f.month}（本地月）"

    def _reload(self) -> None:
        arrow = "↓" if self.descending else "↑"
        self.query_one("#drill-period", Label).update(
            f"{self._period()} · 按{SORT_NAMES[self.sort]}{arrow}" + (f" · 筛选“{self.text}”" if self.text else "")
        )
        self.query_one("#drill-status", Static).update("正在读取…")
        self._load_rows(self.filter, self.sort, self.descending, self.text)

    @work(thread=True, exclusive=True, group="drill", description="drill-down")
    def _load_rows(self, flt: DrillFilter, sort: DrillSort, descending: bool, text: str) -> None:
        from teller_guard.storage.queries import Reader, drill_count, drill_summaries

        with Reader.of_engine(self.ctx.repo.engine) as reader:
            rows = drill_summaries(reader, flt, limit=self.LIMIT, sort=sort, descending=descending, text=text)
            total = drill_count(reader, flt) if not text else len(rows)
        self.post_message(self.Loaded(rows, total))

    def on_drill_screen_loaded(self, event: DrillScreen.Loaded) -> None:
        self.rows = event.rows
        table = self.query_one("#drill-table", DataTable)
        table.clear()
        zone = self.ctx.settings.zone
        for s in event.rows:
            table.add_row(
                s.closed_at.astimezone(zone).strftime("%m-%d %H:%M"),
                CHANNEL_LABELS.get(s.channel, s.channel),
                s.staff_id,
                s.customer_name_masked or "",
                Text(format_yuan(s.amount_fen), justify="right"),
                LEVEL_LABELS.get(s.level, s.level),
                s.typology_labels.split("；")[0] if s.typology_labels else "",
                s.decision_label or (STATUS_LABELS["abandoned"] if s.status == "abandoned" else ""),
                Text(format_yuan(s.amount_protected_fen) if s.amount_protected_fen else "", justify="right"),
                "经大堂" if s.handoff_from_uid else "",
                key=s.uid,
            )
        shown = f"，显示前 {len(event.rows)} 笔" if event.total > len(event.rows) else ""
        what = f"筛选后 {len(event.rows):,} 笔" if self.text else f"共 {event.total:,} 笔{shown}"
        self.query_one("#drill-status", Static).update(
            f"{what}。回车只读查看 · s 排序 · / 筛选 · r 日期范围 · Esc 返回"
        )
        table.focus()

    # ------------------------------------------------------------ sort, filter, range
    def _sort_by(self, key: str) -> None:
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = key, key != "staff"  # type: ignore[assignment]  # a column's own sort key
        self._reload()

    def action_sort(self) -> None:
        nxt = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.sort, self.descending = nxt, nxt != "staff"  # type: ignore[assignment]  # SORTS holds DrillSort keys
        self._reload()

    @on(DataTable.HeaderSelected, "#drill-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        if key in SORTS:
            self._sort_by(key)

    def action_filter(self) -> None:
        self.query_one("#drill-filter", Input).focus()

    @on(Input.Submitted, "#drill-filter")
    def _filtered(self, event: Input.Submitted) -> None:
        self.text = event.value.strip()
        self._reload()

    def action_range(self) -> None:
        from teller_guard.ui.screens.stats_dialogs import DayRangePicker

        f = self.filter
        if f.day_from and f.day_to:
            start, end = f.day_from, f.day_to
        else:
            y, m = parse_month(f.month or "")
            start, end = date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])

        def picked(days: tuple[date, date] | None) -> None:
            if days is None:
                return
            self.filter = self.filter.over_days(*days)
            self._reload()

        self.app.push_screen(DayRangePicker(start, end), picked)

    # ------------------------------------------------------------ records
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        table = self.query_one("#drill-table", DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            self._open(self.rows[table.cursor_row].uid)

    @on(DataTable.RowSelected, "#drill-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self._open(event.row_key.value)

    def _open(self, uid: str) -> None:
        from teller_guard.ui.screens.record_view import RecordViewScreen

        self.app.push_screen(RecordViewScreen(uid))
