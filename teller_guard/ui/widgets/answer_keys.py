"""One key per answer: numbered options and groups of one-key observations.

:class:`OptionPicker` shows a question's options numbered (1–9, then a, b, c …); the option's
key picks it and moves on to the next question. Nothing picked is *not asked* — never "no".
Any other character typed on a question with a free-text answer starts the customer's words
in that field. Backspace clears the answer back to not asked.

:class:`LookGroup` holds the observations of one step (二看, the transaction facts of 一核对),
each with its key from the rules. A key ticks or unticks an observation; Enter says the step
was done — what is unticked was looked at and *not* seen — and moves on. Until Enter (or a
key), the observations are not asked. The keys work only while the group has the focus.

Both move the focus synchronously while the key is handled, and the app reads the next key
only after this one is handled (:mod:`~teller_guard.ui.key_gate`), so a burst lands exactly.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input

NOT_ASKED = "未问"
OPTION_KEYS = "123456789" + string.ascii_lowercase
YES_NO_ALIASES = {"y": "yes", "n": "no"}


def move_on(widget: Widget, *, skip_class: str = "said") -> None:
    """Give the focus to the next field after ``widget`` now (not on the next refresh),
    passing over optional fields of class ``skip_class`` (the customer's words)."""
    screen = widget.screen
    chain = screen.focus_chain
    if widget not in chain:
        return
    for nxt in chain[chain.index(widget) + 1 :]:
        if not nxt.has_class(skip_class):
            screen.set_focus(nxt)
            return


class OptionPicker(Widget, can_focus=True):
    """A question's options, numbered; one key picks and moves on. ``value`` ``None`` = not asked."""

    DEFAULT_CSS = """
    OptionPicker { height: auto; width: 1fr; padding: 0 1; }
    OptionPicker:focus { background: $boost; }
    """

    value: reactive[str | None] = reactive(None, layout=True)

    @dataclass
    class Changed(Message):
        picker: OptionPicker
        value: str | None

        @property
        def control(self) -> OptionPicker:
            return self.picker

    def __init__(
        self,
        options: list[tuple[str, str]],
        *,
        said: str | None = None,
        yes_no: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.options = options
        """(label, value) in order; the n-th is picked by ``OPTION_KEYS[n]``."""
        self.said = said
        """Id of the free-text field for the customer's words (typing other characters goes there)."""
        self.keys = {OPTION_KEYS[n]: value for n, (_, value) in enumerate(options)}
        if yes_no:
            self.keys.update(YES_NO_ALIASES)

    def render(self) -> Text:
        return self._laid_out(self.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._laid_out(width).plain.split("\n"))

    def _laid_out(self, width: int) -> Text:
        """The options laid out line by line, an option never cut across two lines."""
        width = max(width, 10)
        pieces: list[Text] = []
        for n, (label, value) in enumerate(self.options):
            piece = Text()
            piece.append(f"{OPTION_KEYS[n]} ", style="bold")
            piece.append(label, style="bold reverse" if value == self.value else "")
            pieces.append(piece)
        if self.value is None:
            pieces.append(Text(f"（{NOT_ASKED}）", style="dim"))
        out = Text()
        used = 0
        for piece in pieces:
            if used and used + 2 + piece.cell_len > width:
                out.append("\n")
                used = 0
            elif used:
                out.append("  ")
                used += 2
            out.append_text(piece)
            used += piece.cell_len
        return out

    def on_resize(self) -> None:
        self.refresh(layout=True)

    def watch_value(self, value: str | None) -> None:
        self.post_message(self.Changed(self, value))

    def pick(self, value: str | None) -> None:
        self.value = value

    async def _on_key(self, event: events.Key) -> None:
        char = (event.character or "").lower()
        if event.key in ("backspace", "delete"):
            event.stop()
            self.value = None
            return
        if event.key == "enter":
            event.stop()
            move_on(self)
            return
        if char in self.keys and len(char) == 1:
            event.stop()
            event.prevent_default()
            self.value = self.keys[char]
            move_on(self)
            return
        if self.said and event.is_printable and event.character and event.key != "space":
            # The customer's words: straight into the field for them, typed as it comes.
            event.stop()
            field = self.screen.query_one(f"#{self.said}", Input)
            self.screen.set_focus(field)
            field.insert_text_at_cursor(event.character)


class LookGroup(Widget, can_focus=True):
    """One step's one-key observations: a key ticks one, Enter records the rest as not seen."""

    DEFAULT_CSS = """
    LookGroup { height: auto; width: 1fr; padding: 0 1; }
    LookGroup:focus { background: $boost; }
    """

    @dataclass
    class Changed(Message):
        group: LookGroup
        answers: dict[str, bool]
        """Item id → seen (``True``) / looked at and not seen (``False``); absent = not asked."""

        @property
        def control(self) -> LookGroup:
            return self.group

    def __init__(self, items: list[tuple[str, str, str]], *, done_label: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items = items
        """(key, item id, prompt) in order."""
        self.done_label = done_label
        self.answers: dict[str, bool] = {}
        self.by_key = {key: item_id for key, item_id, _ in items}

    def render(self) -> Text:
        out = Text()
        for key, item_id, prompt in self.items:
            seen = self.answers.get(item_id)
            mark = "☑" if seen else ("☐" if seen is False else "·")
            out.append(f"{key} ", style="bold")
            out.append(f"{mark} {prompt}", style="bold reverse" if seen else "")
            out.append("\n")
        if not self.answers:
            out.append(f"Enter {self.done_label}（{NOT_ASKED}）", style="dim")
        elif all(i in self.answers for _, i, _ in self.items):
            out.append("已看过（☐ = 没有）", style="dim")
        else:
            out.append(f"Enter {self.done_label}", style="dim")
        return out

    def set_answers(self, answers: dict[str, bool]) -> None:
        """Show ``answers`` (no message: the case already holds them)."""
        self.answers = dict(answers)
        self.refresh(layout=True)

    def _changed(self) -> None:
        self.refresh(layout=True)
        self.post_message(self.Changed(self, dict(self.answers)))

    async def _on_key(self, event: events.Key) -> None:
        char = (event.character or "").lower()
        if event.key == "enter":
            event.stop()
            for _, item_id, _ in self.items:
                self.answers.setdefault(item_id, False)
            self._changed()
            move_on(self)
            return
        if char in self.by_key and len(char) == 1:
            event.stop()
            event.prevent_default()
            item_id = self.by_key[char]
            self.answers[item_id] = not self.answers.get(item_id, False)
            self._changed()
