"""The customer's acknowledgement of the bespoke notice (minimal version; being extended).

Contract used by the counter flow:
``AcknowledgeScreen(record=..., assessment=..., serial=..., witness=..., clock=...)`` is a
``ModalScreen[AcknowledgementRecord | None]``; it dismisses with the acknowledgement (paper,
screen, refused, override) or ``None`` when cancelled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from teller_guard.core.models import Assessment
from teller_guard.core.records import (
    AcknowledgementRecord,
    InterventionRecord,
    Staff,
    mask_name,
    utcnow,
)


class AcknowledgeScreen(ModalScreen[AcknowledgementRecord | None]):
    """Record how the customer acknowledged the notice (or that they refused)."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="ack-cancel")]

    def __init__(
        self,
        *,
        record: InterventionRecord,
        assessment: Assessment,
        serial: str,
        witness: Staff,
        notice_version: str,
        notice_text_hash: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__()
        self.record = record
        self.assessment = assessment
        self.serial = serial
        self.witness = witness
        self.notice_version = notice_version
        self.notice_text_hash = notice_text_hash
        self.clock = clock

    def compose(self) -> ComposeResult:
        with Vertical(id="ack-box"):
            yield Label(f"《防范电信诈骗告知书》 编号 {self.serial}", classes="title")
            yield Input(placeholder="客户在屏幕上签名（输入姓名）", id="ack-signer")
            yield Button("纸质已签字", id="ack-paper", variant="primary")
            yield Button("屏幕签名", id="ack-screen")
            yield Button("客户拒绝签字", id="ack-refused", variant="warning")

    def _done(self, method: str, signer: str | None = None) -> None:
        self.dismiss(
            AcknowledgementRecord(
                method=method,  # type: ignore[arg-type]
                notice_serial=self.serial,
                notice_version=self.notice_version,
                notice_text_hash=self.notice_text_hash,
                signer_masked=mask_name(signer) if signer else None,
                witness_staff_id=self.witness.staff_id,
                at=self.clock(),
            )
        )

    @on(Button.Pressed, "#ack-paper")
    def paper(self) -> None:
        self._done("paper")

    @on(Button.Pressed, "#ack-screen")
    def screen_signed(self) -> None:
        name = self.query_one("#ack-signer", Input).value.strip()
        if name:
            self._done("screen", name)

    @on(Button.Pressed, "#ack-refused")
    def refused(self) -> None:
        self._done("refused")

    def action_cancel(self) -> None:
        self.dismiss(None)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
