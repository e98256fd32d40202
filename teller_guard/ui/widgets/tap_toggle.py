"""A large on/off tile for touch screens: a Button that stays pressed (☑) or released (☐)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button


class TapToggle(Button):
    """A yes/no tile big enough to tap standing up; Enter, Space or a tap flips it.

    Set ``on`` to change it from code (attributes down); it posts :class:`TapToggle.Changed`
    whenever it flips, whoever flipped it (messages up).
    """

    DEFAULT_CSS = """
    TapToggle {
        width: 1fr;
        height: 3;
        content-align: left middle;
    }
    TapToggle.-on {
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("space", "press", "勾选/取消", show=False, tooltip="勾选或取消这一项", id="toggle-press"),
    ]

    on: reactive[bool] = reactive(False, init=False)
    """Whether the tile is ticked."""

    @dataclass
    class Changed(Message):
        """The tile was ticked or unticked."""

        toggle: TapToggle
        """The tile that changed."""
        on: bool
        """Its new state."""

        @property
        def control(self) -> TapToggle:
            return self.toggle

    def __init__(self, text: str, *, on: bool = False, id: str | None = None, tooltip: str | None = None) -> None:
        self.text = text
        """The words on the tile, without the tick box."""
        super().__init__(self._label(on), variant="success" if on else "default", id=id, tooltip=tooltip)
        self.set_reactive(TapToggle.on, on)
        self.set_class(on, "-on")

    @staticmethod
    def _mark(on: bool) -> str:
        return "☑" if on else "☐"

    def _label(self, on: bool) -> str:
        return f"{self._mark(on)} {self.text}"

    def press(self) -> TapToggle:
        """Flip the tile: what a tap (Button's click) and Enter (Button's binding) end up calling."""
        if self.disabled or not self.display:
            return self
        self._start_active_affect()
        self.on = not self.on
        return self

    def watch_on(self, on: bool) -> None:
        self.label = self._label(on)
        self.set_class(on, "-on")
        self.variant = "success" if on else "default"
        self.post_message(self.Changed(self, on))
