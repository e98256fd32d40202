"""A :class:`~textual.widgets.Footer` that rebuilds its keys only when the keys it shows change.

Textual's footer schedules a full recompose for every change of the screen's bindings — opening a
screen changes them three times before the first paint, and every focus change changes them
again, though moving between the fields of a form rarely changes a key the footer shows. A
rebuild costs about 20 restyles (each new key is restyled twice: once compact, as
:class:`~textual.widgets._footer.FooterKey` starts, then not, as the footer binds it), so here a
rebuild already scheduled absorbs later requests, and a rebuild whose keys are the ones on
screen is skipped.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class QuietFooter(Footer):
    """The footer, rebuilt at most once per refresh and only when its keys change."""

    _rebuild_pending = False
    _shown: Hashable = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    def _keys_shown(self) -> Hashable:
        """What the footer would show: each shown binding's key, label, action and state."""
        bindings = self.screen.active_bindings
        palette = bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return (
            self.show_command_palette,
            palette[1:] if palette else None,
            tuple(
                (binding.key, binding.key_display, binding.description, binding.action, enabled, tooltip, binding.group)
                for (_, binding, enabled, tooltip) in bindings.values()
                if binding.show
            ),
        )

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached or self._pruning:
            return  # the screen went away before the refresh
        shown = self._keys_shown()
        if shown == self._shown and self.children:
            return
        self._shown = shown
        await self.recompose()

    def compose(self) -> ComposeResult:
        yield from self._settled(super().compose())

    def _settled(self, widgets: Iterable[Widget]) -> Iterator[Widget]:
        # A FooterKey starts compact and is then bound to the footer's own setting: give it that
        # setting before it mounts, so it is styled once (the command palette's key is not bound).
        for widget in widgets:
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget
