"""Offer back the cases a crash (or a power cut) left open: resume one, or record it as abandoned."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from teller_guard.core.records import Draft

ResumeChoice = tuple[Literal["resume", "abandon"], Draft]


def describe_draft(draft: Draft, zone: ZoneInfo, me: str = "") -> str:
    """One line that lets the teller recognise the case: when, how much, who (and whose, when
    another member of staff left it open)."""
    state = draft.state
    started = draft.started_at.astimezone(zone).strftime("%m-%d %H:%M")
    amount = str(state.get("amount") or "").strip()
    who = state.get("customer_name_masked") or (
        f"{state['customer_age']}岁" if state.get("customer_age") else "客户未录入"
    )
    answers = state.get("answers") or {}
    count = len(answers) if isinstance(answers, dict) else 0
    line = f"{started} 开始 · 金额 {amount + ' 元' if amount else '未录入'} · {who} · 已答 {count} 项"
    return line if not me or draft.staff_id == me else f"{line} · 工号 {draft.staff_id} 未办结"


class ResumeModal(ModalScreen[ResumeChoice | None]):
    """List the open drafts; dismisses with what to do with the highlighted one, or ``None``."""

    BINDINGS = [
        Binding("enter", "choose('resume')", "继续办理", id="resume-resume", tooltip="恢复这笔业务，接着录入"),
        Binding("delete,x", "choose('abandon')", "记为放弃", id="resume-abandon", tooltip="记入台账为“未办结放弃”"),
        Binding("escape", "later", "稍后处理", id="resume-later", tooltip="先办新业务，下次启动再提示"),
    ]

    def __init__(self, drafts: list[Draft], zone: ZoneInfo, *, me: str = "") -> None:
        super().__init__()
        self.me = me
        """Who is signed in: a draft of anyone else is marked with its staff id."""
        self.drafts = drafts
        """Open drafts, oldest first."""
        self.zone = zone
        """Branch time zone for the start times shown."""

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box"):
            yield Label(f"有 {len(self.drafts)} 笔未办结的业务（程序上次意外退出）", classes="title")
            yield OptionList(
                *(Option(describe_draft(d, self.zone, self.me), id=d.draft_id) for d in self.drafts),
                id="resume-list",
            )
            yield Label("Enter 继续办理 · X/Delete 记为放弃 · Esc 稍后处理", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one("#resume-list", OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#resume-list")
    def _selected(self) -> None:
        self.action_choose("resume")

    def action_choose(self, what: Literal["resume", "abandon"]) -> None:
        """Dismiss with the highlighted draft and what to do with it."""
        index = self.query_one("#resume-list", OptionList).highlighted or 0
        self.dismiss((what, self.drafts[index]))

    def action_later(self) -> None:
        """Leave the drafts open for now."""
        self.dismiss(None)
