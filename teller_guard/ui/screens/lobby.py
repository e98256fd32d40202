"""Placeholder: 大堂「一问二看三提醒」 (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Label


class LobbyScreen(Screen[None]):
    """大堂「一问二看三提醒」."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("大堂「一问二看三提醒」", classes="title")
        yield Footer()
