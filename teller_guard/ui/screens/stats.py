"""统计与月度台账: a month's figures with 环比 / 同比, charts, drill-down and the exports.

Every query runs in a thread worker (a 1,000,000-row log answers in about a third of a
second, still too long for the event loop); results come back as messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Footer, Header, Label, Static
from textual_plotext import PlotextPlot

from teller_guard.core.money import format_yuan
from teller_guard.core.permissions import can_export
from teller_guard.reports.stats import (
    CHANNEL_LABELS,
    LEVEL_LABELS,
    DrillFilter,
    Figure,
    MonthStats,
    format_value,
    month_stats,
    outcome_matrix,
    previous_month_of,
    shift_month,
)
from teller_guard.ui.context import AppScreen

if TYPE_CHECKING:
    from teller_guard.core.records import InterventionSummary

FIGURE_COLUMNS = ("分类", "指标", "本月", "上月", "环比", "去年同月", "同比")
EXPORT_LABELS = {"xlsx": "XLSX", "csv": "CSV", "pdf": "PDF"}


class StatsScreen(AppScreen[None]):
    """统计与月度台账: pick a month, read the figures, drill into any of them, export."""

    BINDING_GROUP_TITLE = "统计"
    BINDINGS = [
        Binding("left_square_bracket", "prev_month", "上月", tooltip="查看上一个月的统计", id="stats-prev-month"),
        Binding("right_square_bracket", "next_month", "下月", tooltip="查看下一个月的统计", id="stats-next-month"),
        Binding("d", "drill", "明细", tooltip="列出当前这一行数字背后的每一笔记录", id="stats-drill"),
        Binding("x", "export('xlsx')", "导出XLSX", tooltip="导出本月台账（Excel/WPS）", id="stats-export-xlsx"),
        Binding("c", "export('csv')", "导出CSV", tooltip="导出本月明细（CSV，UTF-8 带 BOM）", id="stats-export-csv"),
        Binding("p", "export('pdf')", "导出PDF", tooltip="导出本月报告（含图表和典型案例）", id="stats-export-pdf"),
        Binding("r", "refresh", "刷新", tooltip="重新统计当前月份", id="stats-refresh"),
    ]
    """Month navigation, drill-down, the three exports and refresh."""

    @dataclass
    class StatsLoaded(Message):
        """A month's statistics have been computed (posted by the loading worker)."""

        stats: MonthStats

    @dataclass
    class ExportFinished(Message):
        """An export worker ended: ``path`` on success, ``error`` otherwise."""

        fmt: str
        path: Path | None
        rows: int
        sha256: str
        error: str | None = None

    def __init__(self, month: str | None = None) -> None:
        super().__init__()
        self.month = month or ""
        """The local business month shown (``YYYY-MM``); empty until mounted."""
        self.stats: MonthStats | None = None
        """The figures on screen (None while loading)."""
        self._figures: list[Figure] = []

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="stats-bar"):
            yield Button("◀ 上月", id="stats-prev", tooltip="上一个月")
            yield Label("", id="stats-month")
            yield Button("下月 ▶", id="stats-next", tooltip="下一个月")
            yield Static("", id="stats-spacer")
            for fmt, label in EXPORT_LABELS.items():
                yield Button(f"导出{label}", id=f"stats-export-{fmt}", tooltip=f"导出本月{label}")
        with Horizontal(id="stats-body"):
            table: DataTable[str] = DataTable(id="stats-figures", cursor_type="row", zebra_stripes=True)
            table.tooltip = "回车或 d：查看这个数字背后的记录"
            yield table
            with Vertical(id="stats-charts"):
                yield PlotextPlot(id="stats-trend")
                yield PlotextPlot(id="stats-protected")
                yield Static(id="stats-by-type")
        yield Static("正在统计…", id="stats-status")
        yield Footer()

    def on_mount(self) -> None:
        if not self.month:
            today = self.ctx.today()
            self.month = previous_month_of(today)
        table = self.query_one("#stats-figures", DataTable)
        table.add_columns(*FIGURE_COLUMNS)
        allowed = self._may_export()
        for fmt in EXPORT_LABELS:
            self.query_one(f"#stats-export-{fmt}", Button).disabled = not allowed
        # The figures, not the ◀ button, take the keys: arrows move, Enter drills down.
        table.focus()
        self._reload()

    def _may_export(self) -> bool:
        staff = self.ctx.staff
        return can_export(staff.role if staff else None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return self._may_export()
        return True

    # ------------------------------------------------------------ loading
    def _reload(self) -> None:
        self.stats = None
        self.query_one("#stats-month", Label).update(f"{self.month}（{self.ctx.settings.tz} 本地月）")
        self.query_one("#stats-status", Static).update(f"正在统计 {self.month} …")
        self._load_stats(self.month)

    @work(thread=True, exclusive=True, group="stats", description="month statistics")
    def _load_stats(self, month: str) -> None:
        labels = {k: t.label for k, t in self.ctx.rules.typologies.items()}
        stats = month_stats(self.ctx.repo.engine, month, typology_labels=labels)
        self.post_message(self.StatsLoaded(stats))

    def on_stats_screen_stats_loaded(self, event: StatsScreen.StatsLoaded) -> None:
        if event.stats.month != self.month:
            return  # a month the user has already left
        self.stats = event.stats
        self._figures = event.stats.figures()
        table = self.query_one("#stats-figures", DataTable)
        # Columns too: their widths then follow this month's figures, not the widest month seen.
        table.clear(columns=True)
        table.add_columns(*FIGURE_COLUMNS)
        section = ""
        for fig in self._figures:
            table.add_row(*fig.cells(first_in_section=fig.section != section), key=fig.key)
            section = fig.section
        self._draw_charts(event.stats)
        head = event.stats.headline()
        self.query_one("#stats-status", Static).update(
            f"本月核查 {head['interventions']:,} 笔，劝阻及报警 {head['dissuaded']:,} 笔，"
            f"避免损失 {format_yuan(int(head['protected_fen'] or 0))}。回车查看明细。"
        )

    def _draw_charts(self, stats: MonthStats) -> None:
        trend = self.query_one("#stats-trend", PlotextPlot)
        plt = trend.plt
        plt.clear_data()
        plt.clear_figure()
        xs = list(range(1, len(stats.trend) + 1))
        ticks = [p.month[5:] for p in stats.trend]
        plt.bar(xs, [p.interventions for p in stats.trend], color="blue")
        # Every month gets a tick (its two-digit month), so the axis never depends on plotext's
        # own tick choice.
        plt.xticks(xs, ticks)
        plt.title(f"近12个月核查笔数（至{stats.month}）")
        trend.refresh()

        # The amount protected has its own plot: a right-hand y axis in the same plot made
        # plotext's output depend on the hash seed (the snapshot changed from run to run).
        protected = self.query_one("#stats-protected", PlotextPlot)
        plt = protected.plt
        plt.clear_data()
        plt.clear_figure()
        plt.plot(
            xs,
            [float(p.protected_fen) / 1_000_000 for p in stats.trend],  # chart only: 万元, display precision
            color="red",
            marker="dot",
        )
        plt.xticks(xs, ticks)
        plt.title("近12个月避免损失（万元）")
        protected.refresh()

        # Outcomes by fraud type as Rich bars: plotext measures a Chinese label as one cell a
        # character and then misplaces the bars, Rich measures wide characters correctly.
        types, groups, matrix = outcome_matrix(stats)
        stopped = [g in ("劝阻成功", "停止办理并报警") for g in groups]
        top = max((sum(row) for row in matrix), default=0) or 1
        lines = Text()
        lines.append("本月涉诈类型与处置 ", style="bold")
        lines.append("█劝阻及报警 ", style="red").append("█其他\n", style="grey50")
        for label, row in zip(types, matrix, strict=True):
            hit = sum(v for v, st in zip(row, stopped, strict=True) if st)
            rest = sum(row) - hit
            scale = 14 / top
            short = label[:8]
            lines.append(short + " " * max(0, 16 - cell_len(short)))
            lines.append("█" * round(hit * scale), style="red").append("█" * round(rest * scale), style="grey50")
            lines.append(f" {hit}/{sum(row)}\n")
        self.query_one("#stats-by-type", Static).update(lines if types else Text("本月无数据"))

    # ------------------------------------------------------------ month navigation
    def action_prev_month(self) -> None:
        self.month = shift_month(self.month, -1)
        self._reload()

    def action_next_month(self) -> None:
        self.month = shift_month(self.month, 1)
        self._reload()

    def action_refresh(self) -> None:
        self._reload()

    @on(Button.Pressed, "#stats-prev")
    def _prev_pressed(self) -> None:
        self.action_prev_month()

    @on(Button.Pressed, "#stats-next")
    def _next_pressed(self) -> None:
        self.action_next_month()

    # ------------------------------------------------------------ drill-down
    def action_drill(self) -> None:
        table = self.query_one("#stats-figures", DataTable)
        if self._figures and 0 <= table.cursor_row < len(self._figures):
            self._open_drill(self._figures[table.cursor_row])

    @on(DataTable.RowSelected, "#stats-figures")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        fig = next((f for f in self._figures if f.key == event.row_key.value), None)
        if fig is not None:
            self._open_drill(fig)

    def _open_drill(self, fig: Figure) -> None:
        title = f"{self.month} {fig.section}·{fig.label}：{format_value(fig.kind, fig.value)}"
        self.app.push_screen(DrillScreen(title, fig.filter))

    # ------------------------------------------------------------ export
    def action_export(self, fmt: str) -> None:
        if not self._may_export() or self.ctx.staff is None:
            self.notify("只有安全保卫、主管或管理员可以导出台账", severity="warning")
            return
        self.query_one("#stats-status", Static).update(f"正在导出 {self.month} {EXPORT_LABELS[fmt]} …")
        self._save_export(self.month, fmt)

    @on(Button.Pressed, "#stats-export-xlsx, #stats-export-csv, #stats-export-pdf")
    def _export_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_export(event.button.id.rsplit("-", 1)[1])

    @work(thread=True, exclusive=True, group="export", description="monthly export")
    def _save_export(self, month: str, fmt: str) -> None:
        from teller_guard.reports.export import ExportError, export_month

        out = self.ctx.settings.data_dir / "exports" / f"teller_guard-{month}.{fmt}"
        assert self.ctx.staff is not None
        try:
            result = export_month(
                self.ctx.repo.engine,
                month,
                fmt,  # type: ignore[arg-type]
                out,
                staff=self.ctx.staff,
                rules=self.ctx.rules,
                zone=self.ctx.settings.zone,
                now=self.ctx.clock(),
                stats=self.stats if self.stats is not None and self.stats.month == month else None,
            )
        except (ExportError, OSError) as exc:
            self.post_message(self.ExportFinished(fmt, None, 0, "", str(exc)))
            return
        self.post_message(self.ExportFinished(fmt, result.path, result.rows, result.sha256))

    def on_stats_screen_export_finished(self, event: StatsScreen.ExportFinished) -> None:
        status = self.query_one("#stats-status", Static)
        if event.error:
            status.update(f"导出失败：{event.error}")
            self.notify(f"导出失败：{event.error}", severity="error")
            return
        status.update(f"已导出 {event.rows:,} 行 → {event.path}（SHA-256 {event.sha256[:16]}…）")
        self.notify(f"已导出 {EXPORT_LABELS[event.fmt]}：{event.path}")


class DrillScreen(AppScreen[None]):
    """The interventions behind one figure (newest first, first 500), read-only."""

    BINDING_GROUP_TITLE = "明细"
    BINDINGS = [
        Binding("escape", "back", "返回", tooltip="回到统计", id="drill-back"),
        Binding("o", "open", "查看", tooltip="只读查看选中的记录", id="drill-open"),
    ]
    """Back to the figures; open one record read-only."""
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
        """Which interventions to list."""
        self.rows: list[InterventionSummary] = []
        """The rows on screen."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(self.title_text, id="drill-title", classes="title")
        table: DataTable[str] = DataTable(id="drill-table", cursor_type="row", zebra_stripes=True)
        table.tooltip = "回车或 o：只读查看这笔记录"
        yield table
        yield Static("正在读取…", id="drill-status", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#drill-table", DataTable).add_columns(
            "时间（本地）", "渠道", "工号", "客户", "金额", "等级", "涉诈类型", "结果", "避免损失"
        )
        self._load_rows()

    @work(thread=True, exclusive=True, group="drill", description="drill-down")
    def _load_rows(self) -> None:
        from teller_guard.reports.stats import drill_count, drill_summaries

        engine = self.ctx.repo.engine
        self.post_message(
            self.Loaded(drill_summaries(engine, self.filter, limit=self.LIMIT), drill_count(engine, self.filter))
        )

    def on_drill_screen_loaded(self, event: DrillScreen.Loaded) -> None:
        self.rows = event.rows
        table = self.query_one("#drill-table", DataTable)
        zone = self.ctx.settings.zone
        for s in event.rows:
            table.add_row(
                s.closed_at.astimezone(zone).strftime("%m-%d %H:%M"),
                CHANNEL_LABELS.get(s.channel, s.channel),
                s.staff_id,
                s.customer_name_masked or "",
                format_yuan(s.amount_fen),
                LEVEL_LABELS.get(s.level, s.level),
                s.typology_labels.split("；")[0] if s.typology_labels else "",
                s.decision_label or ("中途放弃" if s.status == "abandoned" else ""),
                format_yuan(s.amount_protected_fen) if s.amount_protected_fen else "",
                key=s.uid,
            )
        shown = f"，显示最新 {len(event.rows)} 笔" if event.total > len(event.rows) else ""
        self.query_one("#drill-status", Static).update(f"共 {event.total:,} 笔{shown}。回车只读查看，Esc 返回。")
        table.focus()

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
        try:  # the counter engineer's read-only record view, when present
            from teller_guard.ui.screens.record_view import RecordViewScreen
        except ImportError:
            self.notify(f"记录编号 {uid}")
            return
        self.app.push_screen(RecordViewScreen(uid))
