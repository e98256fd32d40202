"""QuietFooter shows what Textual's footer shows, and rebuilds only when that changes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from teller_guard.ui.widgets.quiet_footer import QuietFooter


class Sheet(Widget, can_focus=True):
    """A focusable widget with a key of its own, shown in the footer while it has the focus."""

    BINDINGS = [Binding("f6", "flip", "翻页")]

    def action_flip(self) -> None:
        pass


class TwoFooters(App[None]):
    BINDINGS = [Binding("f2", "decide", "办结"), Binding("f3", "history", "今日记录")]

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield Sheet(id="sheet")
        yield Footer(id="textual")
        yield QuietFooter(id="quiet")

    def action_decide(self) -> None:
        pass

    def action_history(self) -> None:
        pass


def _keys(app: App[None], footer_id: str) -> list[FooterKey]:
    return list(app.screen.query_one(f"#{footer_id}").query(FooterKey))


def _shown(keys: list[FooterKey]) -> list[tuple[str, str, bool]]:
    return [(k.key, k.description, k.has_class("-compact")) for k in keys]


async def test_the_same_keys_as_textual_and_no_rebuild_between_fields() -> None:
    app = TwoFooters()
    async with app.run_test(size=(100, 10)) as pilot:
        app.screen.query_one("#a").focus()
        await pilot.pause()
        await pilot.pause()
        first = _keys(app, "quiet")
        assert _shown(first) == _shown(_keys(app, "textual"))
        assert ("f2", "办结", False) in _shown(first)

        # Moving between fields changes the screen's bindings but not the keys shown: no rebuild.
        app.screen.query_one("#b").focus()
        await pilot.pause()
        await pilot.pause()
        assert _keys(app, "quiet") == first  # the very same widgets
        assert all(a is b for a, b in zip(_keys(app, "quiet"), first, strict=True))

        # A widget with a key of its own: the footer is rebuilt and shows it, as Textual's does.
        app.screen.query_one("#sheet").focus()
        await pilot.pause()
        await pilot.pause()
        shown = _shown(_keys(app, "quiet"))
        assert ("f6", "翻页", False) in shown
        assert shown == _shown(_keys(app, "textual"))

        # And back: the key goes away again.
        app.screen.query_one("#a").focus()
        await pilot.pause()
        await pilot.pause()
        assert ("f6", "翻页", False) not in _shown(_keys(app, "quiet"))
        assert _shown(_keys(app, "quiet")) == _shown(_keys(app, "textual"))


async def test_a_compact_footer_keeps_its_keys_compact() -> None:
    class Compact(TwoFooters):
        def compose(self) -> ComposeResult:
            yield Input(id="a")
            yield QuietFooter(id="quiet", compact=True)

    app = Compact()
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        await pilot.pause()
        keys = _keys(app, "quiet")
        assert _shown(keys) == [("f2", "办结", True), ("f3", "今日记录", True), ("ctrl+p", "palette", True)]
