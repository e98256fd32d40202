"""The statistics screen's dialogs: pick a month, pick a range of days, choose where to save an export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from teller_guard.reports.stats import parse_month, shift_month
from teller_guard.ui.context import AppModal


class MonthPicker(AppModal[str | None]):
    """Pick a local month from a list (the last two years) or type ``YYYY-MM``."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="month-cancel", tooltip="不换月份")]

    def __init__(self, current: str, latest: str, *, months: int = 24) -> None:
        super().__init__()
        self.current = current
        """The month shown now (highlighted)."""
        self.choices = [shift_month(latest, -k) for k in range(months)]
        """Newest first, ending ``months`` back from ``latest``."""

    def compose(self) -> ComposeResult:
        with Vertical(id="month-box", classes="dialog"):
            yield Label("选择月份（本地业务月）", classes="title")
            yield Input(placeholder="输入 YYYY-MM，回车", id="month-input", max_length=7)
            yield OptionList(*(Option(m, id=m) for m in self.choices), id="month-list")
            yield Label("↑↓ 选择，回车确定；或直接输入月份 · Esc 取消", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one("#month-list", OptionList)
        if self.current in self.choices:
            options.highlighted = self.choices.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected, "#month-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted, "#month-input")
    def _typed(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        try:
            parse_month(value)
        except ValueError:
            self.notify("月份格式为 YYYY-MM，例如 2026-11", severity="warning")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DayRangePicker(AppModal[tuple[date, date] | None]):
    """Two local days (inclusive) for a drill-down list."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="range-cancel", tooltip="不改日期范围")]

    def __init__(self, start: date, end: date) -> None:
        super().__init__()
        self.start, self.end = start, end

    def compose(self) -> ComposeResult:
        with Vertical(id="range-box", classes="dialog"):
            yield Label("自定义日期范围（本地日期，含首尾两天）", classes="title")
            with Horizontal(classes="dialog-row"):
                yield Label("从", classes="dialog-label")
                yield Input(self.start.isoformat(), id="range-from", max_length=10)
            with Horizontal(classes="dialog-row"):
                yield Label("到", classes="dialog-label")
                yield Input(self.end.isoformat(), id="range-to", max_length=10)
            yield Label("格式 YYYY-MM-DD · 回车确定 · Esc 取消", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#range-from", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "range-from":
            self.query_one("#range-to", Input).focus()
            return
        try:
            start = date.fromisoformat(self.query_one("#range-from", Input).value.strip())
            end = date.fromisoformat(self.query_one("#range-to", Input).value.strip())
        except ValueError:
            self.notify("日期格式为 YYYY-MM-DD，例如 2026-11-03", severity="warning")
            return
        if start > end:
            self.notify("开始日期晚于结束日期", severity="warning")
            return
        self.dismiss((start, end))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SaveExportDialog(AppModal[Path | None]):
    """Where to save an export: the default folder and name, editable; warns before overwriting."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="save-cancel", tooltip="不导出")]

    def __init__(self, title: str, default: Path) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        """The suggested path (folder + ``台账-2026-11.xlsx``)."""
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="save-box", classes="dialog"):
            yield Label(self.title_text, classes="title")
            yield Label("保存到（可修改文件夹和文件名）：", classes="hint")
            yield Input(str(self.default), id="save-path")
            yield Label("", id="save-warning", classes="warning")
            with Horizontal(classes="dialog-buttons"):
                yield Button("保存", id="save-ok", variant="primary")
                yield Button("取消", id="save-no")
            yield Label("回车保存 · Esc 取消", classes="hint")

    def on_mount(self) -> None:
        box = self.query_one("#save-path", Input)
        box.focus()
        box.cursor_position = len(box.value)

    @on(Input.Changed, "#save-path")
    def _changed(self) -> None:
        self._confirmed = None
        self.query_one("#save-warning", Label).update("")

    @on(Input.Submitted, "#save-path")
    @on(Button.Pressed, "#save-ok")
    def _save(self) -> None:
        raw = self.query_one("#save-path", Input).value.strip()
        if not raw:
            self.query_one("#save-warning", Label).update("请填写文件名")
            return
        path = Path(raw).expanduser()
        if path.is_dir():
            self.query_one("#save-warning", Label).update("这是一个文件夹，请在后面加上文件名")
            return
        if path.suffix.lower() != self.default.suffix.lower():
            path = path.with_name(path.name + self.default.suffix)
        if path.exists() and self._confirmed != path:
            self._confirmed = path
            self.query_one("#save-warning", Label).update(f"文件已存在：{path.name}。再按回车覆盖，或修改文件名。")
            return
        self.dismiss(path)

    @on(Button.Pressed, "#save-no")
    def action_cancel(self) -> None:
        self.dismiss(None)
