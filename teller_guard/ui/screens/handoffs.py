"""Lobby cases brought to the counter («带至柜台进一步核实») that no counter case has continued yet."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from teller_guard.core.money import format_yuan
from teller_guard.core.records import InterventionSummary
from teller_guard.core.rules import RuleSet


def describe_handoff(s: InterventionSummary, rules: RuleSet, zone: ZoneInfo) -> str:
    """One line per waiting customer: when, where, how much, what the lobby saw."""
    when = s.closed_at.astimezone(zone).strftime("%H:%M")
    who = s.customer_name_masked or (f"{s.customer_age}岁" if s.customer_age is not None else "客户")
    machines = {m.id: m.label for m in rules.branch.machines}
    where = machines.get(s.machine_id or "", s.machine_id or "大堂")  # as the branch names it
    level = rules.levels[s.level].label
    typ = f" · 疑似{s.typology_labels}" if s.typology_labels else ""
    return f"{when} {where} · {who} · {format_yuan(s.amount_fen)} · 大堂评估 {level}{typ} · 员工 {s.staff_id}"


class HandoffsModal(ModalScreen[str | None]):
    """Pick a waiting lobby case; dismisses with its uid, or ``None``."""

    BINDINGS = [
        Binding("escape", "close", "返回", id="handoffs-close", tooltip="不接转，回到当前业务"),
    ]

    def __init__(self, handoffs: list[InterventionSummary], rules: RuleSet, zone: ZoneInfo) -> None:
        super().__init__()
        self.handoffs = handoffs
        """Waiting lobby cases, oldest first."""
        self.rules = rules
        self.zone = zone

    def compose(self) -> ComposeResult:
        with Vertical(id="handoffs-box"):
            yield Label("大堂转来待核实的客户", classes="title")
            if self.handoffs:
                yield OptionList(
                    *(Option(describe_handoff(s, self.rules, self.zone), id=s.uid) for s in self.handoffs),
                    id="handoffs-list",
                )
                yield Label("↑↓ 选择 · Enter 接转到柜面 · Esc 返回", classes="hint")
            else:
                yield Label("目前没有大堂转来的客户。", id="handoffs-empty")
                yield Label("Esc 返回", classes="hint")

    def on_mount(self) -> None:
        if self.handoffs:
            options = self.query_one("#handoffs-list", OptionList)
            options.highlighted = 0
            options.focus()

    @on(OptionList.OptionSelected, "#handoffs-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        """Back to the counter."""
        self.dismiss(None)
