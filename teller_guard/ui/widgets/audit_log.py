"""审计日志: one month of the audit trail as a table (the statistics screen's second tab).

Read in a thread worker, like every query of the statistics screen; reading it is itself
logged (``audit_read``). Only the roles that may read the audit trail get this tab.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from teller_guard.core.audit import AUDIT_COLUMNS, AuditEvent, audit_cells
from teller_guard.ui.context import app_context


class AuditLog(Vertical):
    """The audit events of one local month, newest first."""

    @dataclass
    class Loaded(Message):
        """A month's events were read (posted by the worker)."""

        month: str
        events: list[AuditEvent]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.month = ""
        """The month shown (``YYYY-MM``)."""
        self.events: list[AuditEvent] = []
        """The events on screen, newest first."""

    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="audit-status", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#audit-table", DataTable).add_columns(*AUDIT_COLUMNS)

    def show_month(self, month: str) -> None:
        """Read and show ``month`` (logged as an ``audit_read`` by the signed-in staff member)."""
        self.month = month
        self.query_one("#audit-status", Static).update(f"正在读取 {month} 的审计日志…")
        self._load(month)

    @work(thread=True, exclusive=True, group="audit-log", description="审计日志")
    def _load(self, month: str) -> None:
        ctx = app_context(self)
        ctx.gate.record("audit_read", ctx.on_shift.staff_id, subject=month, where="stats_screen")
        events = ctx.repo.audit_events(local_month=month)
        self.post_message(self.Loaded(month, list(reversed(events))))

    def on_audit_log_loaded(self, event: Loaded) -> None:
        event.stop()
        if event.month != self.month:
            return
        self.events = event.events
        zone = app_context(self).settings.zone
        table = self.query_one("#audit-table", DataTable)
        table.clear()
        for e in event.events:
            table.add_row(*audit_cells(e, zone), key=str(e.id))
        refused = sum(1 for e in event.events if not e.ok)
        self.query_one("#audit-status", Static).update(
            f"{event.month}：共 {len(event.events)} 条，其中拒绝 {refused} 条（最新在上）"
        )
