"""The risk panel: score, level (colour and a word), every reason with its points and evidence,
and the script to say back when a fraud type is suspected. Shared by the counter and the lobby."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from teller_guard.core.models import Assessment

LEVEL_STYLE = {
    "low": "bold black on green",
    "medium": "bold black on yellow",
    "high": "bold white on dark_orange3",
    "critical": "bold white on red",
}
"""Colour per level; the level word is always printed too, so colour is never the only cue."""


class RiskPanel(Static):
    """Shows an :class:`Assessment`; set ``assessment`` (attributes down) to update it."""

    assessment: reactive[Assessment | None] = reactive(None, layout=True)

    def render_assessment(self, a: Assessment | None) -> RenderableType:
        if a is None:
            return Text("风险评估：尚无输入", style="dim")
        head = Text.assemble(
            ("风险 ", "bold"),
            (f" {a.level_label} ", LEVEL_STYLE[a.level]),
            (f"  {a.score} 分  ", "bold"),
            (a.action, "bold"),
        )
        parts: list[RenderableType] = [head]
        if a.signals:
            table = Table.grid(padding=(0, 1), expand=True)
            table.add_column(width=5, justify="right")
            table.add_column(ratio=1)
            for s in a.signals:
                # Chinese has no spaces to wrap at: fold long reasons, never cut them with "…".
                table.add_row(Text(f"+{s.points}", style="bold"), Text(s.reason, overflow="fold"))
            parts += [Text(""), Text("原因：", style="bold"), table]
        else:
            parts.append(Text("未发现风险信号。", style="dim"))
        for t in a.typologies:
            parts += [
                Text(""),
                Text(
                    f"疑似：{t.label}" + ("（一律是诈骗，停止办理）" if t.auto_stop else ""),
                    style="bold red",
                ),
            ]
            parts += [Text(f"  请对客户说：{line}") for line in t.script]
        if a.actions:
            # No space after "·": Rich would break the line there and leave the dot alone.
            parts += [Text(""), Text("建议：", style="bold")] + [Text(f"  ·{x}", overflow="fold") for x in a.actions]
        return Group(*parts)

    def watch_assessment(self, a: Assessment | None) -> None:
        """Re-render when a new assessment arrives."""
        self.update(self.render_assessment(a))
        self.set_class(a is not None and a.level in ("high", "critical"), "-alarm")
