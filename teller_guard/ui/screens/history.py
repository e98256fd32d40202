"""Today's interventions at this counter, newest first; Enter opens one read-only."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Label

from teller_guard.core.money import format_yuan
from teller_guard.core.records import InterventionSummary
from teller_guard.ui.context import AppScreen
from teller_guard.ui.screens.record_view import RecordViewScreen

COLUMNS = ("时间", "客户", "金额", "风险", "分数", "决定")


class HistoryScreen(AppScreen[None]):
    """今日记录: one row per intervention this teller logged today (local business day)."""

    BINDING_GROUP_TITLE = "今日记录"
    BINDINGS = [
        Binding("escape,f3", "back", "返回柜面", id="history-back", tooltip="回到当前业务"),
        Binding("enter", "open", "查看详情", id="history-open", tooltip="只读查看所选记录的全部内容"),
        Binding("f5", "reload", "刷新", id="history-reload", tooltip="重新读取今日记录"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: list[InterventionSummary] = []
        """The rows shown (newest first)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="history-title", classes="title")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Label("", id="history-empty", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.add_columns(*COLUMNS)
        staff = self.ctx.on_shift
        day = self.ctx.today()
        self.query_one("#history-title", Label).update(
            f"今日记录 {day.isoformat()} · 柜员 {staff.staff_id} {staff.name}"
        )
        self.action_reload()

    def action_reload(self) -> None:
        """Read today's rows again (in a thread)."""
        self._load_history()

    @work(thread=True, exclusive=True, group="history", description="读取今日记录")
    def _load_history(self) -> None:
        ctx = self.ctx
        rows = ctx.repo.summaries(local_day=ctx.today(), staff_id=ctx.on_shift.staff_id, channel="counter")
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[InterventionSummary]) -> None:
        self.summaries = rows
        rules = self.ctx.rules
        zone = self.ctx.settings.zone
        table = self.query_one("#history-table", DataTable)
        table.clear()
        for s in rows:
            who = s.customer_name_masked or ""
            if s.customer_age is not None:
                who = f"{who} {s.customer_age}岁".strip()
            decision = s.decision_label or ("未办结放弃" if s.status == "abandoned" else "—")
            table.add_row(
                s.closed_at.astimezone(zone).strftime("%H:%M:%S"),
                who or "—",
                format_yuan(s.amount_fen),
                rules.levels[s.level].label,
                str(s.score),
                decision,
                key=s.uid,
            )
        self.query_one("#history-empty", Label).update("" if rows else "今天还没有记录。")
        table.focus()

    @on(DataTable.RowSelected, "#history-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.push_screen(RecordViewScreen(event.row_key.value))

    def action_open(self) -> None:
        """Open the highlighted row read-only."""
        table = self.query_one("#history-table", DataTable)
        if self.summaries and table.cursor_row is not None and table.cursor_row < len(self.summaries):
            self.app.push_screen(RecordViewScreen(self.summaries[table.cursor_row].uid))

    def action_back(self) -> None:
        """Back to the counter."""
        self.dismiss(None)
