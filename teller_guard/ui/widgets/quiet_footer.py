"""A :class:`~textual.widgets.Footer` that rebuilds its keys once per burst of binding changes.

Textual's footer schedules a full recompose for every change of the screen's bindings; opening
a screen (stack change, focus, first idle) changes them three times before the first paint, so
the keys were built three times. Here a rebuild already scheduled absorbs the later requests:
it reads the screen's bindings when it runs, so it shows the same keys as the last one would.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class QuietFooter(Footer):
    """The footer, rebuilt at most once per refresh."""

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
