"""Placeholder: 统计与月度台账 (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Label


class StatsScreen(Screen[None]):
    """统计与月度台账."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("统计与月度台账", classes="title")
        yield Footer()
