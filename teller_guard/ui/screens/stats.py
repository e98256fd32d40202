"""统计与月度台账: a month's figures with 环比 / 同比, charts, drill-down and the exports, and (for
安全保卫 and 管理员) the month's audit trail.

The figures fit 100 columns (compact 万/亿 numbers, a bounded label column); the charts and the
audit trail have tabs of their own. Only the roles
:func:`teller_guard.core.permissions.can_read_stats` allows see any figure or record here; the
exports follow :func:`~teller_guard.core.permissions.can_export`, and every reading and export is
an audit event. Every query runs in a thread worker; results come back as messages.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Header, ProgressBar, Static, TabbedContent, TabPane

from teller_guard.core.money import format_yuan
from teller_guard.core.permissions import can_export, can_read_audit, can_read_stats
from teller_guard.reports.stats import (
    Figure,
    MonthStats,
    format_value,
    month_stats,
    previous_month_of,
    shift_month,
)
from teller_guard.ui.context import AppScreen
from teller_guard.ui.widgets.audit_log import AuditLog
from teller_guard.ui.widgets.quiet_footer import QuietFooter
from teller_guard.ui.widgets.stats_charts import protected_line, trend_bars, type_bars

FIGURE_COLUMNS = ("分类", "指标", "本月", "上月", "环比", "去年同月", "同比")
VALUE_WIDTH = 10
"""A compact figure (``¥1,061.1万``, ``86,663``) fits in this many cells."""
CHANGE_WIDTH = 8
LABEL_MAX = 24
EXPORT_LABELS = {"xlsx": "XLSX", "csv": "CSV", "pdf": "PDF"}
EXPORT_NAMES = {"xlsx": "台账", "csv": "台账", "pdf": "报告"}
"""Default file names: 台账-2026-11.xlsx, 台账-2026-11.csv, 报告-2026-11.pdf."""


def default_export_path(folder: Path, month: str, fmt: str) -> Path:
    """``<folder>/台账-2026-11.xlsx`` (``报告-…pdf`` for the PDF report)."""
    return folder / f"{EXPORT_NAMES[fmt]}-{month}.{fmt}"


class StatsScreen(AppScreen[None]):
    """统计与月度台账: pick a month, read the figures, drill into any of them, export."""

    BINDING_GROUP_TITLE = "统计"
    BINDINGS = [
        Binding("left_square_bracket", "prev_month", "上月", tooltip="查看上一个月的统计", id="stats-prev-month"),
        Binding("right_square_bracket", "next_month", "下月", tooltip="查看下一个月的统计", id="stats-next-month"),
        Binding("m", "pick_month", "选月份", tooltip="从列表选择或输入月份", id="stats-pick-month"),
        Binding("1", "tab('stats-tab-figures')", "数字", tooltip="各项数字及环比、同比", id="stats-tab-1"),
        Binding("2", "tab('stats-tab-charts')", "图表", tooltip="趋势和涉诈类型图表", id="stats-tab-2"),
        Binding(
            "3",
            "tab('stats-tab-audit')",
            "审计",
            tooltip="本月审计日志（登录、授权、导出、员工变更）",
            id="stats-tab-3",
        ),
        Binding("d", "drill", "明细", tooltip="列出当前这一行数字背后的每一笔记录", id="stats-drill"),
        Binding("x", "export('xlsx')", "导出XLSX", tooltip="导出本月台账（Excel/WPS）", id="stats-export-xlsx"),
        Binding("c", "export('csv')", "导出CSV", tooltip="导出本月明细（CSV 与清单、校验文件）", id="stats-export-csv"),
        Binding("p", "export('pdf')", "导出PDF", tooltip="导出本月报告（含图表和典型案例）", id="stats-export-pdf"),
        Binding("o", "open_folder", "打开文件夹", tooltip="打开刚导出的文件所在的文件夹", id="stats-open-folder"),
        Binding("r", "refresh", "刷新", tooltip="重新统计当前月份", id="stats-refresh"),
    ]
    """Month navigation, the tabs, drill-down, the three exports, the export folder and refresh."""

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
        self.export_folder: Path | None = None
        """Where the save dialog suggests exports go: the data dir's exports, then the last folder used."""
        self.last_export: Path | None = None
        """The file the last export wrote (``o`` opens its folder)."""
        self._figures: list[Figure] = []

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="stats-bar"):
            yield Button("◀", id="stats-prev", tooltip="上一个月 [")
            yield Button("", id="stats-month", tooltip="选择月份 m")
            yield Button("▶", id="stats-next", tooltip="下一个月 ]")
            yield Static("", id="stats-spacer")
            for fmt, label in EXPORT_LABELS.items():
                yield Button(f"导出{label}", id=f"stats-export-{fmt}", tooltip=f"导出本月{label}（可选保存位置）")
        with TabbedContent(id="stats-tabs"):
            with TabPane("数字 1", id="stats-tab-figures"):
                table: DataTable[str | Text] = DataTable(id="stats-figures", cursor_type="row", zebra_stripes=True)
                table.tooltip = "回车或 d：查看这个数字背后的记录"
                yield table
            with TabPane("图表 2", id="stats-tab-charts"), VerticalScroll(id="stats-charts"):
                yield Static(id="stats-trend")
                yield Static(id="stats-protected")
                yield Static(id="stats-by-type")
            if self._may("audit"):
                with TabPane("审计 3", id="stats-tab-audit"):
                    yield AuditLog(id="audit-log")
        yield ProgressBar(id="stats-progress", show_eta=True)
        yield Static("正在统计…", id="stats-status")
        yield QuietFooter()

    def _may(self, what: str) -> bool:
        role = self.ctx.staff.role if self.ctx.staff else None
        return {"read": can_read_stats, "audit": can_read_audit, "export": can_export}[what](role)

    def on_mount(self) -> None:
        if not self._may("read"):
            # Reached only by a bug elsewhere (the app opens this screen for these roles only).
            self.query_one("#stats-progress", ProgressBar).display = False
            self.query_one("#stats-status", Static).update("只有安全保卫、主管或管理员可以查看全行统计")
            for fmt in EXPORT_LABELS:
                self.query_one(f"#stats-export-{fmt}", Button).disabled = True
            return
        if not self.month:
            today = self.ctx.today()
            self.month = previous_month_of(today)
        self.export_folder = self.ctx.settings.data_dir / "exports"
        self.query_one("#stats-progress", ProgressBar).display = False
        allowed = self._may_export()
        for fmt in EXPORT_LABELS:
            self.query_one(f"#stats-export-{fmt}", Button).disabled = not allowed
        # The figures, not the ◀ button, take the keys: arrows move, Enter drills down.
        self.query_one("#stats-figures", DataTable).focus()
        self._reload()

    def _may_export(self) -> bool:
        return self._may("export")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self._may("read"):
            return False
        if action == "tab" and parameters == ("stats-tab-audit",):
            return self._may("audit")
        if action == "export":
            return self._may_export()
        if action == "open_folder":
            return self.last_export is not None
        return True

    # ------------------------------------------------------------ loading
    def _reload(self) -> None:
        self.stats = None
        self.query_one("#stats-month", Button).label = f"{self.month} ▾"
        self.query_one("#stats-status", Static).update(f"正在统计 {self.month}（{self.ctx.settings.tz} 本地月）…")
        self._load_stats(self.month)
        if self.query_one("#stats-tabs", TabbedContent).active == "stats-tab-audit":
            self.query_one("#audit-log", AuditLog).show_month(self.month)

    @work(thread=True, exclusive=True, group="stats", description="month statistics")
    def _load_stats(self, month: str) -> None:
        self.ctx.gate.record("stats_read", self.ctx.on_shift.staff_id, subject=month, where="stats_screen")
        labels = {k: t.label for k, t in self.ctx.rules.typologies.items()}
        stats = month_stats(self.ctx.repo.engine, month, typology_labels=labels)
        self.post_message(self.StatsLoaded(stats))

    def on_stats_screen_stats_loaded(self, event: StatsScreen.StatsLoaded) -> None:
        if event.stats.month != self.month:
            return  # a month the user has already left
        self.stats = event.stats
        self._figures = event.stats.figures()
        self._fill_table()
        self._draw_charts()
        head = event.stats.headline()
        self.query_one("#stats-status", Static).update(
            f"{self.month} 核查 {head['interventions']:,} 笔，劝阻及报警 {head['dissuaded']:,} 笔，"
            f"避免损失 {format_yuan(int(head['protected_fen'] or 0))}。回车查看明细，2 看图表。"
        )

    def _fill_table(self) -> None:
        table = self.query_one("#stats-figures", DataTable)
        table.clear(columns=True)
        label_w = min(LABEL_MAX, max((cell_len(f.label) for f in self._figures), default=8))
        section_w = max((cell_len(f.section) for f in self._figures), default=4)
        for name, width, right in zip(
            FIGURE_COLUMNS,
            (section_w, label_w, VALUE_WIDTH, VALUE_WIDTH, CHANGE_WIDTH, VALUE_WIDTH, CHANGE_WIDTH),
            (False, False, True, True, True, True, True),
            strict=True,
        ):
            table.add_column(Text(name, justify="right" if right else "left"), width=width, key=name)
        section = ""
        for fig in self._figures:
            cells = fig.compact_cells(first_in_section=fig.section != section)
            table.add_row(*cells[:2], *(Text(c, justify="right") for c in cells[2:]), key=fig.key)
            section = fig.section

    def _draw_charts(self) -> None:
        if self.stats is None:
            return
        width = max(40, self.size.width - 6)
        self.query_one("#stats-trend", Static).update(trend_bars(self.stats, width))
        self.query_one("#stats-protected", Static).update(protected_line(self.stats, width))
        self.query_one("#stats-by-type", Static).update(type_bars(self.stats, width))

    def on_resize(self) -> None:
        self._draw_charts()

    def action_tab(self, pane: str) -> None:
        self.query_one("#stats-tabs", TabbedContent).active = pane
        self._tab_shown(pane)

    @on(TabbedContent.TabActivated, "#stats-tabs")
    def _tab_clicked(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._tab_shown(event.pane.id)

    def _tab_shown(self, pane: str) -> None:
        if pane == "stats-tab-figures":
            self.query_one("#stats-figures", DataTable).focus()
        elif pane == "stats-tab-audit":
            log = self.query_one("#audit-log", AuditLog)
            if log.month != self.month:
                log.show_month(self.month)
            log.query_one("#audit-table").focus()

    # ------------------------------------------------------------ month navigation
    def _go(self, month: str) -> None:
        self.month = month
        self._reload()

    def action_prev_month(self) -> None:
        self._go(shift_month(self.month, -1))

    def action_next_month(self) -> None:
        self._go(shift_month(self.month, 1))

    def action_refresh(self) -> None:
        self._reload()

    def action_pick_month(self) -> None:
        from teller_guard.ui.screens.stats_dialogs import MonthPicker

        today = self.ctx.today()
        latest = f"{today.year:04d}-{today.month:02d}"

        def picked(month: str | None) -> None:
            if month and month != self.month:
                self._go(month)

        self.app.push_screen(MonthPicker(self.month, latest), picked)

    @on(Button.Pressed, "#stats-prev")
    def _prev_pressed(self) -> None:
        self.action_prev_month()

    @on(Button.Pressed, "#stats-next")
    def _next_pressed(self) -> None:
        self.action_next_month()

    @on(Button.Pressed, "#stats-month")
    def _month_pressed(self) -> None:
        self.action_pick_month()

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
        from teller_guard.ui.screens.drill import DrillScreen

        title = f"{fig.section}·{fig.label}：{format_value(fig.kind, fig.value)}"
        self.app.push_screen(DrillScreen(title, fig.filter))

    # ------------------------------------------------------------ export
    def action_export(self, fmt: str) -> None:
        if not self._may_export() or self.ctx.staff is None:
            self.notify("只有安全保卫、主管或管理员可以导出台账", severity="warning")
            return
        from teller_guard.ui.screens.stats_dialogs import SaveExportDialog

        month = self.month
        assert self.export_folder is not None
        default = default_export_path(self.export_folder, month, fmt)

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            self.export_folder = path.parent
            self.query_one("#stats-status", Static).update(f"正在导出 {month} {EXPORT_LABELS[fmt]} → {path} …")
            bar = self.query_one("#stats-progress", ProgressBar)
            bar.update(total=None, progress=0)
            bar.display = True
            self._save_export(month, fmt, path)

        self.app.push_screen(SaveExportDialog(f"导出 {month} {EXPORT_LABELS[fmt]}", default), chosen)

    @on(Button.Pressed, "#stats-export-xlsx, #stats-export-csv, #stats-export-pdf")
    def _export_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_export(event.button.id.rsplit("-", 1)[1])

    def _progress(self, done: int, total: int) -> None:
        bar = self.query_one("#stats-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)

    @work(thread=True, exclusive=True, group="export", description="monthly export")
    def _save_export(self, month: str, fmt: str, out: Path) -> None:
        from teller_guard.reports.export import ExportError, export_month

        assert self.ctx.staff is not None
        try:
            result = export_month(
                self.ctx.repo.engine,
                month,
                fmt,  # type: ignore[arg-type]  # one of the screen's own format buttons, each a valid format
                out,
                staff=self.ctx.staff,
                rules=self.ctx.rules,
                zone=self.ctx.settings.zone,
                now=self.ctx.clock(),
                progress=lambda done, total: self.app.call_from_thread(self._progress, done, total),
                stats=self.stats if self.stats is not None and self.stats.month == month else None,
                chain_head=head.head if (head := self.ctx.repo.chain_head()) else None,
            )
        except (ExportError, OSError) as exc:
            self.ctx.gate.record(
                "export", self.ctx.staff.staff_id, ok=False, subject=month, format=fmt, reason=type(exc).__name__
            )
            self.post_message(self.ExportFinished(fmt, None, 0, "", str(exc)))
            return
        self.ctx.gate.record(
            "export",
            self.ctx.staff.staff_id,
            subject=month,
            format=fmt,
            rows=result.rows,
            sha256=result.sha256,
            file=str(result.path),
        )
        self.post_message(self.ExportFinished(fmt, result.path, result.rows, result.sha256))

    def on_stats_screen_export_finished(self, event: StatsScreen.ExportFinished) -> None:
        self.query_one("#stats-progress", ProgressBar).display = False
        status = self.query_one("#stats-status", Static)
        if event.error:
            status.update(f"导出失败：{event.error}")
            self.notify(f"导出失败：{event.error}", severity="error")
            return
        self.last_export = event.path
        self.refresh_bindings()
        status.update(f"已导出 {event.rows:,} 行 → {event.path}（SHA-256 {event.sha256[:12]}…）  o 打开文件夹")
        self.notify(f"已导出 {EXPORT_LABELS[event.fmt]}：{event.path}")

    def action_open_folder(self) -> None:
        if self.last_export is None:
            return
        folder = self.last_export.parent
        opener = shutil.which("xdg-open") or shutil.which("open")
        if opener is None:
            self.notify(f"文件夹：{folder}（此终端无法直接打开，请在文件管理器中打开）", timeout=10)
            return
        subprocess.Popen([opener, str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        self.notify(f"已打开文件夹：{folder}")
