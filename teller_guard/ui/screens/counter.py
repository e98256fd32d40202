"""Placeholder: 柜面「三问二看一核对」 (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Label


class CounterScreen(Screen[None]):
    """柜面「三问二看一核对」."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("柜面「三问二看一核对」", classes="title")
        yield Footer()
